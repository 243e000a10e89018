from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, crypto, scope
from fupin.registry import choices as c
from fupin.registry.errors import StaleVersion
from fupin.registry.identity import stored_id
from fupin.registry.models import Household, Membership, Person
from fupin.registry.services.common import lock, record_event, require_village, touch
from fupin.registry.services.income import income_recompute

MEMBER_FIELDS = [
    "name",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "disability_level",
    "disability_kind",
    "labour_capacity",
    "work_status",
    "months_worked",
    "medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "chronic_contract",
    "commercial_insurance",
    "dibao_member",
    "tekun_member",
    "serving_soldier",
    "death_date",
]


def _refresh(household: Household) -> None:
    """Keep the household's denormalised head name and size true after a change."""
    current = Person.objects.filter(household=household)
    household.member_count = current.filter(death_date__isnull=True).count()
    head = current.filter(relation=c.Relation.HEAD).values_list("name", flat=True).first()
    household.head_name = head or ""
    touch(household, ["member_count", "head_name"])
    income_recompute(household=household)


def _validate_person(person: Person) -> None:
    errors: dict[str, list[str]] = {}
    if person.months_worked is not None and not (0 <= person.months_worked <= 12):
        errors["months_worked"] = [_("务工时间应在0到12个月之间。")]
    if person.disability_level and person.health != c.Health.DISABLED:
        errors["disability_level"] = [_("填写了残疾等级，健康状况应为“残疾”。")]
    try:
        person.full_clean(
            exclude=["household", "region", "id_encrypted", "id_hash"], validate_unique=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _join(person: Person, household: Household, *, relation: str, on: date, event) -> None:
    person.household = household
    person.region_id = household.region_id
    person.relation = relation
    Membership.objects.create(
        person=person, household=household, relation=relation, start=on, start_event=event
    )


def _leave(person: Person, *, on: date, reason: str, event) -> None:
    joined = (
        Membership.objects.filter(person=person, end__isnull=True)
        .values_list("start", flat=True)
        .first()
    )
    if joined is not None and on < joined:
        raise ValidationError(
            {
                "on": _("%(name)s 于 %(joined)s 加入本户，变动日期不能早于此日。")
                % {"name": person.name, "joined": joined}
            }
        )
    Membership.objects.filter(person=person, end__isnull=True).update(
        end=on, end_reason=reason, end_event=event
    )
    person.household = None
    person.region = None


@transaction.atomic
def member_add(
    *,
    actor,
    household: Household,
    id_number: str,
    name: str,
    relation: str,
    fields: dict | None = None,
    on: date | None = None,
    reason: str = "",
    kind: str = c.EventKind.MEMBER_ADDED,
) -> Person:
    """Add a person to a household (birth, marriage in, correction). A person already in
    another household is refused, naming that household: the other household must record
    the departure first."""
    household = lock(household, actor=actor)
    stored = stored_id(id_number)
    on = on or timezone.localdate()
    person = (
        Person.objects.select_for_update(of=("self",))
        .filter(id_hash=stored.hash)
        .select_related("household")
        .first()
    )
    if person is not None and person.household_id is not None:
        other = person.household
        raise ValidationError(
            {
                "id_number": _("该人员已是 %(h)s（%(r)s）的成员，一人不能同时属于两户。")
                % {"h": other, "r": other.region_id}
            }
        )
    if (
        relation == c.Relation.HEAD
        and Person.objects.filter(household=household, relation=c.Relation.HEAD).exists()
    ):
        raise ValidationError({"relation": _("该户已有户主。")})
    if person is None:
        person = Person(id_hash=stored.hash)
    person.id_encrypted, person.id_masked, person.id_kind = (
        stored.encrypted,
        stored.masked,
        stored.kind,
    )
    person.birth_date, person.sex, person.name = stored.birth_date, stored.sex, (name or "").strip()
    for key, value in (fields or {}).items():
        if key in MEMBER_FIELDS and key not in ("name", "relation"):
            setattr(person, key, value)
    person.relation = relation
    _validate_person(person)
    event = record_event(
        actor=actor,
        household=household,
        kind=kind,
        on=on,
        reason=reason,
        details={"person": person.name, "id": stored.masked, "relation": relation},
    )
    person.save()
    _join(person, household, relation=relation, on=on, event=event)
    person.save(update_fields=["household", "region", "relation"])
    _refresh(household)
    return person


@transaction.atomic
def member_update(*, actor, person: Person, version: int, fields: dict, reason: str = "") -> Person:
    """Correct a member's record; the version guards against a concurrent change."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.household_id is None:
        raise ValidationError(_("该人员当前不属于任何农户。"))
    household = lock(person.household, actor=actor)
    if version != person.version:
        raise StaleVersion(person)
    before = audit.snapshot(person, MEMBER_FIELDS)
    for key, value in fields.items():
        if key in MEMBER_FIELDS:
            setattr(person, key, value)
    _validate_person(person)
    old, new = audit.changes(before, audit.snapshot(person, MEMBER_FIELDS))
    if not old and not new:
        return person
    person.version += 1
    person.updated_at = timezone.now()
    person.save()
    if "relation" in new:
        Membership.objects.filter(person=person, end__isnull=True).update(relation=person.relation)
    record_event(
        actor=actor,
        household=household,
        kind=c.EventKind.CORRECTION,
        reason=reason,
        details={"person": person.name, "id": person.id_masked, "before": old, "after": new},
    )
    _refresh(household)
    return person


@transaction.atomic
def member_remove(*, actor, person: Person, reason_code: str, on: date, note: str = "") -> Person:
    """A natural decrease (death, marriage out, migration out): the membership ends, the
    person's record stays with its history."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.household_id is None:
        raise ValidationError(_("该人员当前不属于任何农户。"))
    household = lock(person.household, actor=actor)
    if reason_code not in c.MemberRemovalReason.values:
        raise ValidationError({"reason_code": _("未知的减少原因。")})
    event = record_event(
        actor=actor,
        household=household,
        kind=c.EventKind.MEMBER_REMOVED,
        on=on,
        reason=note,
        details={"person": person.name, "id": person.id_masked, "why": reason_code},
    )
    if reason_code == c.MemberRemovalReason.DEATH and person.death_date is None:
        person.death_date = on
    _leave(person, on=on, reason=reason_code, event=event)
    person.version += 1
    person.save()
    _refresh(household)
    return person


def _move_members(*, actor, movers, source, target, kind, on, reason, removal, relation_of) -> None:
    """Move ``movers`` from ``source`` to ``target`` (分户, 合户): a paired event on each
    household, every membership ended and begun on ``on``, both households refreshed."""
    names = [p.name for p in movers]
    out = record_event(
        actor=actor,
        household=source,
        kind=kind,
        on=on,
        reason=reason,
        related=target,
        details={"members": names, "to": target.number},
    )
    into = record_event(
        actor=actor,
        household=target,
        kind=kind,
        on=on,
        reason=reason,
        related=source,
        details={"members": names, "from": source.number},
    )
    for person in movers:
        relation = relation_of(person)
        _leave(person, on=on, reason=removal, event=out)
        _join(person, target, relation=relation, on=on, event=into)
        person.save(update_fields=["household", "region", "relation"])
    _refresh(source)
    _refresh(target)


@transaction.atomic
def household_split(
    *,
    actor,
    household: Household,
    person_ids: list[int],
    number: str,
    head_id: int,
    on: date,
    reason: str,
) -> Household:
    """分户: some members leave to form a new household in the same village. Every member
    keeps both memberships in the history."""
    from fupin.registry.services.households import household_create

    household = lock(household, actor=actor)
    movers = list(Person.objects.select_for_update().filter(pk__in=person_ids, household=household))
    if len(movers) != len(set(person_ids)) or not movers:
        raise ValidationError({"person_ids": _("分户成员必须是本户的现有成员。")})
    if head_id not in {p.pk for p in movers}:
        raise ValidationError({"head_id": _("新户的户主必须是分出的成员之一。")})
    if len(movers) == Person.objects.filter(household=household).count():
        raise ValidationError({"person_ids": _("不能把全部成员分出；如需改户编号请用信息更正。")})
    require_village(household.region_id)
    new = household_create(
        actor=actor,
        region_code=household.region_id,
        number=number,
        on=on,
        reason=reason,
        household_type=household.household_type,
        identification_year=household.identification_year,
        exit_year=household.exit_year,
        fields={"group_name": household.group_name, "address": household.address},
    )
    _move_members(
        actor=actor,
        movers=movers,
        source=household,
        target=new,
        kind=c.EventKind.SPLIT,
        on=on,
        reason=reason,
        removal=c.MemberRemovalReason.SPLIT,
        relation_of=lambda p: c.Relation.HEAD if p.pk == head_id else c.Relation.OTHER,
    )
    return new


@transaction.atomic
def household_merge(
    *, actor, source: Household, target: Household, on: date, reason: str
) -> Household:
    """合户: every member of ``source`` joins ``target``; ``source`` keeps its history with
    no members."""
    source, target = lock(source, actor=actor), lock(target, actor=actor)
    if source.pk == target.pk:
        raise ValidationError(_("不能与本户合户。"))
    movers = list(Person.objects.select_for_update().filter(household=source))
    _move_members(
        actor=actor,
        movers=movers,
        source=source,
        target=target,
        kind=c.EventKind.MERGE,
        on=on,
        reason=reason,
        removal=c.MemberRemovalReason.MERGE,
        # The target keeps its head; the source's head joins as another member.
        relation_of=lambda p: c.Relation.OTHER if p.relation == c.Relation.HEAD else p.relation,
    )
    return target


@transaction.atomic
def person_id_reveal(*, actor, person: Person) -> str:
    """The full ID number, for roles that may see it; every reveal is in the audit log."""
    if not roles.may(actor, roles.Capability.REVEAL_PERSONAL_DATA):
        raise PermissionDenied(_("您的角色不能查看完整证件号码。"))
    region = person.region_id or (person.household.region_id if person.household_id else None)
    scope.require_read(actor, region)
    audit.record(
        actor=actor,
        action="person.reveal_id",
        target=person,
        region_code=region,
        target_repr=f"{person.name}（{person.id_masked}）",
    )
    return crypto.decrypt(bytes(person.id_encrypted))
