from fupin.core.scope import Surfaces, register
from fupin.procedures.models import Objection, Procedure

register(
    Procedure,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="procedures:list",
        page_detail="procedures:detail",
        api_list="api:procedure-list",
        api_detail="api:procedure-detail",
        export="procedures:export",
    ),
)
register(
    Objection,
    region_field="step__procedure__region__code",
    surfaces=Surfaces(
        page_list="procedures:objection_list",
        page_detail="procedures:objection_detail",
        api_list="api:objection-list",
        api_detail="api:objection-detail",
        export="procedures:objection_export",
    ),
)
