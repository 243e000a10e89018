from fupin.assistance.models import Pairing
from fupin.core.scope import Surfaces, register

register(
    Pairing,
    region_field="household__region__code",
    surfaces=Surfaces(
        page_list="assistance:pairing_list",
        page_detail="assistance:pairing_detail",
        api_list="api:pairing-list",
        api_detail="api:pairing-detail",
        export="assistance:pairing_export",
    ),
)
