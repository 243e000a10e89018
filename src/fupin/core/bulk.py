"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite, with ids reserved up
front so that rows can point at each other without a round trip per row. Rows are tuples
built from a template of the model's defaults, never model instances (too slow at a
million rows); the largest sets (an import's persons and memberships) go as Arrow columns,
which PostgreSQL receives in COPY's binary format (encoded by pgpq) or, for a value that
format cannot carry as the column's type, as CSV written by Arrow: no Python step per row."""

from __future__ import annotations

import io
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pgpq
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from pgpq.encoders import StringEncoderBuilder
from pgpq.schema import Jsonb

logger = logging.getLogger(__name__)

# Rows per CSV block sent to COPY: large enough to keep Arrow's writer busy, small enough
# that a million rows never sit in memory as one text.
COPY_BATCH = 50_000


class RowMaker:
    """Tuples in the column order of ``model``'s concrete fields, defaults filled in."""

    def __init__(self, model: type[models.Model], *, with_id: bool = True):
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.table = model._meta.db_table
        self.fields = fields
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.index.update({f.name: i for i, f in enumerate(fields)})
        self.template = [self._default(f) for f in fields]
        self.json = {i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"}
        # SQLite needs dates, datetimes and decimals as text; only those columns are touched.
        self.sqlite_adapt = [
            i
            for i, f in enumerate(fields)
            if f.get_internal_type() in ("DateField", "DateTimeField", "DecimalField")
        ]

    @staticmethod
    def _default(field):
        if field.has_default():
            value = field.get_default()
            return value() if callable(value) else value
        if field.null or (field.default is NOT_PROVIDED and field.primary_key):
            return None
        if field.get_internal_type() in ("CharField", "TextField"):
            return ""
        return None

    def make(self, **values) -> list:
        row = list(self.template)
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return row


def _adapt_sqlite(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _prepare(maker: RowMaker, rows: Iterable[Sequence], vendor: str):
    json_columns = maker.json
    adapt = maker.sqlite_adapt if vendor == "sqlite" else ()
    for row in rows:
        for i in json_columns:
            row[i] = json.dumps(row[i], ensure_ascii=False)
        for i in adapt:
            if row[i] is not None:
                row[i] = _adapt_sqlite(row[i])
        yield row


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys, taken so that no concurrent insert can take them."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            # Usually one contiguous block (nobody else took a number meanwhile): then only
            # its ends cross the wire, not a million ids. Otherwise that block is left unused
            # (gaps in ids are harmless) and the ids are fetched one by one.
            cursor.execute(
                "SELECT min(v), max(v) FROM (SELECT nextval(%s::regclass) v"
                " FROM generate_series(1, %s)) AS taken",
                [sequence, count],
            )
            low, high = cursor.fetchone()
            if high - low + 1 == count:
                return list(range(low, high + 1))
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so max(id) is ours.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


class _Sender:
    """COPYs sent from a second thread, on the same PostgreSQL connection and so in the same
    transaction, while this thread prepares the next rows: Python and the server work at
    the same time instead of in turn. psycopg holds the connection's lock for a whole COPY,
    so nothing can interleave with one; ``drain`` keeps the order, waiting for the COPYs
    handed over so far before this thread sends anything else."""

    def __init__(self, raw):
        self.raw = raw
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="fupin-copy", daemon=True)
        self.thread.start()

    def put(self, sql: str, feed: Callable) -> None:
        self.jobs.put((sql, feed))

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                if self.error is None and not self.cancelled:
                    sql, feed = job
                    with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                        feed(copy)
            except BaseException as error:  # handed to the main thread by drain()
                self.error = error
            finally:
                self.jobs.task_done()
        self.jobs.task_done()

    def drain(self) -> None:
        self.jobs.join()
        if self.error is not None:
            error, self.error = self.error, None
            self.cancelled = True  # the transaction has failed: send nothing more
            with connection.wrap_database_errors:  # as Django's own exceptions
                raise error

    def before_statement(self, execute, sql, params, many, context):
        self.drain()
        return execute(sql, params, many, context)

    def stop(self) -> None:
        self.cancelled = True
        self.jobs.put(None)
        self.thread.join()


@contextmanager
def copying_behind() -> Iterator[None]:
    """Within this block, on PostgreSQL, :func:`insert` and :func:`insert_columns` hand their
    COPY to a second thread and return at once; every other statement of this thread first
    waits for them, and so does the block's end. A failed COPY raises at the next statement
    or at the end, and the transaction rolls back. Must run inside a transaction. Rows
    handed to a COPY must not change afterwards."""
    if connection.vendor != "postgresql" or getattr(connection, "fupin_sender", None):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("copying_behind() needs a transaction")
    sender = _Sender(connection.connection)
    connection.fupin_sender = sender
    try:
        with connection.execute_wrapper(sender.before_statement):
            yield
            sender.drain()
    finally:
        connection.fupin_sender = None
        sender.stop()


def _copy(sql: str, feed: Callable) -> None:
    """Run a COPY whose data ``feed(copy)`` writes: now, or behind (:func:`copying_behind`)."""
    sender = getattr(connection, "fupin_sender", None)
    if sender is not None:
        sender.put(sql, feed)
        return
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        feed(copy)


def insert(maker: RowMaker, rows: list[Sequence]) -> int:
    if not rows:
        return 0
    vendor = connection.vendor
    columns = ", ".join(f'"{c}"' for c in maker.columns)
    if vendor == "postgresql":
        _copy_table(maker, _rows_as_table(maker, rows))
        return len(rows)
    marks = ", ".join("?" for _ in maker.columns)
    sql = f'INSERT INTO "{maker.table}" ({columns}) VALUES ({marks})'  # noqa: S608
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.executemany(sql, _prepare(maker, rows, vendor))
    return len(rows)


def insert_columns(
    model: type[models.Model], columns: Mapping[str, pa.Array], *, with_id: bool = True
) -> int:
    """Insert rows given as Arrow columns of equal length, named by the model's attnames
    ("household_id"); the model's other columns take their defaults, as :class:`RowMaker`
    fills them. Binary columns are bytes; JSON columns must be given as JSON text."""
    maker = RowMaker(model, with_id=with_id)
    lengths = {len(array) for array in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    if n == 0:
        return 0
    unknown = set(columns) - {f.attname for f in maker.fields}
    if unknown:
        raise ValueError(f"{maker.table} has no column {sorted(unknown)}")
    names, arrays = [], []
    for field, default in zip(maker.fields, maker.template, strict=True):
        if field.attname in columns:
            array = columns[field.attname]
        elif default is None:
            continue  # NULL is what the database puts in an omitted column
        else:
            if field.get_internal_type() == "JSONField":
                default = json.dumps(default, ensure_ascii=False)
            array = pa.repeat(default, n)
        names.append(field.column)
        arrays.append(array)
    table = pa.table(dict(zip(names, arrays, strict=True)))
    if connection.vendor == "postgresql":
        _copy_table(maker, table)
        return n
    quoted = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{maker.table}" ({quoted}) VALUES ({marks})'  # noqa: S608
    with connection.cursor() as cursor, connection.wrap_database_errors:
        for batch in table.to_batches(max_chunksize=COPY_BATCH):
            values = [_sqlite_column(column) for column in batch.columns]
            cursor.cursor.executemany(sql, zip(*values, strict=True))
    return n


def _copy_table(maker: RowMaker, table: pa.Table) -> None:
    """COPY an Arrow table (columns named as the database's) in the binary format, which the
    server reads at about twice the speed of text (no parsing of dates, numbers or bytea
    hex) and pgpq encodes without a Python step per row (in a fraction of the time Arrow
    takes to write CSV, so a COPY sent behind (:func:`copying_behind`) hardly slows this
    thread); as CSV written by Arrow when a column cannot be put into its database type
    exactly (:func:`_binary_table`)."""
    quoted = ", ".join(f'"{name}"' for name in table.column_names)
    binary = _binary_table(maker, table)
    if binary is not None:
        table, encoders = binary

        def feed_binary(copy):
            encoder = pgpq.ArrowToPostgresBinaryEncoder.new_with_encoders(table.schema, encoders)
            copy.write(encoder.write_header())
            for batch in table.to_batches(max_chunksize=COPY_BATCH):
                copy.write(encoder.write_batch(batch))
            copy.write(encoder.finish())

        sql = f'COPY "{maker.table}" ({quoted}) FROM STDIN WITH (FORMAT binary)'
        _copy(sql, feed_binary)
        return

    def feed(copy):
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        for batch in _bytea_as_text(table).to_batches(max_chunksize=COPY_BATCH):
            buffer = io.BytesIO()
            # Strings are always quoted and NULLs never: COPY's CSV tells "" from NULL.
            pa_csv.write_csv(batch, buffer, options)
            copy.write(buffer.getbuffer())

    _copy(f'COPY "{maker.table}" ({quoted}) FROM STDIN WITH (FORMAT csv)', feed)


def _is_text(kind) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


# Binary COPY carries each value in its column's exact type (an int4 column takes four
# bytes, not eight), so columns are cast to these first, from Arrow types that pass the
# test beside each. Database types not listed here (and a value a cast cannot carry exactly)
# send the table as CSV, parsed by the server.
_BINARY_TYPES = {
    "bigint": (pa.int64(), pa.types.is_integer),
    "integer": (pa.int32(), pa.types.is_integer),
    "smallint": (pa.int16(), pa.types.is_integer),
    "boolean": (pa.bool_(), pa.types.is_boolean),
    "date": (pa.date32(), pa.types.is_date),
    # A time without a zone is the server's to read, in the session's zone.
    "timestamp with time zone": (
        pa.timestamp("us", tz="UTC"),
        lambda kind: pa.types.is_timestamp(kind) and kind.tz is not None,
    ),
    "double precision": (pa.float64(), pa.types.is_floating),
    # Text in a bytea column would be bytea's own text forms, for the server to read.
    "bytea": (pa.binary(), lambda kind: pa.types.is_binary(kind) or pa.types.is_large_binary(kind)),
    "text": (pa.string(), _is_text),
    "jsonb": (pa.string(), _is_text),
}
# Decimals go with the digits they have, and the server rounds them to the column's scale
# as it rounds a decimal in text: 17 places hold any float's shortest text.
_DECIMAL = pa.decimal128(38, 17)


def _binary_table(maker: RowMaker, table: pa.Table) -> tuple[pa.Table, dict] | None:
    """``table`` with every column cast to its database column's type, with the encoders
    pgpq needs; None when some column cannot be (then the table goes as CSV)."""
    fields = {f.column: f for f in maker.fields}
    arrays, encoders = [], {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        db_type = fields[name].db_type(connection) or ""
        try:
            array = _cast_for_binary(column, db_type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return None
        if array is None:
            return None
        arrays.append(array)
        field = pa.field(name, array.type)
        if db_type == "jsonb":
            encoders[name] = StringEncoderBuilder.new_with_output(field, Jsonb())
        else:
            encoders[name] = pgpq.ArrowToPostgresBinaryEncoder.infer_encoder(field)
    return pa.table(arrays, names=table.column_names), encoders


def _cast_for_binary(column, db_type: str):
    """``column`` as the Arrow type whose binary form is ``db_type``'s, or None. Only casts
    that keep every value (a wider integer narrowed only where it fits: a safe cast fails
    otherwise); text is read as another type only by the server, as it would be from CSV."""
    kind = column.type
    if db_type.startswith("varchar"):
        db_type = "text"
    numeric = db_type.startswith("numeric")
    target, accepts = (_DECIMAL, None) if numeric else _BINARY_TYPES.get(db_type, (None, None))
    if pa.types.is_null(kind):
        return None if target is None else pa.nulls(len(column), target)
    if numeric:
        if pa.types.is_decimal128(kind):
            return column
        if pa.types.is_floating(kind):  # its shortest text, what the CSV would carry
            return pc.cast(pc.cast(column, pa.string()), _DECIMAL)
        if pa.types.is_string(kind) or pa.types.is_integer(kind):
            return pc.cast(column, _DECIMAL)
        return None
    if target is None or not accepts(kind):
        return None
    return column if kind == target else pc.cast(column, target)


_ARROW_TYPES = {
    **dict.fromkeys(
        [
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ],
        pa.int64(),
    ),
    "BooleanField": pa.bool_(),
    "DateField": pa.date32(),
    "DateTimeField": pa.timestamp("us", tz="UTC"),
    "FloatField": pa.float64(),
    "BinaryField": pa.binary(),
}


def _rows_as_table(maker: RowMaker, rows: list[Sequence]) -> pa.Table:
    """Rows made by ``maker`` as Arrow columns of the fields' types. JSON goes as its text;
    decimals and other values without an Arrow counterpart here as their text, which the
    server parses as it would a literal."""
    arrays = {}
    to_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per value
    for field, values in zip(maker.fields, zip(*rows, strict=True), strict=True):
        target = field.target_field if field.is_relation else field
        kind = _ARROW_TYPES.get(target.get_internal_type())
        if field.get_internal_type() == "JSONField":
            array = pa.array([to_json(v) for v in values], pa.string())  # as _prepare does
        elif kind is not None:
            array = pa.array(values, kind)
        else:
            try:  # text, the usual case (choices are text too)
                array = pa.array(values, pa.string())
            except (pa.ArrowTypeError, pa.ArrowInvalid):  # decimals and the like
                array = pa.array([None if v is None else str(v) for v in values], pa.string())
        arrays[field.column] = array
    return pa.table(arrays)


def _bytea_as_text(table: pa.Table) -> pa.Table:
    """Binary columns in bytea's hex input form ("\\x0a1b…"), which COPY's CSV reads."""
    for i, column in enumerate(table.columns):
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            table = table.set_column(i, table.field(i).name, _hex_text(column))
    return table


def _hex_text(column) -> pa.Array:
    """Bytes as bytea's hex text, in DuckDB: this runs in the sending thread, and a Python
    step per value there would hold the interpreter the import's thread needs. DuckDB keeps
    the rows' order (``preserve_insertion_order``)."""
    database = duckdb.connect()
    try:
        database.register("bytes_in", pa.table({"b": column}))
        result = database.sql(r"SELECT '\x' || lower(hex(b)) AS h FROM bytes_in").to_arrow_table()
    finally:
        database.close()
    return result.column("h").combine_chunks()


def _sqlite_column(column: pa.Array) -> list:
    """A column as the values SQLite is given, the texts :func:`_adapt_sqlite` would make,
    made by Arrow: a Python date or datetime per value took most of a million-row insert."""
    return _sqlite_text(column).to_pylist()


def _sqlite_text(column: pa.Array) -> pa.Array:
    kind = column.type
    if pa.types.is_timestamp(kind):
        # UTC without a zone, microseconds only when there are some, as Django stores it.
        if kind.tz is not None:
            column = pc.cast(column, pa.timestamp(kind.unit))  # the same instants, in UTC
        text = pc.cast(pc.cast(column, pa.timestamp("us")), pa.string())
        whole = pc.ends_with(text, ".000000")
        return pc.if_else(whole, pc.utf8_slice_codeunits(text, 0, -7), text)
    if pa.types.is_date(kind) or pa.types.is_decimal(kind):
        return pc.cast(column, pa.string())
    return column


def update(model: type[models.Model], columns: list[str], rows: list[Sequence]) -> int:
    """``rows`` are (value, value, …, id) in the order of ``columns``."""
    if not rows:
        return 0
    table = model._meta.db_table
    json_columns = {
        i
        for i, c in enumerate(columns)
        if model._meta.get_field(c).get_internal_type() == "JSONField"
    }
    placeholder = "%s" if connection.vendor == "postgresql" else "?"
    assignments = ", ".join(f'"{model._meta.get_field(c).column}" = {placeholder}' for c in columns)
    sql = f'UPDATE "{table}" SET {assignments} WHERE "id" = {placeholder}'  # noqa: S608

    def prepared():
        for row in rows:
            row = list(row)
            for i in json_columns:
                row[i] = json.dumps(row[i], ensure_ascii=False)
            yield [_adapt_sqlite(v) for v in row] if connection.vendor == "sqlite" else row

    with connection.cursor() as cursor:
        cursor.cursor.executemany(sql, list(prepared()))
    return len(rows)


def analyze(*tables: str) -> None:
    """Fresh planner statistics after many rows changed: without them PostgreSQL may plan
    a million-row join as if the tables were empty. Sampling, so cheap next to the load."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            # SQLite's ANALYZE reads whole tables unless told to sample.
            cursor.execute("PRAGMA analysis_limit = 1000")
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


# Which of a table's indexes and constraints ``without_indexes`` takes down: every index but
# the primary key, and the foreign keys between the tables given (those to other tables, such
# as a household's region, stay: dropping them would lock the other table too).
_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[])
ORDER BY 1, 2"""
_INDEXES = """
SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, c.conname,
       pg_get_indexdef(i.indexrelid), pg_get_constraintdef(c.oid)
FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'u'
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
ORDER BY 1, 2"""


@contextmanager
def without_indexes(tables: Sequence[str], *, adding: int, largest: str) -> Iterator[bool]:
    """Load ``adding`` rows into ``tables`` the way both databases' manuals advise for
    populating a database: drop their secondary indexes (on PostgreSQL also the foreign keys
    between them), load, then build each index in one sort (and check each foreign key in one
    join) instead of an index insertion (and a trigger) per row. Uniqueness and every
    reference are checked all the same: a violation fails the transaction. Only done when the
    load at least doubles ``largest`` (a county's first import) and adds at least
    ``FUPIN_IMPORT_FIRST_LOAD_PERSONS`` rows; on PostgreSQL the tables are locked for the
    load's length, so only when the locks come within a few seconds. Must run inside a
    transaction. Yields whether it did."""
    threshold = settings.FUPIN_IMPORT_FIRST_LOAD_PERSONS
    if not threshold or adding < threshold or adding < _rows_in(largest):
        yield False
        return
    if connection.vendor == "postgresql":
        rebuild = _take_down_postgresql(tables)
    else:
        rebuild = _take_down_sqlite(tables)
    if rebuild is None:
        yield False
        return
    yield True
    rebuild()


def _rows_in(table: str) -> float:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            # -1: never analysed, which a table that has seen a large load is not.
            return max(cursor.fetchone()[0], 0)
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (a table name of ours)
        return cursor.fetchone()[0]


def _take_down_sqlite(tables: Sequence[str]):
    """SQLite: the import's transaction already holds the database's one write lock, and
    readers keep their snapshot, so nobody waits on the dropped indexes. The indexes behind
    UNIQUE columns (``sqlite_autoindex_…``, no SQL of their own) cannot be dropped and stay."""
    marks = ", ".join("%s" for _ in tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608
            f" AND tbl_name IN ({marks}) ORDER BY tbl_name, name",
            list(tables),
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def rebuild():
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)

    return rebuild


def _take_down_postgresql(tables: Sequence[str]):
    names = list(tables)
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS, [names, names])
        foreign_keys = cursor.fetchall()
        cursor.execute(_INDEXES, [names])
        indexes = cursor.fetchall()
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL lock_timeout = '5s'")
                _fire_pending(cursor)
                for table, name, _definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                for table, index, constraint, _index_def, _definition in indexes:
                    if constraint:
                        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                    else:
                        cursor.execute(f"DROP INDEX {index}")
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
        except OperationalError as error:  # somebody holds the tables: load the usual way
            logger.info("first load with indexes kept: %s", error)
            return None

    def rebuild():
        with connection.cursor() as cursor:
            _fire_pending(cursor)
            # Memory to sort each index in, and to check each reference in one hash join.
            for name in ("maintenance_work_mem", "work_mem"):
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [name, settings.FUPIN_PG_WORK_MEM]
                )
            for table, _index, constraint, index_def, definition in indexes:
                if constraint:
                    cursor.execute(
                        f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition}'
                    )
                else:
                    cursor.execute(index_def)
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    return rebuild


def _fire_pending(cursor) -> None:
    """Run the deferred reference checks queued so far (a household's region, say): PostgreSQL
    refuses to alter a table with checks pending. Deferred again afterwards, Django's way."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
