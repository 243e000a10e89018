from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from fupin.core import scope
from fupin.registry import choices as c
from fupin.registry.identity import lookup_hash_for
from fupin.registry.models import Designation, Household, HouseholdEvent, Membership, Person


@dataclass(frozen=True)
class HouseholdFilters:
    household_type: str = ""
    designation_category: str = ""  # "poor", "monitored" or ""
    main_cause: str = ""
    identification_year: int | None = None
    exit_year: int | None = None
    region_flag: str = ""
    search: str = ""


def household_list(
    *, actor, within: str | None = None, filters: HouseholdFilters | None = None
) -> QuerySet[Household]:
    """Households the actor may see, filtered. The search takes a full ID number (exact,
    through the keyed hash), a household number, or a name (head or any member)."""
    households = scope.visible(actor, Household.objects.all(), within=within)
    f = filters or HouseholdFilters()
    if f.household_type:
        households = households.filter(household_type=f.household_type)
    if f.designation_category == "poor":
        households = households.filter(household_type__in=c.POOR_TYPES)
    elif f.designation_category == "monitored":
        households = households.filter(household_type__in=c.MONITORED_TYPES)
    if f.main_cause:
        households = households.filter(main_cause=f.main_cause)
    if f.identification_year:
        households = households.filter(identification_year=f.identification_year)
    if f.exit_year:
        households = households.filter(exit_year=f.exit_year)
    if f.region_flag:
        households = households.filter(
            region__flags__kind=f.region_flag, region__flags__end__isnull=True
        )
    term = f.search.strip()
    if term:
        households = households.filter(_search_condition(actor, within, term))
    return households.select_related("region").order_by("region_id", "number")


def _search_condition(actor, within, term: str) -> Q:
    id_hash = lookup_hash_for(term) if len(term) >= 15 else None
    if id_hash:
        person_households = Person.objects.filter(id_hash=id_hash).values("household_id")
        return Q(pk__in=person_households)
    # Names and numbers: exact or prefix matches use the indexes; a county of a million
    # persons must answer at once.
    members = scope.visible(actor, Person.objects.all(), within=within).filter(
        name__startswith=term
    )
    return (
        Q(number=term)
        | Q(number__startswith=term)
        | Q(head_name__startswith=term)
        | Q(pk__in=members.values("household_id"))
    )


def household_get(*, actor, pk: int) -> Household:
    return get_object_or_404(household_list(actor=actor), pk=pk)


def household_detail(*, actor, pk: int) -> Household:
    """One household with everything its page shows, in a fixed number of queries."""
    households = household_list(actor=actor).prefetch_related(
        Prefetch("members", queryset=Person.objects.order_by("id")),
        Prefetch("designations", queryset=Designation.objects.order_by("-start", "-id")),
        Prefetch(
            "events",
            queryset=HouseholdEvent.objects.select_related("actor", "related_household")
            .prefetch_related("attachments")
            .order_by("-date", "-id"),
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("person").order_by("start", "id"),
        ),
        "incomes",
    )
    return get_object_or_404(households, pk=pk)


def person_list(*, actor, within: str | None = None, search: str = "") -> QuerySet[Person]:
    persons = scope.visible(actor, Person.objects.all(), within=within)
    term = search.strip()
    if term:
        id_hash = lookup_hash_for(term) if len(term) >= 15 else None
        persons = (
            persons.filter(id_hash=id_hash) if id_hash else persons.filter(name__startswith=term)
        )
    return persons.select_related("household", "region").order_by("region_id", "household_id", "id")


def person_get(*, actor, pk: int) -> Person:
    return get_object_or_404(person_list(actor=actor), pk=pk)
