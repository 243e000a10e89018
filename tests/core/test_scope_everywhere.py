"""Scope is security: for every model registered with fupin.core.scope, a user can neither
read nor write an object outside its region through the pages, the API or the export.

A model joins this test by registering (fupin/<app>/resources.py) and adding a case below;
the completeness tests fail until both are done."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse

from fupin.accounts import roles
from fupin.accounts.models import User
from fupin.assistance.models import Pairing
from fupin.core import scope
from fupin.core.models import AuditEntry
from fupin.monitoring.models import Lead, WarningRuleSet, WarningUpload
from fupin.procedures.models import Objection, Procedure
from fupin.regions.models import Region
from fupin.registry.models import Household, Person
from fupin.standards.models import CountyExitEvaluation, EvaluationRun, Verdict
from tests import factories


@dataclass(frozen=True)
class Case:
    viewer_role: str
    viewer_region: str
    make: Callable[[str, str], models.Model]  # (region code, unique marker) -> object
    inside: str
    outside: tuple[str, ...]
    patch: dict
    viewer_department: str = ""


def _make_region(code: str, marker: str) -> Region:
    return factories.make_region(parent=code, name=marker)


def _make_audit(code: str, marker: str) -> AuditEntry:
    return factories.make_audit_entry(region_code=code, target_repr=marker)


def _make_user(code: str, marker: str) -> User:
    level_role = {
        "province": roles.Role.PROVINCE,
        "city": roles.Role.CITY,
        "county": roles.Role.COUNTY,
        "township": roles.Role.TOWNSHIP,
        "village": roles.Role.VILLAGE,
    }
    from fupin.regions import codes

    return factories.make_user(role=level_role[codes.level_of(code)], region=code, full_name=marker)


TOWNSHIP = "430524100000"
SIBLING_TOWNSHIP = "430524101000"
OTHER_COUNTY = "431123000000"
OTHER_COUNTY_TOWNSHIP = "431123100000"


def _make_household(code: str, marker: str):
    from fupin.registry.models import Household

    household = factories.make_household(region=_village(code), head_name=marker)
    return Household.objects.get(pk=household.pk)


def _make_person(code: str, marker: str):
    household = factories.make_household(region=_village(code), head_name=marker)
    return household.members.get()


def _make_run(code: str, marker: str):
    from fupin.standards.models import EvaluationRun

    return EvaluationRun.objects.create(year=2025, region_id=code, note=marker, status="done")


def _make_verdict(code: str, marker: str):
    from fupin.standards.models import EvaluationRun, Verdict

    household = factories.make_household(region=_village(code), head_name=marker)
    run = EvaluationRun.objects.create(year=2025, region_id=None, status="done")
    return Verdict.objects.create(
        run=run,
        household=household,
        region_id=household.region_id,
        household_number=household.number,
        criteria={"income": "met"},
    )


def _make_exit_evaluation(code: str, marker: str):
    from fupin.standards.models import CountyExitEvaluation

    return CountyExitEvaluation.objects.create(
        region_id=code,
        year=2019,
        sampled_exited_persons=10,
        wrong_exit_persons=0,
        sampled_other_persons=10,
        missed_persons=0,
        surveyed_households=10,
        approving_households=10,
        note=marker,
    )


def _make_procedure(code: str, marker: str):
    village = _village(code)
    staff = factories.make_staff(village)
    household = factories.make_household(region=village, head_name=marker)
    return factories.make_procedure(kind="identification", household=household, staff=staff)


def _make_objection(code: str, marker: str):
    from datetime import timedelta

    from django.utils import timezone

    from fupin.procedures import notices, services
    from fupin.procedures.services import File

    village = _village(code)
    staff = factories.make_staff(village)
    household = factories.make_household(region=village, head_name=marker)
    procedure = factories.make_procedure(kind="monitoring", household=household, staff=staff)
    today = timezone.localdate() - timedelta(days=1)
    for verb, files in (("submit", [File("consent", factories.upload())]), ("approve", [])):
        services.step_act(
            actor=staff["village"],
            step=procedure.steps.get(status="open"),
            verb=verb,
            files=files,
            today=today,
        )
    return notices.objection_file(
        step=procedure.steps.get(status="open"), text=f"{marker}的异议", address="203.0.113.5"
    )


def _make_lead(code: str, marker: str):
    from fupin.monitoring import services

    village = _village(code)
    staff = factories.make_staff(village)
    household = factories.make_household(region=village, head_name=marker)
    lead, _merged = services.lead_report(
        actor=staff["village"], channel="cadre", household=household, risk_types=["illness"]
    )
    return lead


def _make_warning_upload(code: str, marker: str):
    from fupin.monitoring.models import WarningUpload

    return WarningUpload.objects.create(
        department="medical_insurance", region_id=code, filename=f"{marker}.xlsx", read=1
    )


def _make_warning_rules(code: str, marker: str):
    from fupin.monitoring.models import WarningRuleSet

    return WarningRuleSet.objects.create(
        region_id=code, department="medical_insurance", basis=marker
    )


def _make_pairing(code: str, marker: str):
    household = factories.make_household(region=_village(code), head_name=marker)
    return factories.make_pairing(household=household)


def _village(code: str) -> str:
    """The first village of the test tree inside ``code``."""
    return next(
        v for v, _n in factories.TREE if v.startswith(code.rstrip("0")[:9]) and v[9:] != "000"
    )


CASES: dict[type[models.Model], Case] = {
    Region: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_region,
        inside=TOWNSHIP,  # a new village of the viewer's township
        outside=(SIBLING_TOWNSHIP, OTHER_COUNTY_TOWNSHIP, OTHER_COUNTY),
        patch={"name": "越界修改"},
    ),
    AuditEntry: Case(
        viewer_role=roles.Role.INSPECTOR,
        viewer_region=TOWNSHIP,
        make=_make_audit,
        inside="430524100201",
        outside=("430524101201", "431123100201", "430524000000", ""),
        patch={"action": "tampered"},
    ),
    Household: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_household,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"address": "越界修改", "version": 1, "water_safe": "true"},
    ),
    Person: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_person,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"name": "越界修改", "version": 1, "relation": "head"},
    ),
    EvaluationRun: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_run,
        inside=TOWNSHIP,
        outside=(SIBLING_TOWNSHIP, OTHER_COUNTY, "430524000000"),
        patch={"note": "越界修改", "year": 2020},
    ),
    Verdict: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_verdict,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"exit_eligible": True},
    ),
    CountyExitEvaluation: Case(
        viewer_role=roles.Role.CITY,
        viewer_region="430500000000",
        make=_make_exit_evaluation,
        inside="430524000000",
        outside=("431123000000",),
        patch={"approving_households": 0, "version": 1},
    ),
    Procedure: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_procedure,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"status": "done", "target_kind": "poor_tekun", "version": 1},
    ),
    Objection: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_objection,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"answer": "越界答复", "upheld": True},
    ),
    Lead: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_lead,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"status": "closed", "outcome_reason": "越界修改", "version": 1},
    ),
    WarningUpload: Case(
        viewer_role=roles.Role.DEPARTMENT,
        viewer_region="430524000000",
        viewer_department="medical_insurance",
        make=_make_warning_upload,
        inside="430524000000",
        outside=("431123000000",),
        patch={"filename": "越界修改", "read": 9},
    ),
    WarningRuleSet: Case(
        viewer_role=roles.Role.COUNTY,
        viewer_region="430524000000",
        make=_make_warning_rules,
        inside="430524000000",
        outside=("431123000000",),
        patch={"basis": "越界修改", "hospital_year_registered": "1"},
    ),
    Pairing: Case(
        viewer_role=roles.Role.TOWNSHIP,
        viewer_region=TOWNSHIP,
        make=_make_pairing,
        inside="430524100201",
        outside=("430524101201", "431123100201"),
        patch={"reason": "越界修改", "end": "2020-01-01"},
    ),
    User: Case(
        viewer_role=roles.Role.COUNTY,
        viewer_region="430524000000",
        make=_make_user,
        inside="430524100201",
        outside=("431123100201", "431123000000", "430500000000", "430000000000"),
        patch={"full_name": "越界修改", "is_active": False},
    ),
}


def _state(obj: models.Model) -> dict:
    fresh = type(obj).objects.get(pk=obj.pk)
    return model_to_dict(fresh)


def _api_ids(response) -> set[str]:
    payload = response.json()
    return {str(item.get("id", item.get("code"))) for item in payload["results"]}


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("spec", scope.registered(), ids=lambda s: s.model._meta.label)
@pytest.mark.django_db
def test_user_cannot_read_or_write_outside_its_scope(client, spec):
    factories.region_tree()
    case = CASES[spec.model]
    viewer = factories.make_user(
        role=case.viewer_role, region=case.viewer_region, department=case.viewer_department
    )
    factories.login(client, viewer)
    surfaces = spec.surfaces
    inside = case.make(case.inside, "界内标记甲")
    outsiders = [case.make(code, f"越界标记{i}") for i, code in enumerate(case.outside)]

    # Pages: the list (plain and searched) shows the inside object and none outside.
    # The search term matches every outside marker's name but echoes none of them whole.
    listing = _text(client.get(reverse(surfaces.page_list)))
    searched = _text(client.get(reverse(surfaces.page_list), {"q": "越界标记"}))
    assert "界内标记甲" in listing
    for i, _obj in enumerate(outsiders):
        assert f"越界标记{i}" not in listing
        assert f"越界标记{i}" not in searched

    assert client.get(reverse(surfaces.page_detail, kwargs={"pk": inside.pk})).status_code == 200
    export = _text(client.get(reverse(surfaces.export)))
    assert "界内标记甲" in export

    api_list = client.get(reverse(surfaces.api_list), {"page_size": 500})
    assert api_list.status_code == 200
    assert str(inside.pk) in _api_ids(api_list)

    for i, obj in enumerate(outsiders):
        before = _state(obj)
        marker = f"越界标记{i}"
        detail = client.get(reverse(surfaces.page_detail, kwargs={"pk": obj.pk}))
        assert detail.status_code == 404, (obj, detail.status_code)
        assert marker not in export
        assert str(obj.pk) not in _api_ids(api_list)

        api_detail = reverse(surfaces.api_detail, kwargs={"pk": obj.pk})
        assert client.get(api_detail).status_code == 404
        for method in ("patch", "put"):
            response = getattr(client, method)(
                api_detail, data=json.dumps(case.patch), content_type="application/json"
            )
            assert response.status_code in (403, 404, 405), (method, response.status_code)
        assert client.delete(api_detail).status_code in (403, 404, 405)

        if surfaces.page_edit:
            edit = reverse(surfaces.page_edit, kwargs={"pk": obj.pk})
            assert client.get(edit).status_code == 404
            assert client.post(edit, case.patch).status_code == 404
        else:
            assert client.post(
                reverse(surfaces.page_detail, kwargs={"pk": obj.pk}), case.patch
            ).status_code in (404, 405)

        assert _state(obj) == before, f"{obj!r} changed through an out-of-scope request"


def test_every_scoped_model_has_a_case():
    missing = [s.model._meta.label for s in scope.registered() if s.model not in CASES]
    assert not missing, f"add a scope test case for {missing}"


# Models that hold no region of their own, with the reason they need no region scope.
NOT_REGION_SCOPED = {
    "core.Job": "owned by one user; selectors filter by owner (tests/core/test_jobs.py)",
    "regions.RegionFlag": "shown and changed only on its region's scoped pages and API",
}


def _holds_a_region(model: type[models.Model]) -> bool:
    for field in model._meta.get_fields():
        if getattr(field, "related_model", None) is Region and field.concrete:
            return True
        if field.concrete and "region" in field.name:
            return True
    return model is Region


def test_every_model_that_holds_a_region_is_scoped():
    registered = {s.model for s in scope.registered()}
    ours = [m for m in apps.get_models() if m.__module__.startswith("fupin.")]
    unscoped = [
        m._meta.label
        for m in ours
        if _holds_a_region(m) and m not in registered and m._meta.label not in NOT_REGION_SCOPED
    ]
    assert not unscoped, f"register these with fupin.core.scope: {unscoped}"
