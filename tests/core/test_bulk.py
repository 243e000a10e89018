from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pgpq
import pyarrow as pa
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fupin.core import bulk
from fupin.registry.models import HouseholdEvent, HouseholdIncome, Person
from tests.factories import make_household, region_tree

SHANGHAI = ZoneInfo("Asia/Shanghai")


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


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY's formats are PostgreSQL's"
)


@pytest.fixture
def copy_formats(monkeypatch):
    """The formats of the COPYs sent, in order."""
    formats = []
    send = bulk._copy

    def recording(sql, feed):
        formats.append(sql.rsplit("FORMAT ", 1)[1].rstrip(")"))
        return send(sql, feed)

    monkeypatch.setattr(bulk, "_copy", recording)
    return formats


@postgresql_only
def test_columns_go_in_binary_each_as_its_column_type(household, copy_formats):
    [pk] = bulk.reserve_ids(Person, 1)
    with transaction.atomic():
        bulk.insert_columns(
            Person,
            {
                "id": pa.array([pk], pa.int64()),
                "household_id": pa.array([household.pk], pa.int64()),
                "region_id": pa.array([household.region_id]),
                "name": pa.array(["王\\五"]),
                "id_hash": pa.array(["c" * 64]),
                "id_encrypted": pa.array([b"\x00,\n"], pa.binary()),
                "birth_date": pa.array([date(1950, 12, 31)], pa.date32()),
                # int64 in Arrow, smallint in the table: four bytes would be refused.
                "disability_level": pa.array([2], pa.int64()),
                "months_worked": pa.nulls(1),
                "dibao_member": pa.array([False]),
            },
        )
        bulk.insert_columns(
            HouseholdIncome,
            {
                "household_id": pa.array([household.pk], pa.int64()),
                "year": pa.array([2025], pa.int64()),
                # Floats go as their shortest text would: 0.125 is rounded by the server.
                "wages": pa.array([12345.125], pa.float64()),
                "business": pa.array([Decimal("0.50")], pa.decimal128(14, 2)),
            },
            with_id=False,
        )
    assert copy_formats == ["binary", "binary"]
    person = Person.objects.get(pk=pk)
    assert (person.name, bytes(person.id_encrypted)) == ("王\\五", b"\x00,\n")
    assert (person.birth_date, person.disability_level) == (date(1950, 12, 31), 2)
    assert (person.months_worked, person.dibao_member, person.version) == (None, False, 1)
    income = HouseholdIncome.objects.get(household=household, year=2025)
    assert (income.wages, income.business) == (Decimal("12345.13"), Decimal("0.50"))


@postgresql_only
def test_a_value_binary_cannot_carry_exactly_goes_as_text_for_the_server_to_read(
    household, copy_formats
):
    with transaction.atomic():
        bulk.insert_columns(
            HouseholdIncome,
            {
                "household_id": pa.array([household.pk], pa.int64()),
                "year": pa.array([2024], pa.int64()),
                "wages": pa.array(["1e-30"]),  # more places than the binary decimal holds
            },
            with_id=False,
        )
        bulk.insert_columns(
            HouseholdEvent,
            {
                "household_id": pa.array([household.pk], pa.int64()),
                "kind": pa.array(["imported"]),
                "date": pa.array([date(2026, 1, 1)], pa.date32()),
                # A time without a zone: the session's zone (UTC) is the server's to apply.
                "recorded_at": pa.array([datetime(2026, 1, 1, 8, 0)], pa.timestamp("us")),
            },
            with_id=False,
        )
    assert copy_formats == ["csv", "csv"]
    assert HouseholdIncome.objects.get(household=household, year=2024).wages == Decimal("0.00")
    event = HouseholdEvent.objects.get(household=household, kind="imported")
    assert (event.recorded_at.hour, event.recorded_at.utcoffset().total_seconds()) == (8, 0)


@postgresql_only
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.floats(min_value=-1e11, max_value=1e11).filter(lambda x: x == 0 or abs(x) > 1e-4)
        | st.none(),
        min_size=1,
        max_size=30,
    )
)
def test_decimals_in_binary_are_rounded_as_the_same_amounts_in_text(db, amounts):
    try:
        column = bulk._cast_for_binary(pa.array(amounts, pa.float64()), "numeric(14, 2)")
    except pa.ArrowInvalid:  # more places than 17: the table goes as text (test above)
        assume(False)
    table = pa.table({"i": pa.array(range(len(amounts)), pa.int32()), "x": column})
    encoder = pgpq.ArrowToPostgresBinaryEncoder(table.schema)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE amounts (i integer, x numeric(14, 2))")
        with cursor.cursor.copy("COPY amounts FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(encoder.write_header())
            copy.write(encoder.write_batch(table.to_batches()[0]))
            copy.write(encoder.finish())
        cursor.execute("SELECT x FROM amounts ORDER BY i")
        binary = [x for (x,) in cursor.fetchall()]
        texts = [None if a is None else repr(a) for a in amounts]
        cursor.execute("SELECT t::numeric(14, 2) FROM unnest(%s::text[]) AS t", [texts])
        text = [x for (x,) in cursor.fetchall()]
        cursor.execute("DROP TABLE amounts")
    assert binary == text


@settings(max_examples=60, deadline=None)
@given(
    # From 2 January of year 1: the first hours of year 1 in Shanghai are before year 1 in
    # UTC, which no Python datetime (and so no Django value) can hold.
    st.lists(
        st.datetimes(min_value=datetime(1, 1, 2), timezones=st.sampled_from([UTC, SHANGHAI]))
        | st.none(),
        max_size=20,
    ),
    st.lists(st.dates() | st.none(), max_size=20),
    st.lists(
        st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False) | st.none(),
        max_size=20,
    ),
)
def test_sqlite_is_given_dates_times_and_amounts_as_the_texts_django_writes(moments, days, amounts):
    # Arrow makes the texts for a whole column; they must be those of one value at a time.
    columns = [
        pa.array(moments, pa.timestamp("us", tz="UTC")),
        pa.array(days, pa.date32()),
        pa.array(amounts, pa.decimal128(14, 2)),
    ]
    for column in columns:
        expected = [None if v is None else bulk._adapt_sqlite(v) for v in column.to_pylist()]
        assert bulk._sqlite_column(column) == expected


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
