"""Who and where a change comes from, for the audit log: set per request by the middleware
and per command by the CLI, read by audit.record inside the services."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    request_id: str
    ip: str | None = None
    channel: str = "web"


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "fupin_origin", default=None
)


def current() -> Origin:
    origin = _origin.get()
    if origin is None:
        # Code run outside a request or command (a shell, a test) still gets an id that
        # ties together the rows it writes.
        origin = Origin(request_id=f"local-{uuid.uuid4().hex}", channel="local")
        _origin.set(origin)
    return origin


def begin(value: Origin) -> None:
    """Set the origin for the rest of this thread (a command-line process)."""
    _origin.set(value)


def clear() -> None:
    _origin.set(None)


@contextmanager
def origin(value: Origin):
    token = _origin.set(value)
    try:
        yield value
    finally:
        _origin.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex
