"""Personal data at rest: field encryption, and keyed hashes to search and join on.

A column holding an ID number, a phone number or a bank account stores :func:`encrypt`'s
token; beside it an indexed column stores :func:`lookup_hash` of the same (normalised) value,
so that "find this ID" and joins with other departments' lists compare hashes and never need
the plaintext in SQL. The hash is keyed, so a copy of the database alone cannot be searched by
hashing every possible ID number (there are only about 10^11 of them).

Keys come from ``settings.FUPIN_FIELD_KEY`` and ``settings.FUPIN_LOOKUP_KEY`` (from the
environment variables of the same names when Django is not configured): each 32 random bytes,
URL-safe base64 with or without padding, as ``secrets.token_urlsafe(32)`` makes them. They are
decoded, not stretched: a key that is not 32 bytes of base64 is refused, so that a typed
password can never become a key by accident. The two keys must differ.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from collections.abc import Iterable

KEY_SIZE = 32
NONCE_SIZE = 12
# The first byte of every token says how it was made: 1 = AES-256-GCM under FUPIN_FIELD_KEY
# with a random 12-byte nonce. A later key rotation or algorithm gets a new number, so old
# tokens stay readable while they are re-encrypted.
VERSION = 1
_VERSION_BYTE = bytes([VERSION])
_TAG_SIZE = 16


class KeyConfigurationError(RuntimeError):
    """A key setting is missing or is not 32 bytes of URL-safe base64."""


class DecryptionError(ValueError):
    """A token that cannot be decrypted: another key made it, or it is damaged or truncated."""


def _setting(name: str) -> str | None:
    from django.conf import settings

    if settings.configured:
        return getattr(settings, name, None)
    return os.environ.get(name)


def _key(name: str) -> bytes:
    value = _setting(name)
    if not value:
        raise KeyConfigurationError(
            f"{name} is not set; generate one with "
            f'python -c "import secrets; print(secrets.token_urlsafe({KEY_SIZE}))"'
        )
    text = value.strip()
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{name} is not URL-safe base64") from None
    if len(key) != KEY_SIZE:
        raise KeyConfigurationError(f"{name} must decode to {KEY_SIZE} bytes, not {len(key)}")
    return key


@functools.cache
def _field_cipher() -> AESGCM:
    return AESGCM(_key("FUPIN_FIELD_KEY"))


@functools.cache
def _lookup_key() -> bytes:
    key = _key("FUPIN_LOOKUP_KEY")
    # One key for both would tie the hashes' secrecy to the ciphertexts'; refuse it.
    if hmac.compare_digest(key, _key("FUPIN_FIELD_KEY")):
        raise KeyConfigurationError("FUPIN_LOOKUP_KEY must differ from FUPIN_FIELD_KEY")
    return key


@functools.cache
def _pad_blocks() -> tuple[bytes, bytes]:
    # HMAC (RFC 2104): the key padded to SHA-256's block and mixed with the inner and the
    # outer constant; HMAC(v) = SHA-256(outer || SHA-256(inner || v)).
    block = _lookup_key().ljust(hashlib.sha256().block_size, b"\0")
    return bytes(byte ^ 0x36 for byte in block), bytes(byte ^ 0x5C for byte in block)


@functools.cache
def _lookup_pads() -> tuple[hashlib._Hash, hashlib._Hash]:
    # The two padded blocks hashed once and copied per value: the same digest as
    # hmac.digest(), in less than half the time over many values, because the key is not
    # set up again for every value.
    inner, outer = _pad_blocks()
    return hashlib.sha256(inner), hashlib.sha256(outer)


def reset_keys() -> None:
    """Forget the cached keys, so the next call reads the settings again (tests, rotation)."""
    _field_cipher.cache_clear()
    _lookup_key.cache_clear()
    _lookup_pads.cache_clear()
    _pad_blocks.cache_clear()


def encrypt(plaintext: str) -> bytes:
    """The token for ``plaintext`` (UTF-8): version byte, random 12-byte nonce, AES-256-GCM
    ciphertext with its tag. Two calls with the same text give different tokens; search with
    :func:`lookup_hash` instead."""
    nonce = os.urandom(NONCE_SIZE)
    return _VERSION_BYTE + nonce + _field_cipher().encrypt(nonce, plaintext.encode(), None)


def encrypt_many(values: Iterable[str]) -> list[bytes]:
    """:func:`encrypt` for a batch (an import), with one cipher and one call for all nonces."""
    values = list(values)
    cipher = _field_cipher()
    # One read of the system's random source for all nonces instead of one per value.
    nonces = os.urandom(NONCE_SIZE * len(values))
    starts = range(0, len(nonces), NONCE_SIZE)
    tokens = []
    for value, start in zip(values, starts, strict=True):
        nonce = nonces[start : start + NONCE_SIZE]
        tokens.append(b"".join((_VERSION_BYTE, nonce, cipher.encrypt(nonce, value.encode(), None))))
    return tokens


def decrypt(token: bytes | memoryview) -> str:
    """The plaintext of a token from :func:`encrypt` (a memoryview, as a database driver may
    return, is accepted). Raises DecryptionError if another key made it or it was altered."""
    return _decrypt(_field_cipher(), token if isinstance(token, bytes) else bytes(token))


def decrypt_many(tokens: Iterable[bytes | memoryview]) -> list[str]:
    """:func:`decrypt` for a batch (an export), with one cipher."""
    cipher = _field_cipher()
    return [
        _decrypt(cipher, token if isinstance(token, bytes) else bytes(token)) for token in tokens
    ]


def _decrypt(cipher: AESGCM, token: bytes) -> str:
    if len(token) < 1 + NONCE_SIZE + _TAG_SIZE:
        raise DecryptionError("token too short to be an encrypted field")
    if token[0] != VERSION:
        raise DecryptionError(f"unknown token version {token[0]}")
    nonce = token[1 : 1 + NONCE_SIZE]
    try:
        plaintext = cipher.decrypt(nonce, token[1 + NONCE_SIZE :], None)
    except InvalidTag:
        raise DecryptionError(
            "cannot decrypt: the token was made with another FUPIN_FIELD_KEY, or it is damaged"
        ) from None
    return plaintext.decode()


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` (UTF-8) under FUPIN_LOOKUP_KEY, as 64 hex digits: the same
    value always gives the same hash. It hashes the exact string, so normalise first (for an
    ID number, :func:`fupin.core.idnumbers.normalise` or the parsed number)."""
    return lookup_hash_many([value])[0]


def lookup_hash_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """:func:`lookup_hash` for a column of text, null staying null: the same HMAC, with
    DuckDB's SHA-256 working through the column on every core. A county's import hashes a
    million ID numbers; one at a time in Python that took seconds."""
    inner, outer = _pad_blocks()
    connection = duckdb.connect()
    try:
        connection.register("column_values", pa.table({"v": values}))
        result = connection.sql(
            "SELECT sha256($outer || unhex(sha256($inner || encode(v)))) AS h FROM column_values",
            params={"inner": inner, "outer": outer},
        ).to_arrow_table()
    finally:
        connection.close()
    return result.column("h").combine_chunks()


def lookup_hash_many(values: Iterable[str]) -> list[str]:
    """:func:`lookup_hash` for a batch."""
    inner, outer = _lookup_pads()
    hashes = []
    for value in values:
        inner_hash = inner.copy()
        inner_hash.update(value.encode())
        outer_hash = outer.copy()
        outer_hash.update(inner_hash.digest())
        hashes.append(outer_hash.hexdigest())
    return hashes
