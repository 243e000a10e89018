"""Integer allocation: how published totals become exact whole households and persons.

Everything here is deterministic given its ``rng`` and works on small arrays (sizes 1–8,
years, villages), never one step per person."""

from __future__ import annotations

import numpy as np

MAX_SIZE = 8
SIZES = np.arange(1, MAX_SIZE + 1)


def scaled(figure: int, scale: float) -> int:
    """A published count at ``scale``: round half up, so 0.5 → 1 as a reader expects."""
    return int(np.floor(figure * scale + 0.5))


def largest_remainder(total: int, weights) -> np.ndarray:
    """``total`` split in proportion to ``weights`` into integers that add up exactly."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    if short:
        # Ties go to the earlier entry (stable sort on the negated remainder).
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def feasible(households: int, persons: int) -> tuple[int, int]:
    """The nearest (households, persons) pair that whole households of 1–8 can make: at small
    scales a group of 0.4 households and 0.9 persons becomes one household of one person."""
    if persons <= 0:
        return 0, 0
    households = max(households, 1, -(-persons // MAX_SIZE))
    persons = max(persons, households)
    return households, persons


def _tilted(base: np.ndarray, theta: float) -> np.ndarray:
    w = base * np.exp(theta * (SIZES - SIZES.mean()))
    return w / w.sum()


def tilt_to_mean(base, mean: float) -> np.ndarray:
    """The distribution over sizes 1–8 closest to ``base`` (an exponential tilt) whose mean is
    ``mean``: one smooth family for every group, whatever its published mean size."""
    base = np.asarray(base, dtype=float)
    support = base > 0
    low, high = SIZES[support].min(), SIZES[support].max()
    if mean <= low:
        return (low == SIZES).astype(float)
    if mean >= high:
        return (high == SIZES).astype(float)
    lo, hi = -30.0, 30.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _tilted(base, mid) @ SIZES < mean:
            lo = mid
        else:
            hi = mid
    return _tilted(base, (lo + hi) / 2)


def size_counts(households: int, persons: int, base, caps=None) -> np.ndarray:
    """How many households of each size 1–8 (index 0 = size 1) make exactly ``households``
    households of ``persons`` persons, shaped like ``base``; ``caps`` bounds each count (the
    households available when choosing a subset). Raises ValueError when impossible."""
    caps = np.full(MAX_SIZE, households) if caps is None else np.asarray(caps, dtype=np.int64)
    counts = np.zeros(MAX_SIZE, dtype=np.int64)
    if households == 0:
        if persons:
            raise ValueError(f"{persons} persons in no household")
        return counts
    base = np.where(caps > 0, np.asarray(base, dtype=float), 0.0)
    if base.sum() <= 0 or caps.sum() < households:
        raise ValueError(f"not enough households to choose {households}")
    p = tilt_to_mean(base, persons / households)
    exact = households * p
    counts = np.minimum(np.floor(exact).astype(np.int64), caps)
    while counts.sum() < households:
        room = counts < caps
        gap = np.where(room, exact - counts, -np.inf)
        counts[int(np.argmax(gap))] += 1
    # Move households one size up or down until the persons add up: each move changes the sum
    # by one, taken where it distorts the shape least (the fullest size class).
    difference = persons - int(counts @ SIZES)
    while difference:
        step = 1 if difference > 0 else -1
        source = np.flatnonzero(
            (counts > 0)
            & (np.arange(MAX_SIZE) + step >= 0)
            & (np.arange(MAX_SIZE) + step < MAX_SIZE)
        )
        source = source[counts[source + step] < caps[source + step]]
        if not source.size:
            raise ValueError(f"cannot make {households} households of {persons} persons")
        s = source[np.argmax(counts[source])]
        counts[s] -= 1
        counts[s + step] += 1
        difference -= step
    return counts


def sizes_for(households: int, persons: int, base, rng: np.random.Generator) -> np.ndarray:
    """Household sizes, shuffled, adding up exactly."""
    counts = size_counts(households, persons, base)
    sizes = np.repeat(SIZES, counts)
    rng.shuffle(sizes)
    return sizes


def choose_exact(
    sizes: np.ndarray,
    candidates: np.ndarray,
    households: int,
    persons: int | None,
    rng: np.random.Generator,
) -> np.ndarray:
    """Indices of ``households`` of the ``candidates`` (indices into ``sizes``) holding exactly
    ``persons`` persons (any number when None), chosen at random within each size."""
    candidates = np.asarray(candidates)
    if households <= 0:
        return np.zeros(0, dtype=np.int64)
    if households >= candidates.size:
        return np.sort(candidates)
    if persons is None:
        return np.sort(rng.choice(candidates, households, replace=False))
    candidate_sizes = sizes[candidates]
    caps = np.bincount(candidate_sizes - 1, minlength=MAX_SIZE)[:MAX_SIZE]
    ordered = np.sort(candidate_sizes)
    # The closest feasible total when the candidates cannot make the asked one.
    persons = min(max(persons, int(ordered[:households].sum())), int(ordered[-households:].sum()))
    counts = size_counts(households, persons, caps / caps.sum(), caps)
    chosen = []
    for s in range(MAX_SIZE):
        if counts[s]:
            pool = candidates[candidate_sizes == s + 1]
            chosen.append(rng.choice(pool, counts[s], replace=False))
    return np.sort(np.concatenate(chosen))
