from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.core.scope import Surfaces, register


def _auditors_only(user, queryset):
    return queryset if roles.may(user, roles.Capability.AUDIT_SEARCH) else queryset.none()


register(
    AuditEntry,
    region_field="region_code",
    narrow=_auditors_only,
    surfaces=Surfaces(
        page_list="core:audit_list",
        page_detail="core:audit_detail",
        api_list="api:audit-list",
        api_detail="api:audit-detail",
        export="core:audit_export",
    ),
)
