"""The demo: the four seed counties' region tree and flags, one account per role, and
synthetic households calibrated to ../shared/data/seed_facts.yaml (fupin.demo.generator),
loaded through the same import as a county's spreadsheet."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.db import transaction

from fupin.accounts.models import User
from fupin.accounts.roles import Department, Role
from fupin.accounts.services import user_create
from fupin.core import audit
from fupin.demo.generator import COUNTIES, generate_region_flags, generate_regions, write_csv
from fupin.regions.models import Region, RegionClass, RegionFlag

DEMO_PASSWORD = "fupin-demo-2026"  # noqa: S105  (printed to the operator on purpose)
# What `fupin run --demo` loads into an empty database: well under a minute on a laptop.
DEFAULT_SCALE = 0.02
# Below this, some published groups round to households too small to build.
MIN_SCALE = 0.005
# The registry as it stood at the end of 2019, when 隆回 and 涟源 were approved to exit.
AS_OF = date(2019, 12, 31)

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
def _tree(seed: int) -> tuple[int, int]:
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(code=code, name=name, level=level, parent_id=parent,
               region_class=RegionClass.CENTRAL if level == "province" else "")
        for code, name, parent, level in generate_regions(seed=seed)
        if code not in existing
    ]  # fmt: skip
    Region.objects.bulk_create(new, batch_size=2000)
    flags = []
    if not RegionFlag.objects.exists():
        flags = [
            RegionFlag(region_id=code, kind=kind, start=date.fromisoformat(start),
                       end=date.fromisoformat(end) if end else None, note="演示数据")
            for code, kind, start, end in generate_region_flags(seed=seed)
        ]  # fmt: skip
        RegionFlag.objects.bulk_create(flags, batch_size=2000)
    audit.record(actor=None, action="demo.load", target_repr="demo regions",
                 after={"regions": len(new), "flags": len(flags), "seed": seed})  # fmt: skip
    return len(new), len(flags)


@transaction.atomic
def _accounts() -> int:
    created = 0
    for username, role, region, department, full_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role,
                    region_code=region, department=department, full_name=full_name,
                    check_password=False)  # fmt: skip
        created += 1
    return created


def demo_load(
    *,
    force: bool = False,
    scale: float = DEFAULT_SCALE,
    seed: int = 1,
    say: Callable[[str], None] = lambda line: None,
) -> str:
    """Load the demo; households go county by county through the standard import."""
    from fupin.registry.importing import import_households

    if User.objects.exists() and not force:
        return "demo: the database already has accounts; nothing loaded (use --force)"
    regions, flags = _tree(seed)
    accounts = _accounts()
    say(f"demo: {regions} regions, {flags} flags, {accounts} accounts")
    lines = []
    if scale > 0:
        with tempfile.TemporaryDirectory() as folder:
            for code in COUNTIES:
                path = Path(folder) / f"{code}.csv"
                rows = write_csv(path, scale=scale, seed=seed, counties=[code])
                result = import_households(path=path, as_of=AS_OF, filename=f"demo-{code}.csv")
                line = f"demo households {code}: {rows} rows; {result.summary()}"
                say(line)
                lines.append(line)
        from fupin.demo.pairings import demo_pairings

        line = f"demo pairings: {demo_pairings()}"
        say(line)
        lines.append(line)
        from django.conf import settings

        from fupin.demo.leads import demo_leads, demo_warnings
        from fupin.demo.procedures import demo_procedures

        line = (
            f"demo procedures: {demo_procedures()}, leads: {demo_leads()}, "
            f"department warning leads: {demo_warnings(settings.FUPIN_VAR_DIR / 'tmp')}"
        )
        say(line)
        lines.append(line)
        # The statistics read the analytics tables: build them once the demo is complete.
        from fupin.reports.analytics import rebuild

        build = rebuild(trigger="demo")
        line = f"demo analytics: {build.household_rows} household-years in {build.seconds:.1f} s"
        say(line)
        lines.append(line)
    return "\n".join([f"demo: {regions} regions, {flags} flags, {accounts} accounts", *lines])
