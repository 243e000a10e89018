from __future__ import annotations

import pytest

from fupin.accounts import roles
from fupin.assistance.models import Pairing
from fupin.demo.pairings import demo_pairings
from tests import factories
from tests.factories import make_household, make_monitored, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_pairs_the_villages_poor_and_monitored_households_with_bangfu(tree):
    make_user(role=roles.Role.VILLAGE, region=factories.VILLAGE, username="cun")
    bangfu = make_user(role=roles.Role.PAIRED_CADRE, region=factories.VILLAGE, username="bangfu")
    poor = make_household(household_type="poor_general")
    monitored = make_monitored(kind="edge")
    make_household(household_type="general")
    make_monitored(region="430524100202")  # another village
    assert demo_pairings() == 2
    paired = set(Pairing.objects.filter(cadre=bangfu).values_list("household_id", flat=True))
    assert paired == {poor.pk, monitored.pk}
    assert demo_pairings() == 0  # loading again pairs nothing twice
