"""The region tree of the four seed counties: real township names, villages in the published
numbers (real names where the reports or public lists name them, plausible ones otherwise),
and the flags that change over time (poverty county, poverty village, relocation site,
supervision)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from fupin.demo import regions as demo_regions
from fupin.demo.generator import names
from fupin.demo.generator.allocation import largest_remainder
from fupin.demo.generator.calibration import COUNTIES, PROVINCES, County

MIN_VILLAGES_PER_TOWNSHIP = 5
SUPERVISION_PERIOD = ("2020-03-01", "2020-12-31")
RELOCATION_SITE_START = "2017-01-01"
POVERTY_START = "2014-01-01"


@dataclass
class CountyTree:
    county: County
    township_codes: list[str]
    township_names: list[str]
    village_codes: list[str]
    village_names: list[str]
    village_township: np.ndarray  # index into township lists
    community: np.ndarray  # bool
    size_weight: np.ndarray  # relative number of persons
    registered_weight: np.ndarray  # relative number of registered poor (0: none)
    poverty_exit_year: np.ndarray  # 0: not a poverty village
    low_registered: np.ndarray  # non-poverty villages meant to stay below the threshold
    minority: list[tuple[str, float]]  # per village: (ethnicity, share of households)
    flags: list[tuple[str, str, str, str | None]]

    def village_index(self, name: str) -> int:
        return self.village_names.index(name)


@dataclass
class Tree:
    regions: list[tuple[str, str, str | None, str]]
    flags: list[tuple[str, str, str, str | None]]
    counties: dict[str, CountyTree]


def _rng(seed: int, *parts: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *parts]))


def _village_names(count: int, taken: set[str], rng: np.random.Generator) -> list[str]:
    """``count`` plausible village names not in ``taken`` (which they join)."""
    result = []
    while len(result) < count:
        kind = rng.random()
        if kind < 0.55:
            name = (
                names.VILLAGE_MODIFIERS[rng.integers(len(names.VILLAGE_MODIFIERS))]
                + names.VILLAGE_LANDFORMS[rng.integers(len(names.VILLAGE_LANDFORMS))]
            )
        elif kind < 0.9:
            name = (
                names.CLAN_NAMES[rng.integers(len(names.CLAN_NAMES))]
                + "家"
                + names.VILLAGE_LANDFORMS[rng.integers(len(names.VILLAGE_LANDFORMS))]
            )
        else:
            name = names.COMMUNE_NAMES[rng.integers(len(names.COMMUNE_NAMES))]
        name += "村"
        if name[0] == name[1] or name in taken:
            continue
        taken.add(name)
        result.append(name)
    return result


def _townships(county: County) -> list[str]:
    return [*demo_regions.TOWNSHIPS[county.code], *county.townships_extra]


def _county_tree(county: County, seed: int) -> CountyTree:
    rng = _rng(seed, int(county.code), 1)
    townships = _townships(county)
    communities = {t: county.communities.get(t, ()) for t in townships}
    fixed = {t: county.township_villages[t] for t in townships if t in county.township_villages}
    free = [t for t in townships if t not in fixed]
    rural_total = county.villages - sum(len(c) for c in communities.values()) - sum(fixed.values())
    # Townships differ in size; the county seat's villages give way to its communities.
    weights = rng.lognormal(0.0, 0.3, len(free))
    weights = np.array(
        [w * (0.5 if communities[t] else 1.0) for w, t in zip(weights, free, strict=True)]
    )
    counts = largest_remainder(rural_total - MIN_VILLAGES_PER_TOWNSHIP * len(free), weights)
    rural_counts = dict(fixed)
    rural_counts.update(
        {t: MIN_VILLAGES_PER_TOWNSHIP + int(c) for t, c in zip(free, counts, strict=True)}
    )

    all_real = {v for vs in county.real_villages.values() for v in vs}
    taken = set(all_real)
    township_codes, village_codes, village_names = [], [], []
    village_township, community = [], []
    for t_index, township in enumerate(townships):
        t_code = f"{county.code}{100 + t_index:03d}"
        township_codes.append(f"{t_code}000")
        real = list(county.real_villages.get(township, ()))
        generated = _village_names(rural_counts[township] - len(real), taken, rng)
        units = [(name, False) for name in real + generated]
        units += [(f"{name}社区", True) for name in communities[township]]
        for v_index, (name, is_community) in enumerate(units):
            village_codes.append(f"{t_code}{201 + v_index:03d}")
            village_names.append(name)
            village_township.append(t_index)
            community.append(is_community)
    village_township = np.array(village_township)
    community = np.array(community)
    n = len(village_codes)
    assert n == county.villages, (county.name, n)

    mountain = np.array([townships[t] in county.mountain for t in village_township])
    size_weight = rng.lognormal(0.0, 0.45, n) * np.where(community, 1.6, 1.0)
    # Poverty villages: more likely in the mountain townships, never a community.
    pov_weight = np.where(community, 0.0, np.where(mountain, 3.0, 1.0))
    pinned = [village_names.index(v) for v in county.pinned_poverty_villages]
    pov_weight[pinned] = 0.0
    chosen = rng.choice(
        n,
        county.poverty_villages - len(pinned),
        replace=False,
        p=pov_weight / pov_weight.sum(),
    )
    poverty = np.zeros(n, dtype=bool)
    poverty[chosen] = True
    poverty[pinned] = True
    years, year_weights, split_total = county.poverty_village_exit_weights
    exit_counts = dict(county.poverty_village_exits)
    for year, count in zip(years, largest_remainder(split_total, year_weights), strict=True):
        exit_counts[year] = exit_counts.get(year, 0) + int(count)
    exit_year = np.zeros(n, dtype=np.int64)
    for name, year in county.pinned_poverty_villages.items():
        if year is not None:
            exit_year[village_names.index(name)] = year
            exit_counts[year] -= 1
    open_slots = np.concatenate(
        [np.full(count, year) for year, count in sorted(exit_counts.items())]
    )
    rng.shuffle(open_slots)
    exit_year[poverty & (exit_year == 0)] = open_slots

    registered_weight = size_weight * np.where(poverty, 2.6, 1.0) * np.where(mountain, 1.5, 1.0)
    registered_weight *= np.where(community, 0.3, 1.0)
    no_poor = np.flatnonzero(community)[: county.no_poor_communities]
    registered_weight[no_poor] = 0.0
    # Non-poverty villages with few registered poor: the communities, then the smallest.
    low = np.zeros(n, dtype=bool)
    if county.low_villages:
        pinned_any = np.isin(village_names, list(county.pinned_poverty_villages))
        order = np.lexsort((registered_weight, ~community))
        order = order[~poverty[order] & ~pinned_any[order]]
        low[order[: county.low_villages]] = True
        registered_weight[low & ~community] *= 0.15

    default = county.minorities.get("*", ("汉族", 0.0))
    minority = [county.minorities.get(townships[t], default) for t in village_township]

    flags: list[tuple[str, str, str, str | None]] = []
    if county.poverty_county:
        start, end = county.poverty_county
        flags.append((f"{county.code}000000", "poverty_county", start, end))
    for v in np.flatnonzero(poverty):
        flags.append((village_codes[v], "poverty_village", POVERTY_START, f"{exit_year[v]}-12-31"))
    sites = []
    for site in county.relocation_sites:
        if site in village_names:
            sites.append(village_names.index(site))
        else:  # a township: its first village hosts the site
            t_index = townships.index(site)
            sites.append(int(np.flatnonzero(village_township == t_index)[0]))
    for v in sites:
        flags.append((village_codes[v], "relocation_site", RELOCATION_SITE_START, None))
    if county.supervision_share:
        # Hunan's 2020 挂牌督战: 2,236 villages of about 24,000; here the last poverty villages
        # to exit come first, then others in the mountains.
        count = round(county.supervision_share * n)
        priority = np.where(exit_year == exit_year.max(), 3.0, np.where(mountain, 1.0, 0.3))
        priority = np.where(community, 0.0, priority)
        listed = rng.choice(n, count, replace=False, p=priority / priority.sum())
        for v in sorted(listed):
            flags.append((village_codes[v], "supervision_listed", *SUPERVISION_PERIOD))
    flags.sort(key=lambda f: (f[0], f[1], f[2]))

    return CountyTree(
        county=county,
        township_codes=township_codes,
        township_names=townships,
        village_codes=village_codes,
        village_names=village_names,
        village_township=village_township,
        community=community,
        size_weight=size_weight,
        registered_weight=registered_weight,
        poverty_exit_year=exit_year,
        low_registered=low,
        minority=minority,
        flags=flags,
    )


@functools.lru_cache(maxsize=4)
def build(seed: int = 1) -> Tree:
    counties = {code: _county_tree(county, seed) for code, county in COUNTIES.items()}
    regions: list[tuple[str, str, str | None, str]] = []
    for code, name in PROVINCES.items():
        regions.append((code.ljust(12, "0"), name, None, "province"))
    cities = sorted({c.city for c in COUNTIES.values()}, key=lambda c: (-int(c[0][:2]), c[0]))
    for code, name in cities:
        regions.append((code.ljust(12, "0"), name, code[:2].ljust(12, "0"), "city"))
    for code, county in COUNTIES.items():
        regions.append((code.ljust(12, "0"), county.name, county.city[0].ljust(12, "0"), "county"))
    for code, tree in counties.items():
        for t_code, t_name in zip(tree.township_codes, tree.township_names, strict=True):
            regions.append((t_code, t_name, code.ljust(12, "0"), "township"))
    for tree in counties.values():
        for v_code, v_name in zip(tree.village_codes, tree.village_names, strict=True):
            regions.append((v_code, v_name, v_code[:9].ljust(12, "0"), "village"))
    flags = [f for tree in counties.values() for f in tree.flags]
    return Tree(regions=regions, flags=flags, counties=counties)
