from __future__ import annotations

from django.conf import settings

from fupin.core.navigation import modules_for
from fupin.regions import selectors as region_selectors


def shell(request) -> dict:
    """What the page shell needs: navigation, the region breadcrumb and the switcher."""
    user = getattr(request, "user", None)
    data = {"fupin_demo": settings.DEMO}
    if user is None or not user.is_authenticated:
        return data
    current = getattr(request, "region_code", None)
    data.update(
        nav_modules=modules_for(user),
        region_trail=region_selectors.region_trail(actor=user, code=current),
        region_current=current,
    )
    return data
