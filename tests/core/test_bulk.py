from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.core import bulk
from fupin.registry.models import HouseholdEvent, Person
from tests.factories import make_household, region_tree


@pytest.fixture
def household(db):
    region_tree()
    return make_household(members=0)


def test_columns_keep_empty_text_apart_from_null_and_bytes_as_they_were(household):
    [first, second] = bulk.reserve_ids(Person, 2)
    with transaction.atomic():
        written = bulk.insert_columns(
            Person,
            {
                "id": pa.array([first, second], pa.int64()),
                "household_id": pa.array([household.pk] * 2, pa.int64()),
                "region_id": pa.array([household.region_id] * 2),
                "name": pa.array(["张三", 'O"Neil, 李']),
                "ethnicity": pa.array(["", "汉族"]),
                "id_hash": pa.array(["a" * 64, "b" * 64]),
                "id_encrypted": pa.array([b"\x00\x01\xff", b"\\x"], pa.binary()),
                "birth_date": pa.array([date(1980, 1, 2)] * 2, pa.date32()),
                "death_date": pa.array([date(2025, 3, 4), None], pa.date32()),
                "months_worked": pa.array([None, 12], pa.int64()),
                "medical_insurance": pa.array([True, None]),
            },
        )
    assert written == 2
    one, two = Person.objects.filter(pk__in=[first, second]).order_by("pk")
    assert (one.name, two.name) == ("张三", 'O"Neil, 李')
    assert (one.ethnicity, two.ethnicity) == ("", "汉族")
    assert (bytes(one.id_encrypted), bytes(two.id_encrypted)) == (b"\x00\x01\xff", b"\\x")
    assert (one.death_date, two.death_date) == (date(2025, 3, 4), None)
    assert (one.months_worked, two.months_worked) == (None, 12)
    assert (one.medical_insurance, two.medical_insurance) == (True, None)
    # Columns not given take the model's defaults, as a row made by RowMaker would.
    assert (one.version, one.id_kind, one.relation) == (1, "resident", "")


def test_columns_fill_json_and_timestamps_like_the_orm(household):
    now = timezone.now()
    with transaction.atomic():
        bulk.insert_columns(
            HouseholdEvent,
            {
                "household_id": pa.array([household.pk], pa.int64()),
                "kind": pa.array(["imported"]),
                "date": pa.array([date(2026, 1, 1)], pa.date32()),
                "recorded_at": pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), 1),
            },
            with_id=False,
        )
    event = HouseholdEvent.objects.get(household=household, kind="imported")
    assert event.details == {}
    assert event.recorded_at == now
    assert event.reason == ""


def test_columns_of_different_lengths_are_refused(household):
    with pytest.raises(ValueError, match="different lengths"):
        bulk.insert_columns(
            Person, {"name": pa.array(["a"]), "id_hash": pa.array(["x", "y"])}, with_id=False
        )


def test_a_column_the_model_lacks_is_refused(household):
    with pytest.raises(ValueError, match="no column"):
        bulk.insert_columns(Person, {"nickname": pa.array(["a"])}, with_id=False)


def _event_rows(household, kinds: list[str]):
    maker = bulk.RowMaker(HouseholdEvent, with_id=False)
    now = timezone.now()
    return maker, [
        maker.make(household_id=household.pk, kind=kind, date=date(2026, 1, 1), recorded_at=now)
        for kind in kinds
    ]


def test_rows_copied_behind_are_there_for_the_next_statement(household):
    maker, rows = _event_rows(household, ["imported"] * 3)
    before = HouseholdEvent.objects.filter(household=household).count()
    with transaction.atomic(), bulk.copying_behind():
        bulk.insert(maker, rows)
        bulk.insert_columns(
            HouseholdEvent,
            {
                "household_id": pa.array([household.pk], pa.int64()),
                "kind": pa.array(["correction"]),
                "date": pa.array([date(2026, 1, 2)], pa.date32()),
                "recorded_at": pa.array([timezone.now()], pa.timestamp("us", tz="UTC")),
                "details": pa.array(["{}"]),
            },
            with_id=False,
        )
        # The ORM's next statement waits for both COPYs, whichever thread sent them.
        assert HouseholdEvent.objects.filter(household=household).count() == before + 4
    assert HouseholdEvent.objects.filter(household=household, kind="correction").count() == 1


def test_a_copy_that_fails_behind_fails_the_block_and_sends_nothing_after(household):
    maker, rows = _event_rows(household, ["imported"])
    rows[0][maker.index["household_id"]] = None  # NOT NULL: the server refuses the COPY
    _maker, later = _event_rows(household, ["correction"])
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.copying_behind():
        bulk.insert(maker, rows)
        bulk.insert(maker, later)
        HouseholdEvent.objects.count()  # the first statement after it reports the failure
    assert not HouseholdEvent.objects.filter(household=household, kind="correction").exists()
