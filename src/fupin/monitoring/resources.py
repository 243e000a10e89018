from fupin.core.scope import Surfaces, register
from fupin.monitoring.models import Lead

register(
    Lead,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="monitoring:lead_list",
        page_detail="monitoring:lead_detail",
        api_list="api:lead-list",
        api_detail="api:lead-detail",
        export="monitoring:lead_export",
    ),
)

from fupin.monitoring.models import WarningRuleSet, WarningUpload  # noqa: E402

register(
    WarningUpload,
    region_field="region__code",
    department_field="department",
    surfaces=Surfaces(
        page_list="monitoring:warning_list",
        page_detail="monitoring:warning_detail",
        api_list="api:warning-upload-list",
        api_detail="api:warning-upload-detail",
        export="monitoring:warning_export",
    ),
)
register(
    WarningRuleSet,
    region_field="region__code",
    department_field="department",
    surfaces=Surfaces(
        page_list="monitoring:rules_list",
        page_detail="monitoring:rules_detail",
        api_list="api:warning-rules-list",
        api_detail="api:warning-rules-detail",
        export="monitoring:rules_export",
    ),
)
