"""Personal numbers as the registry stores them: encrypted, with a keyed hash for lookup
and a masked form for display."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from fupin.core import crypto, idnumbers


@dataclass(frozen=True)
class StoredId:
    hash: str
    encrypted: bytes
    masked: str
    kind: str
    birth_date: date
    sex: str


def stored_id(raw: str) -> StoredId:
    """Validate an ID (or disability certificate) number and prepare its stored forms.

    Lookups hash the embedded resident number, so a person found by either the ID card or
    the disability certificate is the same person."""
    try:
        parsed = idnumbers.parse(raw)
    except idnumbers.IdNumberError as error:
        raise ValidationError({"id_number": error.message}) from error
    return StoredId(
        hash=crypto.lookup_hash(parsed.resident_number),
        encrypted=crypto.encrypt(parsed.number),
        # The resident number, not the certificate's: a certificate's last digits are the
        # disability category and level, health data that a mask must not show.
        masked=idnumbers.mask(parsed.resident_number),
        kind=parsed.kind,
        birth_date=parsed.birth_date,
        sex=parsed.sex,
    )


def lookup_hash_for(raw: str) -> str | None:
    """The hash to search by, or None when ``raw`` is not a valid number."""
    try:
        parsed = idnumbers.parse(raw)
    except idnumbers.IdNumberError:
        return None
    return crypto.lookup_hash(parsed.resident_number)


def phone_forms(raw: str) -> tuple[bytes | None, str, str]:
    """(encrypted, hash, masked) for a phone number; empty input gives empty forms."""
    digits = "".join(ch for ch in idnumbers.normalise(raw or "") if ch.isdigit() or ch == "-")
    if not digits:
        return None, "", ""
    bare = digits.replace("-", "")
    if not (7 <= len(bare) <= 12):
        raise ValidationError({"phone": f"联系电话应为11位手机号或带区号的固定电话，实为 “{raw}”"})
    masked = bare[:3] + "*" * (len(bare) - 7) + bare[-4:]
    return crypto.encrypt(bare), crypto.lookup_hash(bare), masked


def bank_account_forms(raw: str) -> tuple[bytes | None, str]:
    digits = "".join(ch for ch in idnumbers.normalise(raw or "") if ch.isdigit())
    if not digits:
        return None, ""
    if not (12 <= len(digits) <= 30):
        raise ValidationError({"bank_account": f"银行账号位数不对：“{raw}”"})
    return crypto.encrypt(digits), digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
