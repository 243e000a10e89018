from fupin.core.scope import Surfaces, register
from fupin.regions.models import Region

register(
    Region,
    region_field="code",
    open_to_departments=True,
    surfaces=Surfaces(
        page_list="regions:list",
        page_detail="regions:detail",
        page_edit="regions:edit",
        api_list="api:region-list",
        api_detail="api:region-detail",
        export="regions:export",
    ),
)
