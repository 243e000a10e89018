"""Demo data for the foundation: the region tree of the four seed counties and one account
per role. The registry's households join it in the registry issue."""

from __future__ import annotations

from django.db import transaction

from fupin.accounts.models import User
from fupin.accounts.roles import Department, Role
from fupin.accounts.services import user_create
from fupin.core import audit
from fupin.demo.regions import region_rows
from fupin.regions import codes
from fupin.regions.models import Region

DEMO_PASSWORD = "fupin-demo-2026"  # noqa: S105  (printed to the operator on purpose)

# username, role, region, department, full name
ACCOUNTS = [
    ("admin", Role.SYSADMIN, None, "", "系统管理员"),
    ("hunan", Role.PROVINCE, "430000000000", "", "湖南省乡村振兴局"),
    ("shaoyang", Role.CITY, "430500000000", "", "邵阳市乡村振兴局"),
    ("longhui", Role.COUNTY, "430524000000", "", "隆回县乡村振兴局"),
    ("taohong", Role.TOWNSHIP, "430524100000", "", "桃洪镇扶贫工作站"),
    ("cun", Role.VILLAGE, "430524100201", "", "红星村扶贫专干"),
    ("zhucun", Role.WORK_TEAM, "430524100201", "", "红星村驻村工作队"),
    ("bangfu", Role.PAIRED_CADRE, "430524100201", "", "红星村帮扶责任人"),
    ("yibao", Role.DEPARTMENT, "430524000000", Department.MEDICAL_INSURANCE, "隆回县医保局"),
    ("ducha", Role.INSPECTOR, "430524000000", "", "隆回县督查组"),
]


def demo_accounts() -> list[tuple[str, str]]:
    return [(username, f"{role.label} · {name}") for username, role, _r, _d, name in ACCOUNTS]


@transaction.atomic
def demo_load(*, force: bool = False) -> str:
    if User.objects.exists() and not force:
        return "demo: the database already has accounts; nothing loaded (use --force)"
    rows = [
        Region(code=code, name=name, level=codes.level_of(code), parent_id=codes.parent_code(code))
        for code, name in region_rows()
    ]
    existing = set(Region.objects.values_list("code", flat=True))
    new_regions = [r for r in rows if r.code not in existing]
    Region.objects.bulk_create(new_regions, batch_size=1000)
    audit.record(
        actor=None,
        action="demo.load",
        target_repr="demo regions",
        after={"regions": len(new_regions)},
    )
    created = 0
    for username, role, region, department, full_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region_code=region,
            department=department,
            full_name=full_name,
            check_password=False,
        )
        created += 1
    return f"demo: {len(new_regions)} regions, {created} accounts"
