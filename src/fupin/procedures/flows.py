"""The step sequences of the procedures, read from data (flows/00.toml, national; a
province's own file replaces the procedures it lists). Nothing in the code branches on a
step's key except through the attributes the data gives it."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from fupin.accounts.roles import Role
from fupin.standards.parameters import NATIONAL, PARAMETERS

FOLDER = Path(__file__).parent / "flows"
KINDS = ("identification", "exit", "monitoring", "elimination")
LEVELS = ("village", "township", "county")
TYPES = ("task", "review", "notice")
GATES = ("risk_eliminable",)
ATTACHMENT_KINDS = ("application", "minutes", "signed_form", "consent", "photo", "other")


class FlowError(ValueError):
    """A flow file that cannot be used: said with the file, procedure and step."""


@dataclass(frozen=True)
class StepDef:
    key: str
    label: str
    level: str
    roles: tuple[str, ...]
    type: str
    days: str = ""  # notice length: a policy parameter's key
    vote: bool = False
    attachments: tuple[str, ...] = ()
    bulk: bool = False
    gate: str = ""
    choose_kind: bool = False


@dataclass(frozen=True)
class Flow:
    kind: str
    label: str
    steps: tuple[StepDef, ...]

    def step(self, key: str) -> StepDef:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)


def _read(path: Path) -> dict[str, Flow]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    flows = {}
    for kind, body in data.items():
        where = f"{path.name} [{kind}]"
        if kind not in KINDS:
            raise FlowError(f"{where}: unknown procedure kind")
        steps = []
        for n, raw in enumerate(body.get("steps", []), start=1):
            try:
                step = StepDef(
                    **{
                        **raw,
                        "roles": tuple(raw.get("roles", ())),
                        "attachments": tuple(raw.get("attachments", ())),
                    }
                )
            except TypeError as error:
                raise FlowError(f"{where} step {n}: {error}") from error
            _check(step, f"{where} step {n} ({step.key})")
            steps.append(step)
        if not steps:
            raise FlowError(f"{where}: no steps")
        if len({s.key for s in steps}) != len(steps):
            raise FlowError(f"{where}: step keys repeat")
        flows[kind] = Flow(kind=kind, label=body.get("label", kind), steps=tuple(steps))
    return flows


def _check(step: StepDef, where: str) -> None:
    if step.level not in LEVELS:
        raise FlowError(f"{where}: level must be one of {LEVELS}")
    if step.type not in TYPES:
        raise FlowError(f"{where}: type must be one of {TYPES}")
    unknown_roles = set(step.roles) - set(Role.values)
    if not step.roles or unknown_roles:
        raise FlowError(f"{where}: roles {sorted(unknown_roles) or '(none)'}")
    if step.type == "notice" and (step.days not in PARAMETERS or step.vote):
        raise FlowError(f"{where}: a notice needs days = a policy parameter, and no vote")
    if step.type != "notice" and step.days:
        raise FlowError(f"{where}: only notices have days")
    if step.gate and step.gate not in GATES:
        raise FlowError(f"{where}: gate must be one of {GATES}")
    if set(step.attachments) - set(ATTACHMENT_KINDS):
        raise FlowError(f"{where}: attachment kinds must be among {ATTACHMENT_KINDS}")


@functools.cache
def _national() -> dict[str, Flow]:
    flows = _read(FOLDER / f"{NATIONAL}.toml")
    missing = set(KINDS) - set(flows)
    if missing:
        raise FlowError(f"{NATIONAL}.toml lacks {sorted(missing)}")
    return flows


@functools.cache
def _province(province: str) -> dict[str, Flow]:
    path = FOLDER / f"{province}.toml"
    return _read(path) if path.exists() else {}


def flow(kind: str, province: str) -> Flow:
    """The steps of ``kind`` in ``province`` (two digits): its own if it has them."""
    return _province(province[:2]).get(kind) or _national()[kind]


def attachment_label(kind: str) -> str:
    return {
        "application": _("申请书"),
        "minutes": _("评议会议记录"),
        "signed_form": _("签字确认表"),
        "consent": _("承诺授权书"),
        "photo": _("照片"),
        "other": _("其他材料"),
    }[kind]
