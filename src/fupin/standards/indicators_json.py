"""Area indicators as plain data, for the API and ``fupin indicators --json``."""

from __future__ import annotations

from fupin.standards import indicators as ind


def indicators_json(region_code: str, year: int) -> dict:
    rows = ind.area_indicators(region_code, year)
    out = {"region": region_code, "year": year, "areas": [r.as_json() for r in rows]}
    if rows and rows[0].level == "county":
        _record, result = ind.county_exit_for(rows[0], year)
        if result is not None:
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
