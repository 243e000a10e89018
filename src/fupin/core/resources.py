from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.core.scope import Surfaces, register, requires

register(
    AuditEntry,
    region_field="region_code",
    narrow=requires(roles.Capability.AUDIT_SEARCH),
    surfaces=Surfaces(
        page_list="core:audit_list",
        page_detail="core:audit_detail",
        api_list="api:audit-list",
        api_detail="api:audit-detail",
        export="core:audit_export",
    ),
)
