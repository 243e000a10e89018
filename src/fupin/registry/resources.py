from fupin.core.scope import Surfaces, register
from fupin.registry.models import Household, Person

register(
    Household,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="registry:household_list",
        page_detail="registry:household_detail",
        page_edit="registry:household_edit",
        api_list="api:household-list",
        api_detail="api:household-detail",
        export="registry:export",
    ),
)
register(
    Person,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="registry:person_list",
        page_detail="registry:person_detail",
        page_edit="registry:person_edit",
        api_list="api:person-list",
        api_detail="api:person-detail",
        export="registry:export",
    ),
)
