"""Factory functions for tests: small, explicit, and each returns what it made."""

from __future__ import annotations

import functools
import itertools

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from fupin.accounts import roles
from fupin.accounts.models import User
from fupin.core import audit
from fupin.core.models import AuditEntry
from fupin.regions import codes
from fupin.regions.models import Region

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)

# A small tree: one province, two cities, two counties, townships and villages.
TREE = [
    ("430000000000", "湖南省"),
    ("430500000000", "邵阳市"),
    ("430524000000", "隆回县"),
    ("430524100000", "桃洪镇"),
    ("430524100201", "红星村"),
    ("430524100202", "新田村"),
    ("430524101000", "小沙江镇"),
    ("430524101201", "大塘村"),
    ("431100000000", "永州市"),
    ("431123000000", "双牌县"),
    ("431123100000", "泷泊镇"),
    ("431123100201", "枫树村"),
]


@functools.cache
def _hashed(password: str) -> str:
    # Argon2 is slow on purpose; hashing each factory user's password anew would dominate
    # the suite's run time. The hash is still a real Argon2 hash.
    return make_password(password)


def region_tree() -> dict[str, Region]:
    made = {}
    for code, name in TREE:
        made[code], _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": codes.level_of(code),
                "parent_id": codes.parent_code(code),
            },
        )
    return made


def make_region(*, parent: str, name: str | None = None) -> Region:
    """A new region one level below ``parent`` with a fresh code."""
    level = codes.level_of(parent)
    n = next(_seq)
    if level == "township":
        code = parent[:9] + f"{300 + n % 600:03d}"
    elif level == "county":
        code = parent[:6] + f"{300 + n % 600:03d}" + "000"
    else:
        raise ValueError(f"make_region below a {level} is not needed yet")
    return Region.objects.create(
        code=code, name=name or f"测试区划{n}", level=codes.level_of(code), parent_id=parent
    )


def make_user(
    *,
    role: str = roles.Role.TOWNSHIP,
    region: str | None = "430524100000",
    department: str = "",
    username: str | None = None,
    full_name: str = "",
    password: str = PASSWORD,
) -> User:
    region_tree()
    user = User(
        username=username or f"user{next(_seq)}",
        role=role,
        region_id=region,
        department=department,
        full_name=full_name,
    )
    user.password = _hashed(password)
    user.save()
    return user


def make_audit_entry(
    *, region_code: str, target_repr: str | None = None, action: str = "test.action"
) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=None,
            action=action,
            region_code=region_code,
            target_repr=target_repr or f"审计对象{next(_seq)}",
            after={"value": 1},
        )


