"""One county's households and persons as numpy arrays (codes, not text): sizes fixed by the
calibration, then composition, ages, names, health, schooling, labour, housing and income,
every step one vectorised draw over all households or all persons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fupin.demo.generator import names
from fupin.demo.generator.allocation import MAX_SIZE, choose_exact, sizes_for
from fupin.demo.generator.calibration import (
    EDGE,
    EXITED,
    GENERAL,
    POOR,
    POVERTY_LINE_2019,
    County,
    plan,
)
from fupin.demo.generator.tree import CountyTree

__all__ = ["MAX_SIZE", "CountyData", "generate"]

REFERENCE_YEAR = 2019  # ages are completed years on 2019-12-31, the income year's end
INCOME_YEAR = 2019

# Household classes.
CLASSES = (GENERAL, POOR, EXITED, EDGE)
C_GENERAL, C_POOR, C_EXITED, C_EDGE = range(4)

# Household types (index into HOUSEHOLD_TYPES, the HouseholdType codes).
HOUSEHOLD_TYPES = (
    "general",
    "poor_general",
    "poor_dibao",
    "poor_tekun",
    "exited",
    "unstable",
    "edge",
    "sudden",
)
T_GENERAL, T_POOR, T_DIBAO, T_TEKUN, T_EXITED, T_UNSTABLE, T_EDGE = range(7)

# Relations (codes of choices.Relation, in this order).
RELATIONS = (
    "head",
    "spouse",
    "father",
    "mother",
    "sibling",
    "son",
    "daughter",
    "daughter_in_law",
    "grandson",
    "granddaughter",
)
R_HEAD, R_SPOUSE, R_FATHER, R_MOTHER, R_SIBLING, R_SON, R_DAUGHTER, R_DIL, R_GS, R_GD = range(10)

CAUSES = (
    "illness",
    "disability",
    "schooling",
    "disaster",
    "lack_land",
    "lack_water",
    "lack_skills",
    "lack_labour",
    "lack_capital",
    "poor_transport",
    "lack_motivation",
    "other",
)
CAUSE_WEIGHTS = np.array([40, 12, 8, 3, 2, 1, 9, 10, 10, 2, 2, 1], dtype=float)
K_ILLNESS, K_DISABILITY, K_SCHOOLING = 0, 1, 2

HEALTH = ("healthy", "chronic", "serious", "disabled")
H_HEALTHY, H_CHRONIC, H_SERIOUS, H_DISABLED = range(4)
SCHOOL = (
    "not_in_school",
    "preschool",
    "primary",
    "junior",
    "senior",
    "secondary_vocational",
    "higher_vocational",
    "junior_college",
    "undergraduate",
    "dropped_out",
    "home_teaching",
)
(
    S_NONE,
    S_PRESCHOOL,
    S_PRIMARY,
    S_JUNIOR,
    S_SENIOR,
    S_SEC_VOC,
    S_HIGH_VOC,
    S_COLLEGE,
    S_UNDERGRAD,
    S_DROPPED,
    S_HOME,
) = range(11)
EDUCATION = (
    "illiterate",
    "preschool_child",
    "primary",
    "junior",
    "senior",
    "vocational",
    "tertiary",
)
E_ILLITERATE, E_PRESCHOOL, E_PRIMARY, E_JUNIOR, E_SENIOR, E_VOCATIONAL, E_TERTIARY = range(7)
LABOUR = ("ordinary", "skilled", "weak", "lost", "none")
L_ORDINARY, L_SKILLED, L_WEAK, L_LOST, L_NONE = range(5)
WORK = ("not_working", "in_county", "in_province", "out_of_province")
W_NONE, W_COUNTY, W_PROVINCE, W_OUTSIDE = range(4)
GRADES = ("A", "B", "C", "D")

# Household sizes 1–8: the shape every group is tilted from to reach its published mean.
SIZE_SHAPE = {
    GENERAL: np.array([0.14, 0.22, 0.20, 0.19, 0.13, 0.08, 0.03, 0.01]),
    EXITED: np.array([0.14, 0.22, 0.20, 0.19, 0.13, 0.08, 0.03, 0.01]),
    POOR: np.array([0.30, 0.30, 0.17, 0.12, 0.06, 0.03, 0.015, 0.005]),
    EDGE: np.array([0.25, 0.28, 0.18, 0.14, 0.08, 0.04, 0.02, 0.01]),
}
# Mobile number prefixes of the three carriers.
PHONE_PREFIXES = np.array(
    [
        *range(130, 140),
        *range(150, 154),
        *range(155, 160),
        166,
        173,
        *range(175, 179),
        *range(180, 190),
        191,
        198,
        199,
    ]
)


@dataclass
class CountyData:
    """Arrays of one county, households sorted by village, group and serial; persons sorted by
    household, head first."""

    county: County
    # households
    village: np.ndarray
    group_no: np.ndarray
    serial: np.ndarray
    household_type: np.ndarray
    identified: np.ndarray  # 0: none
    exit_year: np.ndarray  # 0: none
    main_cause: np.ndarray  # -1: none
    other_causes: np.ndarray  # (n, 2), -1: none
    wages: np.ndarray  # yuan
    business: np.ndarray
    property_income: np.ndarray
    transfers: np.ndarray
    business_costs: np.ndarray
    rigid: np.ndarray
    grade: np.ndarray
    renovated: np.ndarray  # bool
    water_safe: np.ndarray
    food_secure: np.ndarray
    phone: np.ndarray  # (n, 11) ASCII digits
    has_phone: np.ndarray  # False: no number recorded
    size: np.ndarray
    # persons
    household: np.ndarray
    relation: np.ndarray
    sex: np.ndarray  # 1 male
    age: np.ndarray
    birth: np.ndarray  # datetime64[D]
    name: np.ndarray  # (n, 9) uint8 UTF-8
    name_length: np.ndarray
    ethnicity: np.ndarray  # index into ETHNICITIES
    education: np.ndarray
    school: np.ndarray
    health: np.ndarray
    disability: np.ndarray  # 0 none, 1–4
    labour: np.ndarray
    work: np.ndarray  # -1: not asked (under 16)
    months: np.ndarray  # -1: not asked
    medical: np.ndarray
    serious_insurance: np.ndarray
    pension: np.ndarray  # -1 not applicable
    chronic_contract: np.ndarray  # bool
    id_number: np.ndarray  # (n, 18) uint8 ASCII

    @property
    def persons(self) -> int:
        return len(self.household)


ETHNICITIES = ("汉族", "瑶族", "回族", "苗族", "土家族")


def _utf8(chars: str) -> np.ndarray:
    """Each character as its three UTF-8 bytes (all of these are in the BMP's CJK range)."""
    data = np.frombuffer(chars.encode(), dtype=np.uint8).reshape(-1, 3)
    assert len(data) == len(chars)
    return data


def _per_household(values: np.ndarray, household: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(household, weights=values, minlength=n)


def generate(tree: CountyTree, *, scale: float, seed: int) -> CountyData:
    county = tree.county
    rng = np.random.default_rng(
        np.random.SeedSequence([seed, int(county.code), round(scale * 1_000_000)])
    )
    p = plan(county, scale)

    # --- households: exact groups -------------------------------------------------------
    sizes, cls, exit_year, ident_lo, ident_hi = [], [], [], [], []
    for group in p.groups:
        sizes.append(sizes_for(group.households, group.persons, SIZE_SHAPE[group.kind], rng))
        cls.append(np.full(group.households, CLASSES.index(group.kind)))
        exit_year.append(np.full(group.households, group.exit_year or 0))
        lo, hi = group.identified or (0, 0)
        ident_lo.append(np.full(group.households, lo))
        ident_hi.append(np.full(group.households, hi))
    size = np.concatenate(sizes)
    cls = np.concatenate(cls)
    exit_year = np.concatenate(exit_year)
    ident_lo, ident_hi = np.concatenate(ident_lo), np.concatenate(ident_hi)
    nh = len(size)
    registered = (cls == C_POOR) | (cls == C_EXITED)

    # Identification year: mostly the 2014 registration, later years for dynamic adjustment.
    late = rng.random(nh) < 0.12
    span = ident_hi - ident_lo
    identified = np.where(
        late, ident_lo + np.floor(rng.random(nh) * (span + 1)).astype(np.int64), ident_lo
    )
    identified = np.where(registered, identified, 0)

    exited_idx = np.flatnonzero(cls == C_EXITED)
    unstable = np.zeros(nh, dtype=bool)
    unstable[choose_exact(size, exited_idx, p.unstable.households, p.unstable.persons, rng)] = True

    # --- composition ---------------------------------------------------------------------
    comp = _composition(size, cls, rng)
    household = np.repeat(np.arange(nh), size)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    relation, sex, age = comp
    np_ = len(household)

    # --- villages --------------------------------------------------------------------------
    village = np.full(nh, -1)
    relocated = np.zeros(nh, dtype=bool)
    relocated[
        choose_exact(
            size, np.flatnonzero(registered), p.relocated.households, p.relocated.persons, rng
        )
    ] = True
    for pin in p.pins:
        source = {
            "registered": registered,
            "exited_by_2016": (cls == C_EXITED) & (exit_year <= 2016) & ~relocated,
            "relocated": relocated,
            "general": cls == C_GENERAL,
        }[pin.source]
        candidates = np.flatnonzero(source & (village < 0))
        chosen = choose_exact(size, candidates, pin.households, pin.persons, rng)
        village[chosen] = tree.village_index(pin.village)
    pinned_villages = np.unique(village[village >= 0])
    free = village < 0
    nv = len(tree.village_codes)
    size_w = tree.size_weight.copy()
    reg_w = tree.registered_weight.copy()
    size_w[pinned_villages] = 0.0
    reg_w[pinned_villages] = 0.0
    for mask, weights in ((free & ~(registered | (cls == C_EDGE)), size_w), (free, reg_w)):
        idx = np.flatnonzero(mask & (village < 0))
        cumulative = np.cumsum(weights / weights.sum())
        village[idx] = np.minimum(np.searchsorted(cumulative, rng.random(len(idx))), nv - 1)
    _balance_villages(tree, village, size, registered & free, reg_w > 0, scale, rng)

    # Village groups (村民小组): about 30 households each at scale 1.
    households_full = tree.size_weight / tree.size_weight.sum() * (nh / max(scale, 1e-9))
    groups_per_village = np.clip(np.round(households_full / 30), 3, 30).astype(np.int64)
    group_no = 1 + np.floor(rng.random(nh) * groups_per_village[village]).astype(np.int64)

    # --- ethnicity and names -----------------------------------------------------------------
    ethnicity_of_village = np.array([ETHNICITIES.index(e) for e, _s in tree.minority])
    share_of_village = np.array([s for _e, s in tree.minority])
    minority_household = rng.random(nh) < share_of_village[village]
    household_ethnicity = np.where(minority_household, ethnicity_of_village[village], 0)
    blood = ~np.isin(relation, (R_SPOUSE, R_MOTHER, R_DIL))
    married_in_minority = rng.random(np_) < share_of_village[village[household]] * 0.7
    ethnicity = np.where(
        blood,
        household_ethnicity[household],
        np.where(married_in_minority, ethnicity_of_village[village[household]], 0),
    )
    name, name_length = _names(county, household, blood, ethnicity, sex, age, rng)

    # --- health --------------------------------------------------------------------------------
    p_class = cls[household]
    is_registered = p_class != C_GENERAL
    band = np.digitize(age, (15, 40, 60, 70))
    chronic_p = np.array([0.005, 0.025, 0.09, 0.18, 0.26])[band]
    serious_p = np.array([0.001, 0.002, 0.006, 0.012, 0.015])[band]
    disabled_p = np.array([0.006, 0.015, 0.025, 0.04, 0.06])[band]
    chronic_p = np.where(is_registered, np.minimum(chronic_p * 1.5, 0.4), chronic_p)
    serious_p = np.where(is_registered, serious_p * 4, serious_p)
    disabled_p = np.where(is_registered, disabled_p * 2.5, disabled_p)
    u = rng.random(np_)
    health = np.select(
        [u < disabled_p, u < disabled_p + serious_p, u < disabled_p + serious_p + chronic_p],
        [H_DISABLED, H_SERIOUS, H_CHRONIC],
        H_HEALTHY,
    )
    disability = np.where(
        health == H_DISABLED,
        1 + np.searchsorted(np.cumsum([0.12, 0.23, 0.30, 0.35]), rng.random(np_) * 0.999999),
        0,
    )

    # --- schooling and education ---------------------------------------------------------------
    school = _school(age, p_class, rng)
    # Home teaching for children with severe disabilities (谷城: 97 children), registered
    # households first.
    compulsory = (age >= 6) & (age <= 15)
    candidates = np.flatnonzero(compulsory & (health == H_DISABLED) & is_registered)
    if len(candidates) < p.home_teaching:
        extra = np.flatnonzero(compulsory & (health != H_DISABLED) & is_registered)
        extra = rng.choice(extra, min(len(extra), p.home_teaching - len(candidates)), False)
        candidates = np.concatenate([candidates, extra])
    home = rng.choice(candidates, min(p.home_teaching, len(candidates)), replace=False)
    health[home] = H_DISABLED
    disability[home] = 1 + (rng.random(len(home)) < 0.5)
    school[home] = S_HOME
    if county.dropout_rate:
        dropouts = (
            (p_class == C_POOR)
            & (age >= 12)
            & (age <= 15)
            & (school != S_HOME)
            & (rng.random(np_) < county.dropout_rate)
        )
        school[dropouts] = S_DROPPED
    education = _education(age, school, sex, rng)

    # --- causes (registered and edge households) --------------------------------------------
    # 因学 only where someone is at school (most where past compulsory school); 因病 and 因残
    # get an ill or a disabled member if they have none.
    student = ~np.isin(school, (S_NONE, S_PRESCHOOL, S_DROPPED, S_HOME))
    beyond_compulsory = np.isin(school, (S_SENIOR, S_SEC_VOC, S_HIGH_VOC, S_COLLEGE, S_UNDERGRAD))
    studying = _per_household(student, household, nh) > 0
    studying_beyond = _per_household(beyond_compulsory, household, nh) > 0
    weights = np.tile(CAUSE_WEIGHTS, (nh, 1))
    weights[:, K_SCHOOLING] *= np.select([studying_beyond, studying], [4.0, 1.5], 0.0)
    cumulative = np.cumsum(weights, axis=1)
    drawn = (rng.random(nh)[:, None] * cumulative[:, -1:] >= cumulative).sum(axis=1)
    main_cause = np.where(cls != C_GENERAL, np.minimum(drawn, len(CAUSES) - 1), -1)
    ill = _per_household((health == H_CHRONIC) | (health == H_SERIOUS), household, nh) > 0
    disabled_any = _per_household(health == H_DISABLED, household, nh) > 0
    random_member = starts + np.floor(rng.random(nh) * size).astype(np.int64)
    # Not a child being taught at home: their disability stays.
    random_member = np.where(school[random_member] == S_HOME, starts, random_member)
    fix_ill = np.flatnonzero((main_cause == K_ILLNESS) & ~ill)
    health[random_member[fix_ill]] = np.where(rng.random(len(fix_ill)) < 0.35, H_SERIOUS, H_CHRONIC)
    disability[random_member[fix_ill]] = 0
    fix_dis = np.flatnonzero((main_cause == K_DISABILITY) & ~disabled_any)
    health[random_member[fix_dis]] = H_DISABLED
    disability[random_member[fix_dis]] = 1 + rng.integers(0, 4, len(fix_dis))
    other_causes = _other_causes(main_cause, rng)

    # --- labour and work ----------------------------------------------------------------------
    labour = _labour(age, health, disability, student, rng)
    work, months = _work(age, labour, student, county.labour_out_of_province, rng)

    # --- household types ---------------------------------------------------------------------
    household_type = np.select(
        [cls == C_GENERAL, cls == C_EDGE, unstable, cls == C_EXITED],
        [T_GENERAL, T_EDGE, T_UNSTABLE, T_EXITED],
        T_POOR,
    )
    min_age = np.full(nh, 200)
    np.minimum.at(min_age, household, age)
    poor_idx = np.flatnonzero(cls == C_POOR)
    tekun_ok = poor_idx[(min_age[poor_idx] >= 60) & (size[poor_idx] <= 2)]
    tekun = rng.choice(tekun_ok, min(len(tekun_ok), round(0.12 * len(poor_idx))), False)
    household_type[tekun] = T_TEKUN
    rest = np.setdiff1d(poor_idx, tekun)
    dibao = rng.choice(rest, round(0.42 * len(poor_idx)), replace=False) if len(rest) else rest
    household_type[dibao] = T_DIBAO
    # Members of a 五保 household have no working capacity to speak of.
    in_tekun = household_type[household] == T_TEKUN
    labour[in_tekun & np.isin(labour, (L_ORDINARY, L_SKILLED))] = L_WEAK
    work[in_tekun & (work > 0)] = W_NONE
    months[in_tekun & (months > 0)] = 0

    # --- insurance ---------------------------------------------------------------------------
    medical = is_registered | (rng.random(np_) < 0.98)
    serious_insurance = medical & (is_registered | (rng.random(np_) < 0.97))
    pension = np.where(
        (age >= 16) & ~student, (rng.random(np_) < np.where(is_registered, 0.95, 0.88)), -1
    )
    chronic = (health == H_CHRONIC) | (health == H_SERIOUS)
    chronic_contract = chronic & (is_registered | (rng.random(np_) < 0.85))

    # --- housing -----------------------------------------------------------------------------
    renovated = relocated.copy()
    candidates = np.flatnonzero(registered & ~relocated)
    renovated[choose_exact(size, candidates, p.renovated.households, p.renovated.persons, rng)] = (
        True
    )
    grade = _grades(cls, relocated, renovated, rng)
    water_safe = ~((cls == C_POOR) & (rng.random(nh) < 0.02))
    food_secure = ~((cls == C_POOR) & (rng.random(nh) < 0.03))

    # --- income ------------------------------------------------------------------------------
    workers = _per_household(work > 0, household, nh)
    income = _income(county, cls, unstable, size, workers, household_type, rng)
    rigid = _rigid(household, health, school, is_registered, nh, rng)

    # --- phones ------------------------------------------------------------------------------
    phone = np.empty((nh, 11), dtype=np.uint8)
    prefix = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), nh)]
    for k, div in enumerate((100, 10, 1)):
        phone[:, k] = 48 + (prefix // div) % 10
    phone[:, 3:] = 48 + rng.integers(0, 10, (nh, 8))
    has_phone = rng.random(nh) < 0.97

    # --- order: households by village, group, then at random; numbers in that order ----------
    order = np.lexsort((rng.random(nh), group_no, village))
    rank = np.empty(nh, dtype=np.int64)
    rank[order] = np.arange(nh)
    person_order = np.lexsort((np.arange(np_), rank[household]))
    household_new = rank[household][person_order]

    def h(a):
        return a[order]

    def q(a):
        return a[person_order]

    birth = _birth_dates(age, rng)
    birth, sex_sorted = q(birth), q(sex)
    id_number = _id_numbers(county.code, birth, sex_sorted, rng)
    return CountyData(
        county=county,
        village=h(village),
        group_no=h(group_no),
        serial=np.arange(1, nh + 1),
        household_type=h(household_type),
        identified=h(identified),
        exit_year=h(exit_year),
        main_cause=h(main_cause),
        other_causes=other_causes[order],
        wages=h(income[0]),
        business=h(income[1]),
        property_income=h(income[2]),
        transfers=h(income[3]),
        business_costs=h(income[4]),
        rigid=h(rigid),
        grade=h(grade),
        renovated=h(renovated),
        water_safe=h(water_safe),
        food_secure=h(food_secure),
        phone=phone[order],
        has_phone=h(has_phone),
        size=h(size),
        household=household_new,
        relation=q(relation),
        sex=sex_sorted,
        age=q(age),
        birth=birth,
        name=name[person_order],
        name_length=q(name_length),
        ethnicity=q(ethnicity),
        education=q(education),
        school=q(school),
        health=q(health),
        disability=q(disability),
        labour=q(labour),
        work=q(work),
        months=q(months),
        medical=q(medical),
        serious_insurance=q(serious_insurance),
        pension=q(pension),
        chronic_contract=q(chronic_contract),
        id_number=id_number,
    )


def _balance_villages(tree, village, size, movable, eligible, scale, rng) -> None:
    """Move registered households between villages (in place) until every eligible village
    has at least the county's threshold of registered persons, except the villages meant to
    stay below it (which then do): 隆回's 371 non-poverty villages with poor, 涟源's 323 with
    100 or more. Skipped when there are too few registered persons for it."""
    threshold = max(1, round(tree.county.min_registered_persons * scale))
    low = tree.low_registered & eligible
    high = eligible & ~low
    nv = len(tree.village_codes)
    idx = np.flatnonzero(movable)
    persons = np.bincount(village[idx], weights=size[idx], minlength=nv).astype(np.int64)
    if persons.sum() < 2 * threshold * high.sum():
        return
    members: dict[int, list[int]] = {v: [] for v in range(nv)}
    for h in idx[rng.permutation(len(idx))]:
        members[int(village[h])].append(int(h))

    def move(h: int, source: int, target: int) -> None:
        members[source].remove(h)
        members[target].append(h)
        village[h] = target
        persons[source] -= size[h]
        persons[target] += size[h]

    # Too many in a low village: move them to the largest village.
    for v in np.flatnonzero(low):
        while persons[v] >= threshold and members[v]:
            move(members[v][-1], v, int(np.argmax(np.where(high, persons, -1))))
    # Too few elsewhere: take from the village with most to spare.
    for v in np.flatnonzero(high):
        while persons[v] < threshold:
            donor = int(np.argmax(np.where(high | ~eligible, persons, -1)))
            if persons[donor] - threshold < 8 or not members[donor]:
                return
            move(members[donor][-1], donor, int(v))


def _draw(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(weights) - 1)


def _uniform_int(lo, hi, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` integers, each in [lo, hi] (inclusive; scalars or arrays of length n)."""
    lo = np.broadcast_to(np.asarray(lo), (n,))
    hi = np.maximum(np.broadcast_to(np.asarray(hi), (n,)), lo)
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _composition(size: np.ndarray, cls: np.ndarray, rng: np.random.Generator):
    """Relation, sex and age of every member: a head, maybe a spouse, then the head's parents,
    a sibling, children, a daughter-in-law and grandchildren, with ages that agree."""
    nh = len(size)
    head_mean = np.array([52.0, 62.0, 54.0, 58.0])[cls]
    size_shift = np.array([0, 10, 8, -4, -5, 0, 4, 6, 8])[size]
    head_age = np.clip(np.rint(rng.normal(head_mean + size_shift, 12.0)), 22, 95).astype(np.int64)
    spouse_p = np.array([0.88, 0.62, 0.82, 0.75])[cls] * np.where(head_age >= 75, 0.7, 1.0)
    spouse = ((size >= 2) & (rng.random(nh) < spouse_p)).astype(np.int64)
    rest = size - 1 - spouse
    sibling = ((spouse == 0) & (rest >= 1) & (head_age >= 35) & (rng.random(nh) < 0.3)).astype(
        np.int64
    )
    rest -= sibling
    old = head_age >= 50
    # Younger heads: their parents (up to two) and at most a few children, by the head's age;
    # anyone left over is an unmarried brother or sister.
    parent_draw = _draw(np.array([0.5, 0.3, 0.2]), nh, rng)
    max_children = np.clip((head_age - 20) // 3 + 1, 1, 4)
    young_parents = np.minimum(np.clip(np.maximum(parent_draw, rest - max_children), 0, 2), rest)
    young_children = np.minimum(rest - young_parents, max_children)
    young_siblings = rest - young_parents - young_children
    # Older heads: sometimes a very old parent, one or two children, then a daughter-in-law
    # and grandchildren.
    old_parents = np.where(head_age <= 62, np.minimum(rest, rng.random(nh) < 0.15), 0)
    old_rest = rest - old_parents
    old_children = np.minimum(old_rest, 1 + (rng.random(nh) < 0.5))
    daughter_in_law = (old & (old_rest - old_children >= 2) & (rng.random(nh) < 0.75)).astype(
        np.int64
    )
    parents = np.where(old, old_parents, young_parents)
    sibling += np.where(old, 0, young_siblings)
    children = np.where(old, old_children, young_children)
    grandchildren = np.where(old, old_rest - old_children - daughter_in_law, 0)
    assert (
        1 + spouse + parents + sibling + children + daughter_in_law + grandchildren == size
    ).all()

    head_male = rng.random(nh) < np.where(size == 1, 0.6, np.array([0.86, 0.72, 0.84, 0.8])[cls])
    middle = head_age - _uniform_int(22, 30, nh, rng)  # age of the children's generation
    young = middle - _uniform_int(22, 30, nh, rng)  # of the grandchildren's

    household = np.repeat(np.arange(nh), size)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    slot = np.arange(len(household)) - starts[household]
    bounds = np.cumsum(
        np.stack(
            [np.ones(nh, np.int64), spouse, parents, sibling, children, daughter_in_law], axis=1
        ),
        axis=1,
    )[household]
    part = (slot[:, None] >= bounds).sum(axis=1)  # 0 head … 6 grandchild
    n = len(household)
    u = rng.random(n)
    h_age = head_age[household]
    h_male = head_male[household]
    first_child = slot == bounds[:, 3]
    son_needed = daughter_in_law[household] == 1
    child_male = (u < 0.53) | (first_child & son_needed)
    parent_rank = slot - bounds[:, 1]
    two_parents = parents[household] == 2
    mother = np.where(two_parents, parent_rank == 1, u < 0.65)
    relation = np.select(
        [
            part == 0,
            part == 1,
            (part == 2) & ~mother,
            part == 2,
            part == 3,
            (part == 4) & child_male,
            part == 4,
            part == 5,
            (part == 6) & (u < 0.54),
        ],
        [R_HEAD, R_SPOUSE, R_FATHER, R_MOTHER, R_SIBLING, R_SON, R_DAUGHTER, R_DIL, R_GS],
        R_GD,
    )
    sex = np.select(
        [
            relation == R_HEAD,
            relation == R_SPOUSE,
            np.isin(relation, (R_FATHER, R_SON, R_GS)),
            relation == R_SIBLING,
        ],
        [h_male, ~h_male, True, u < 0.5],
        False,
    ).astype(np.int8)
    child_age_young = h_age - _uniform_int(20, np.minimum(40, h_age), n, rng)
    child_age_old = np.clip(middle[household] + _uniform_int(-4, 4, n, rng), 0, h_age - 18)
    grandchild_age = np.clip(
        young[household] + _uniform_int(-4, 4, n, rng), 0, np.maximum(middle[household] - 16, 0)
    )
    spouse_age = h_age + np.rint(rng.normal(np.where(h_male, -2.5, 2.5), 3.0)).astype(np.int64)
    age = np.select(
        [
            part == 0,
            part == 1,
            part == 2,
            part == 3,
            (part == 4) & old[household],
            part == 4,
            part == 5,
        ],
        [
            h_age,
            np.clip(spouse_age, 18, 100),
            np.minimum(h_age + _uniform_int(22, 34, n, rng), 100),
            np.clip(h_age + np.rint(rng.normal(0, 6, n)).astype(np.int64), 16, 100),
            child_age_old,
            np.maximum(child_age_young, 0),
            np.clip(middle[household] + _uniform_int(-4, 2, n, rng), 18, 100),
        ],
        grandchild_age,
    )
    return relation.astype(np.int8), sex, age.astype(np.int64)


def _surname_table(county: County, ethnicity: str) -> tuple[str, np.ndarray]:
    weights = dict(names.SURNAMES)
    for surname, factor in names.REGIONAL_SURNAMES.get(county.province, {}).items():
        weights[surname] = weights[surname] * factor
    if ethnicity in names.ETHNIC_SURNAMES:
        total = sum(weights.values())
        weights = {k: v * 0.3 for k, v in weights.items()}
        extra = names.ETHNIC_SURNAMES[ethnicity]
        extra_total = sum(extra.values())
        for surname, share in extra.items():
            weights[surname] = weights.get(surname, 0.0) + total * 0.7 * share / extra_total
    chars = "".join(weights)
    return chars, np.array(list(weights.values()))


def _names(county, household, blood, ethnicity, sex, age, rng):
    """UTF-8 bytes of every name: the family surname for blood relatives (the household's),
    another for those married in, and a given name of one or two characters."""
    n = len(household)
    nh = int(household.max()) + 1 if n else 0
    matrix = np.zeros((n, 9), dtype=np.uint8)
    # Surnames: per household, from the table of the household's (head's) ethnicity.
    first = np.r_[True, household[1:] != household[:-1]]  # the head comes first
    head_ethnicity = np.zeros(nh, dtype=np.int64)
    head_ethnicity[household[first]] = ethnicity[first]
    family = np.zeros((nh, 3), dtype=np.uint8)
    own = np.zeros((n, 3), dtype=np.uint8)
    for e_index, e_name in enumerate(ETHNICITIES):
        chars, weights = _surname_table(county, e_name)
        table = _utf8(chars)
        in_h = np.flatnonzero(head_ethnicity == e_index)
        family[in_h] = table[_draw(weights, len(in_h), rng)]
        in_p = np.flatnonzero(ethnicity == e_index)
        own[in_p] = table[_draw(weights, len(in_p), rng)]
    matrix[:, :3] = np.where(blood[:, None], family[household], own)
    birth_year = REFERENCE_YEAR - age
    cohort = np.digitize(birth_year, (1965, 1990))
    length = np.full(n, 9)
    for (sex_name, c), (first, second) in names.GIVEN.items():
        mask = np.flatnonzero((sex == (sex_name == "male")) & (cohort == c))
        if not len(mask):
            continue
        first_table, second_table = _utf8(first), _utf8(second)
        single = rng.random(len(mask)) < names.SINGLE_CHARACTER_SHARE[c]
        a = first_table[rng.integers(0, len(first_table), len(mask))]
        b = second_table[rng.integers(0, len(second_table), len(mask))]
        matrix[mask, 3:6] = np.where(single[:, None], b, a)
        matrix[mask, 6:9] = np.where(single[:, None], 0, b)
        length[mask] = np.where(single, 6, 9)
    return matrix, length


def _school(age: np.ndarray, p_class: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(age)
    u = rng.random(n)
    school = np.full(n, S_NONE, dtype=np.int8)
    school[(age >= 3) & (age <= 5) & (u < 0.85)] = S_PRESCHOOL
    school[(age >= 6) & (age <= 11)] = S_PRIMARY
    school[(age >= 12) & (age <= 14)] = S_JUNIOR
    a15 = age == 15
    school[a15] = np.select([u[a15] < 0.7, u[a15] < 0.9], [S_JUNIOR, S_SENIOR], S_SEC_VOC)
    poor = p_class != C_GENERAL
    a16 = (age >= 16) & (age <= 17)
    senior = np.where(poor, 0.45, 0.55)
    school[a16] = np.select(
        [u[a16] < senior[a16], u[a16] < senior[a16] + 0.36], [S_SENIOR, S_SEC_VOC], S_NONE
    )
    a18 = age == 18
    school[a18] = np.select(
        [u[a18] < 0.15, u[a18] < 0.25, u[a18] < 0.4, u[a18] < 0.55],
        [S_SENIOR, S_SEC_VOC, S_COLLEGE, S_UNDERGRAD],
        S_NONE,
    )
    a19 = (age >= 19) & (age <= 21)
    school[a19] = np.select(
        [u[a19] < 0.18, u[a19] < 0.26, u[a19] < 0.48],
        [S_COLLEGE, S_HIGH_VOC, S_UNDERGRAD],
        S_NONE,
    )
    a22 = age == 22
    school[a22] = np.select([u[a22] < 0.2, u[a22] < 0.25], [S_UNDERGRAD, S_COLLEGE], S_NONE)
    a23 = age == 23
    school[a23] = np.where(u[a23] < 0.1, S_UNDERGRAD, S_NONE)
    return school


# Highest education of adults who have left school, by age band (16–29, 30–44, 45–59, 60–69,
# 70+): illiterate, primary, junior, senior, vocational, tertiary.
_ADULT_EDUCATION = np.array(
    [
        [0.00, 0.03, 0.42, 0.25, 0.14, 0.16],
        [0.01, 0.12, 0.55, 0.17, 0.08, 0.07],
        [0.04, 0.30, 0.50, 0.12, 0.03, 0.01],
        [0.15, 0.50, 0.28, 0.07, 0.00, 0.00],
        [0.35, 0.50, 0.12, 0.03, 0.00, 0.00],
    ]
)
_ADULT_CODES = np.array(
    [E_ILLITERATE, E_PRIMARY, E_JUNIOR, E_SENIOR, E_VOCATIONAL, E_TERTIARY], dtype=np.int8
)
_SCHOOL_EDUCATION = np.array(
    [
        -1,  # not in school: from the table
        E_PRESCHOOL,
        E_PRIMARY,
        E_JUNIOR,
        E_SENIOR,
        E_VOCATIONAL,
        E_TERTIARY,
        E_TERTIARY,
        E_TERTIARY,
        E_PRIMARY,  # dropped out
        E_PRIMARY,  # home teaching
    ],
    dtype=np.int8,
)


def _education(age, school, sex, rng) -> np.ndarray:
    n = len(age)
    education = _SCHOOL_EDUCATION[school]
    band = np.digitize(age, (30, 45, 60, 70))
    cumulative = np.cumsum(_ADULT_EDUCATION, axis=1)[band]
    u = rng.random(n)
    # Older women went to school least.
    u = np.where((sex == 0) & (age >= 60), u * 0.6, u)
    adult = _ADULT_CODES[np.minimum((u[:, None] >= cumulative).sum(axis=1), 5)]
    education = np.where(education < 0, adult, education)
    education = np.where((school == S_NONE) & (age < 6), E_PRESCHOOL, education)
    education = np.where((school == S_NONE) & (age >= 6) & (age < 16), E_JUNIOR, education)
    return education.astype(np.int8)


def _labour(age, health, disability, student, rng) -> np.ndarray:
    n = len(age)
    u = rng.random(n)
    working_age = (age >= 16) & (age <= 64) & ~student
    healthy_worker = np.select([u < 0.82, u < 0.97], [L_ORDINARY, L_SKILLED], L_WEAK)
    chronic_worker = np.where(u < 0.6, L_WEAK, L_ORDINARY)
    serious_worker = np.where(u < 0.6, L_LOST, L_WEAK)
    disabled_worker = np.where(disability <= 2, L_LOST, np.where(u < 0.6, L_WEAK, L_ORDINARY))
    worker = np.select(
        [health == H_HEALTHY, health == H_CHRONIC, health == H_SERIOUS],
        [healthy_worker, chronic_worker, serious_worker],
        disabled_worker,
    )
    elderly_healthy = np.where(
        age <= 74,
        np.select([u < 0.35, u < 0.8], [L_ORDINARY, L_WEAK], L_NONE),
        np.where(u < 0.3, L_WEAK, L_NONE),
    )
    elderly = np.where(health == H_HEALTHY, elderly_healthy, np.where(u < 0.5, L_LOST, L_NONE))
    labour = np.select([working_age, age >= 65], [worker, elderly], L_NONE)
    return labour.astype(np.int8)


def _work(age, labour, student, out_of_province, rng):
    n = len(age)
    u, v, w = rng.random(n), rng.random(n), rng.random(n)
    able = np.isin(labour, (L_ORDINARY, L_SKILLED))
    p_work = np.select(
        [~able & (labour == L_WEAK), age <= 45, age <= 59, age <= 64], [0.3, 0.8, 0.6, 0.3], 0.1
    )
    working = (age >= 16) & ~student & np.isin(labour, (L_ORDINARY, L_SKILLED, L_WEAK))
    working &= u < p_work
    where = np.select(
        [labour == L_WEAK, v < out_of_province, v < out_of_province + 0.2],
        [W_COUNTY, W_OUTSIDE, W_PROVINCE],
        W_COUNTY,
    )
    work = np.where(working, where, W_NONE)
    away_months = np.clip(np.rint(12 - rng.exponential(1.6, n)), 6, 12)
    local_months = 3 + np.floor(w * 10).astype(np.int64)
    months = np.where(work == W_NONE, 0, np.where(work == W_COUNTY, local_months, away_months))
    under_16 = age < 16
    return (
        np.where(under_16, -1, work).astype(np.int8),
        np.where(under_16, -1, months).astype(np.int8),
    )


def _other_causes(main_cause: np.ndarray, rng) -> np.ndarray:
    """Up to two other causes, different from the main one and from each other."""
    n = len(main_cause)
    count = np.where(main_cause >= 0, _draw(np.array([0.35, 0.4, 0.25]), n, rng), 0)
    other = np.full((n, 2), -1, dtype=np.int64)
    for k in range(2):
        need = np.flatnonzero(count > k)
        for _attempt in range(20):
            if not len(need):
                break
            drawn = _draw(CAUSE_WEIGHTS, len(need), rng)
            ok = (drawn != main_cause[need]) & (drawn != other[need, 0])
            other[need[ok], k] = drawn[ok]
            need = need[~ok]
    return other


def _grades(cls, relocated, renovated, rng) -> np.ndarray:
    n = len(cls)
    u = rng.random(n)
    general = np.select([u < 0.35, u < 0.95, u < 0.99], [0, 1, 2], 3)
    exited = np.where(u < 0.3, 0, 1)
    poor = np.select([u < 0.2, u < 0.9, u < 0.98], [0, 1, 2], 3)
    edge = np.select([u < 0.25, u < 0.95], [0, 1], 2)
    grade = np.select(
        [cls == C_GENERAL, cls == C_EXITED, cls == C_POOR], [general, exited, poor], edge
    )
    # Renovated houses are safe now, a few reinforced C-grade ones (C级危房维修加固) recorded
    # as they were; relocated households live in new flats.
    grade = np.where(renovated, np.select([u < 0.1, u < 0.9], [0, 1], 2), grade)
    grade = np.where(relocated, 0, grade)
    return grade.astype(np.int8)


def _income(county: County, cls, unstable, size, workers, household_type, rng):
    """Yuan per year per household: wages, business (gross), property, transfers and business
    costs, whose net divided by the members is the per-capita net income the rules read."""
    n = len(cls)
    worker_share = workers / size
    poor_pc = 1_600 + rng.random(n) * (POVERTY_LINE_2019 - 60 - 1_600)
    exited_pc = 4_800 + rng.lognormal(np.log(3_000), 0.6, n)
    unstable_pc = 3_600 + rng.random(n) * 1_800
    edge_pc = 3_300 + rng.random(n) * 2_500
    general_floor = 6_200
    general_excess = np.minimum(rng.lognormal(np.log(4_500), 0.7, n), 45_000) * (
        0.6 + 0.8 * worker_share
    )
    per_capita = np.select(
        [cls == C_POOR, unstable, cls == C_EXITED, cls == C_EDGE],
        [poor_pc, unstable_pc, exited_pc, edge_pc],
        0.0,
    )
    # Scale the general households' income above the floor so that the county's mean per
    # capita (all persons) is the published figure.
    general = cls == C_GENERAL
    others_total = float((per_capita * size)[~general].sum())
    target_total = county.income_mean * float(size.sum())
    excess_total = float((general_excess * size)[general].sum())
    factor = (target_total - others_total - general_floor * float(size[general].sum())) / max(
        excess_total, 1.0
    )
    per_capita = np.where(general, general_floor + factor * general_excess, per_capita)
    # Whole yuan; rounding down keeps the poor below the line.
    net = np.where(cls == C_POOR, np.floor(per_capita * size), np.rint(per_capita * size))
    net = net.astype(np.int64)

    has_workers = workers > 0
    wage_share = np.where(
        has_workers, np.clip(0.15 + 0.7 * worker_share + rng.normal(0, 0.1, n), 0.0, 0.85), 0.0
    )
    transfer_share = np.select(
        [cls == C_POOR, household_type == 6, cls == C_EXITED],
        [0.3 + 0.4 * rng.random(n), 0.2 + 0.3 * rng.random(n), 0.1 + 0.25 * rng.random(n)],
        0.05 + 0.15 * rng.random(n),
    )
    transfer_share = np.where(has_workers, transfer_share, np.maximum(transfer_share, 0.5))
    property_share = 0.04 * rng.random(n)
    total_share = wage_share + transfer_share + property_share
    squeeze = np.where(total_share > 0.95, 0.95 / total_share, 1.0)
    wages = np.floor(net * wage_share * squeeze).astype(np.int64)
    transfers = np.floor(net * transfer_share * squeeze).astype(np.int64)
    property_income = np.floor(net * property_share * squeeze).astype(np.int64)
    business_net = net - wages - transfers - property_income
    cost_ratio = 0.25 + 0.2 * rng.random(n)
    business = np.rint(business_net / (1 - cost_ratio)).astype(np.int64)
    costs = business - business_net
    return wages, business, property_income, transfers, costs


def _rigid(household, health, school, is_registered, nh, rng) -> np.ndarray:
    """Medical self-pay (registered poor pay about a third after their extra cover) and the
    cost of schooling beyond compulsory education."""
    n = len(household)
    medical = np.select(
        [health == H_SERIOUS, health == H_CHRONIC, health == H_DISABLED],
        [rng.lognormal(9.0, 0.6, n), rng.lognormal(7.2, 0.6, n), rng.lognormal(6.5, 0.8, n)],
        0.0,
    )
    medical = np.where(is_registered, medical * 0.35, medical)
    fees = np.select(
        [np.isin(school, (S_SENIOR, S_SEC_VOC)), school >= S_HIGH_VOC, school > S_NONE],
        [2_500.0, 8_000.0, 300.0],
        0.0,
    )
    fees = np.where((school >= S_DROPPED), 0.0, fees)
    fees = np.where(is_registered, fees * 0.4, fees)
    return np.rint(_per_household(medical + fees, household, nh)).astype(np.int64)


def _birth_dates(age: np.ndarray, rng) -> np.ndarray:
    """A date in the year before each 2019-12-31 birthday, so the completed age is ``age``."""
    year_end = (np.asarray(REFERENCE_YEAR - age + 1 - 1970)).astype("datetime64[Y]")
    last_day = year_end.astype("datetime64[D]") - np.timedelta64(1, "D")
    return last_day - rng.integers(0, 365, len(age)).astype("timedelta64[D]")


_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
SEQUENCES_PER_SEX = 499


def _id_numbers(area: str, birth: np.ndarray, sex: np.ndarray, rng) -> np.ndarray:
    """Valid 18-character numbers (GB 11643), unique: within each birth date and sex the
    sequence numbers are distinct (odd for men, even for women), from a random start."""
    n = len(birth)
    days = birth.astype(np.int64)
    key = days * 2 + sex
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start
    if n and rank.max() >= SEQUENCES_PER_SEX:
        raise ValueError("more than 499 persons of one sex born on one day in one county")
    offset = (key * 2_654_435_761 + int(rng.integers(0, 1 << 30))) % SEQUENCES_PER_SEX
    k = (offset + rank) % SEQUENCES_PER_SEX
    sequence = np.where(sex == 1, 2 * k + 1, 2 * k + 2)

    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    digits = np.empty((n, 17), dtype=np.int64)
    digits[:, :6] = np.array([int(c) for c in area])
    for k_, value, width in ((6, years, 4), (10, months, 2), (12, day, 2), (14, sequence, 3)):
        for j in range(width):
            digits[:, k_ + j] = (value // 10 ** (width - 1 - j)) % 10
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, :17] = 48 + digits
    out[:, 17] = _CHECK[(digits @ _WEIGHTS) % 11]
    return out
