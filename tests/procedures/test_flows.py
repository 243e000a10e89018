from __future__ import annotations

import pytest

from fupin.procedures import flows
from fupin.standards.parameters import PARAMETERS


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A flows folder of the test's own, with the national file copied in."""
    (tmp_path / "00.toml").write_text((flows.FOLDER / "00.toml").read_text(), encoding="utf-8")
    monkeypatch.setattr(flows, "FOLDER", tmp_path)
    flows._national.cache_clear()
    flows._province.cache_clear()
    yield tmp_path
    flows._national.cache_clear()
    flows._province.cache_clear()


def test_the_national_flows_follow_domain_md():
    keys = {kind: [s.key for s in flows.flow(kind, "43").steps] for kind in flows.KINDS}
    assert keys["identification"] == [
        "application",
        "village_review",
        "village_notice",
        "township_review",
        "township_notice",
        "county_approval",
        "county_announcement",
    ]
    assert keys["exit"][-2:] == ["village_notice", "county_announcement"]
    assert keys["monitoring"][-1] == "county_decision"
    assert flows.flow("elimination", "43").step("county_decision").gate == "risk_eliminable"
    for kind in flows.KINDS:
        for step in flows.flow(kind, "43").steps:
            if step.type == "notice":
                assert step.days in PARAMETERS


def test_a_province_file_replaces_only_the_procedures_it_lists(folder):
    (folder / "62.toml").write_text(
        """
[monitoring]
label = "纳入监测"
[[monitoring.steps]]
key = "home_check"
label = "入户核实"
level = "village"
roles = ["village"]
type = "task"
[[monitoring.steps]]
key = "county_decision"
label = "县级确定"
level = "county"
roles = ["county"]
type = "review"
""",
        encoding="utf-8",
    )
    assert [s.key for s in flows.flow("monitoring", "620102").steps] == [
        "home_check",
        "county_decision",
    ]
    assert len(flows.flow("identification", "62").steps) == 7
    assert len(flows.flow("monitoring", "43").steps) == 5


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ('level = "city"', "level must be"),
        ('type = "vote"', "type must be"),
        ('roles = ["mayor"]', "roles"),
        ('type = "notice"\ndays = "no_such_days"', "notice needs days"),
    ],
)
def test_a_bad_flow_file_says_where(folder, step, message):
    base = {"level": 'level = "village"', "type": 'type = "task"', "roles": 'roles = ["village"]'}
    field = step.split(" ")[0]
    base[field] = step
    (folder / "45.toml").write_text(
        '[exit]\n[[exit.steps]]\nkey = "x"\nlabel = "x"\n' + "\n".join(base.values()),
        encoding="utf-8",
    )
    with pytest.raises(flows.FlowError, match=message) as error:
        flows.flow("exit", "45")
    assert "45.toml [exit] step 1" in str(error.value)