def login(client, user: User) -> None:
    """Sign ``user`` in on a test client, past the second factor where the role needs it."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if roles.otp_required(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def valid_id(
    *, area: str = "430524", birth: str = "19800101", seq: int | None = None, sex: str = "male"
) -> str:
    """A valid 18-digit resident ID number (GB 11643) with a fresh sequence."""
    from fupin.core.idnumbers import check_character

    n = seq if seq is not None else next(_seq) % 500
    sequence = n * 2 + (1 if sex == "male" else 0)
    body = f"{area}{birth}{sequence:03d}"
    return body + check_character(body)


def make_household(
    *,
    region: str = "430524100201",
    number: str | None = None,
    household_type: str = "general",
    head_name: str | None = None,
    members: int = 1,
    actor=None,
):
    """A household with ``members`` persons (the first is the head), through the services."""
    from fupin.registry import services

    actor = actor or _system_actor(region)
    household = services.household_create(
        actor=actor,
        region_code=region,
        number=number or f"H{next(_seq):06d}",
        household_type=household_type,
        fields={"main_cause": "illness"},
    )
    _add_members(actor, household, members, head_name)
    household.refresh_from_db()
    return household


def _add_members(actor, household, members: int, head_name: str | None) -> None:
    """``members`` persons through the services, the first the head."""
    from fupin.registry import services

    for i in range(members):
        services.member_add(
            actor=actor,
            household=household,
            id_number=valid_id(),
            name=(head_name or f"户主{next(_seq)}") if i == 0 else f"成员{next(_seq)}",
            relation="head" if i == 0 else "son",
        )


def _system_actor(region: str) -> User:
    county = region[:6] + "000000"
    region_tree()
    user = User.objects.filter(username=f"sys-{county}").first()
    return user or make_user(role=roles.Role.COUNTY, region=county, username=f"sys-{county}")


VILLAGE = "430524100201"


def make_staff(village: str = VILLAGE) -> dict[str, User]:
    """One user per level over ``village``: the village cadre, its township, its county."""
    return {
        "village": make_user(role=roles.Role.VILLAGE, region=village),
        "township": make_user(role=roles.Role.TOWNSHIP, region=village[:9] + "000"),
        "county": make_user(role=roles.Role.COUNTY, region=village[:6] + "000000"),
    }


def upload(name: str = "签字确认表.pdf", content: bytes = b"%PDF-1.4 signed"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_procedure(*, kind: str, household=None, staff=None, target_kind: str = "", **options):
    """A procedure started by the village cadre (its first step's actor)."""
    from fupin.procedures import services

    staff = staff or make_staff()
    if household is None:
        household_type = {
            "identification": "general",
            "exit": "poor_general",
            "monitoring": "exited",
            "elimination": "unstable",
        }[kind]
        household = make_household(household_type=household_type, members=2)
    default_target = {"identification": "poor_general", "monitoring": "unstable"}.get(kind, "")
    return services.procedure_start(
        actor=staff["village"],
        household=household,
        kind=kind,
        target_kind=target_kind or default_target,
        **options,
    )


def make_member(household, *, name: str, birth: str = "19800101", sex: str = "male") -> str:
    """Add a person with a known ID number to ``household``; returns the ID number."""
    from fupin.registry import services

    id_number = valid_id(area=household.region_id[:6], birth=birth, sex=sex)
    services.member_add(
        actor=_system_actor(household.region_id),
        household=household,
        id_number=id_number,
        name=name,
        relation="son",
    )
    return id_number


def warning_file(path, header: list[str], rows: list[list], encoding: str = "utf-8-sig"):
    """A department warning file as CSV (every cell as text)."""
    import csv

    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_cadre(*, village: str = VILLAGE, role: str = roles.Role.PAIRED_CADRE, full_name=""):
    """A paired cadre (or work-team member, village cadre) of ``village``."""
    return make_user(role=role, region=village, full_name=full_name or f"帮扶干部{next(_seq)}")


def make_pairing(*, household, cadre=None, actor=None, today=None, reason: str = ""):
    """``cadre`` (a new paired cadre of the village by default) made the household's
    responsible cadre by the county office."""
    from fupin.assistance import services

    return services.pairing_set(
        actor=actor or _system_actor(household.region_id),
        household=household,
        cadre=cadre or make_cadre(village=household.region_id),
        today=today,
        reason=reason,
    )


def make_monitored(
    *,
    region: str = VILLAGE,
    kind: str = "unstable",
    since=None,
    members: int = 2,
    head_name: str | None = None,
    registered_on=None,
):
    """A household registered as exited on ``registered_on`` and monitored as ``kind`` from
    ``since`` (a designation, as a finished monitoring procedure leaves it)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from fupin.registry import services

    since = since or timezone.localdate() - timedelta(days=30)
    actor = _system_actor(region)
    household = services.household_create(
        actor=actor,
        region_code=region,
        number=f"H{next(_seq):06d}",
        household_type="exited",
        fields={"main_cause": "illness"},
        on=registered_on or min(since - timedelta(days=1), date(2020, 1, 1)),
    )
    _add_members(actor, household, members, head_name)
    services.designation_set(
        actor=actor,
        household=household,
        kind=kind,
        on=since,
        event_kind="monitored",
        reason="纳入监测",
    )
    household.refresh_from_db()
    return household


def make_verdict(*, household, risk_eliminable=None, finished_at=None, year: int = 2025):
    """A finished evaluation run with one verdict for ``household``."""
    from django.utils import timezone

    from fupin.standards.models import EvaluationRun, Verdict

    run = EvaluationRun.objects.create(
        year=year, status="done", finished_at=finished_at or timezone.now()
    )
    return Verdict.objects.create(
        run=run,
        household=household,
        region_id=household.region_id,
        household_number=household.number,
        criteria={"income": "met"},
        risk_eliminable=risk_eliminable,
    )


def make_lead(*, household, risk_types=("illness",), today=None, actor=None):
    """A cadre's report of ``household`` (a new lead unless one from the last days is open)."""
    from fupin.monitoring import services

    lead, _merged = services.lead_report(
        actor=actor or make_user(role=roles.Role.VILLAGE, region=household.region_id),
        channel="cadre",
        household=household,
        risk_types=list(risk_types),
        today=today,
    )
    return lead
