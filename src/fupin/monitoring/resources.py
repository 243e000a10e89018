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
