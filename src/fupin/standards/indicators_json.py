"""Area indicators as plain data, for the API and ``fupin indicators --json``."""

from __future__ import annotations

from fupin.standards import indicators as ind
from fupin.standards.models import CountyExitEvaluation
from fupin.standards.parameters import policy


def indicators_json(region_code: str, year: int) -> dict:
    rows = ind.area_indicators(region_code, year)
    out = {"region": region_code, "year": year, "areas": [r.as_json() for r in rows]}
    if rows and rows[0].level == "county":
        record = CountyExitEvaluation.objects.filter(region_id=region_code, year=year).first()
        if record is not None:
            west = ind._region_class(region_code) == "west"
            result = ind.county_exit(rows[0], record, policy(region_code[:2], year), west)
            out["county_exit"] = {
                key: (
                    {
                        k: (None if v is None else str(v) if k != "ok" else v)
                        for k, v in value.items()
                    }
                    if isinstance(value, dict)
                    else value
                )
                for key, value in result.items()
            }
    return out
