"""Secrets come from the environment; a demo or single-machine install gets them generated
into var/ once, readable only by the owner, so that two commands are the whole set-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def secret(*, env: str, path: Path, nbytes: int = 50) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    return value
