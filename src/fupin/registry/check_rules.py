"""Data-quality check rules of the registry (from a provincial check-rule list). The figures
are parameters with these defaults, overridable by settings.FUPIN_CHECK_RULES; the
standards issue moves them into the per-province policy parameters."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class CheckRules:
    labour_required_from_age: int = 16
    labour_required_to_age: int = 65
    school_required_from_age: int = 6
    school_required_to_age: int = 23
    max_months_worked: int = 12
    max_land_mu_per_capita: float = 50.0
    max_forest_mu_per_capita: float = 70.0
    max_road_distance_km: float = 50.0
    min_per_capita_net_income: float = 0.0  # at or below: flagged
    max_per_capita_net_income: float = 100_000.0  # above: flagged
    working_age_from: int = 16
    working_age_to: int = 59


def check_rules() -> CheckRules:
    return replace(CheckRules(), **getattr(settings, "FUPIN_CHECK_RULES", {}))
