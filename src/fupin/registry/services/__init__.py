"""Every write to the registry: one transaction, validation, an event where the household
changes, and an audit record."""

from fupin.registry.services.households import (
    HOUSEHOLD_FIELDS,
    designation_set,
    household_create,
    household_update,
)
from fupin.registry.services.income import INCOME_PARTS, income_recompute, income_set
from fupin.registry.services.members import (
    MEMBER_FIELDS,
    household_merge,
    household_split,
    member_add,
    member_remove,
    member_update,
    person_id_reveal,
)

__all__ = [
    "HOUSEHOLD_FIELDS",
    "INCOME_PARTS",
    "MEMBER_FIELDS",
    "designation_set",
    "household_create",
    "household_merge",
    "household_split",
    "household_update",
    "income_recompute",
    "income_set",
    "member_add",
    "member_remove",
    "member_update",
    "person_id_reveal",
]
