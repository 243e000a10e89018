from __future__ import annotations

import os

import pytest
from django.db import connection

from fupin.core import audit_sql, context
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tree(db):
    return factories.region_tree()


_DB_FIXTURES = {"db", "transactional_db", "live_server", "_django_db_helper"}


@pytest.fixture(autouse=True)
def _audit_append_only(request):
    """Every test with a database sees the audit table as production does: append-only.

    Tests that commit (live server, worker) end with a flush of every table, which the
    triggers would refuse; ``flushable_audit`` lifts them for that flush, and this puts
    them back (idempotently) for the next test."""
    if request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        audit_sql.install(connection)
        # A flush after a committing test also empties the rows migrations seed (the
        # national policy figures); put them back as a fresh database has them.
        from fupin.standards.models import PolicyValue
        from fupin.standards.parameters import seed_national_defaults

        seed_national_defaults(PolicyValue)


@pytest.fixture
def flushable_audit(transactional_db):
    yield
    audit_sql.remove(connection)


@pytest.fixture(autouse=True)
def _fresh_origin():
    """Each test starts without the request id a previous command or request left."""
    context.clear()
    yield
    context.clear()
