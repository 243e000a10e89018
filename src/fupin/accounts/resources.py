from fupin.accounts import roles
from fupin.accounts.models import User
from fupin.core.scope import Surfaces, register, requires

register(
    User,
    region_field="region__code",
    narrow=requires(roles.Capability.MANAGE_USERS),
    surfaces=Surfaces(
        page_list="accounts:user_list",
        page_detail="accounts:user_detail",
        page_edit="accounts:user_edit",
        api_list="api:user-list",
        api_detail="api:user-detail",
        export="accounts:user_export",
    ),
)
