from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fupin.core import crypto

# The keys are set once per test; Hypothesis' examples within a test may share them.
shared_keys = hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def new_key() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def keys(settings):
    """Fresh keys in the settings, as the settings module will provide them."""
    settings.FUPIN_FIELD_KEY = new_key()
    settings.FUPIN_LOOKUP_KEY = new_key()
    crypto.reset_keys()
    yield settings
    crypto.reset_keys()


def _with_new_keys(settings, *, field=None, lookup=None):
    if field is not None:
        settings.FUPIN_FIELD_KEY = field
    if lookup is not None:
        settings.FUPIN_LOOKUP_KEY = lookup
    crypto.reset_keys()


@shared_keys
@given(st.text())
def test_a_value_decrypts_to_itself(keys, text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_a_token_is_a_version_byte_a_nonce_and_the_sealed_text(keys):
    token = crypto.encrypt("11010519491231002X")
    assert token[0] == crypto.VERSION
    assert len(token) == 1 + 12 + 18 + 16


def test_encrypting_the_same_value_twice_gives_different_tokens(keys):
    first, second = crypto.encrypt("11010519491231002X"), crypto.encrypt("11010519491231002X")
    assert first != second
    assert first[1:13] != second[1:13]


def test_a_token_read_back_from_the_database_as_a_memoryview_decrypts(keys):
    assert crypto.decrypt(memoryview(crypto.encrypt("张三"))) == "张三"


def test_a_token_made_with_another_field_key_is_refused(keys):
    token = crypto.encrypt("11010519491231002X")
    _with_new_keys(keys, field=new_key())
    with pytest.raises(crypto.DecryptionError, match="another FUPIN_FIELD_KEY"):
        crypto.decrypt(token)


@pytest.mark.parametrize("damage", ["flip", "truncate", "version"])
def test_a_damaged_token_is_refused(keys, damage):
    token = bytearray(crypto.encrypt("11010519491231002X"))
    if damage == "flip":
        token[-1] ^= 1
    elif damage == "truncate":
        token = token[:20]
    else:
        token[0] = 99
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(token))


def test_lookup_hash_is_the_same_64_hex_digits_every_time(keys):
    first = crypto.lookup_hash("11010519491231002X")
    assert first == crypto.lookup_hash("11010519491231002X")
    assert len(first) == 64 and int(first, 16) >= 0


@shared_keys
@given(st.text())
def test_lookup_hash_is_hmac_sha256_under_the_lookup_key(keys, text):
    key = base64.urlsafe_b64decode(keys.FUPIN_LOOKUP_KEY + "=")
    expected = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    assert crypto.lookup_hash(text) == expected


@shared_keys
@given(st.text(), st.text())
def test_different_values_hash_differently(keys, first, second):
    if first != second:
        assert crypto.lookup_hash(first) != crypto.lookup_hash(second)


def test_lookup_hashes_depend_on_the_key(keys):
    before = crypto.lookup_hash("11010519491231002X")
    _with_new_keys(keys, lookup=new_key())
    assert crypto.lookup_hash("11010519491231002X") != before


@shared_keys
@given(st.lists(st.text(max_size=30), max_size=20))
def test_batch_functions_give_what_the_scalar_ones_give(keys, values):
    assert crypto.decrypt_many(crypto.encrypt_many(values)) == values
    assert [crypto.decrypt(token) for token in crypto.encrypt_many(values)] == values
    assert crypto.lookup_hash_many(values) == [crypto.lookup_hash(value) for value in values]


@hypothesis_settings(shared_keys, deadline=None)  # the first call starts DuckDB
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=30))
def test_a_column_of_text_hashes_as_each_value_does_and_null_stays_null(keys, values):
    hashes = crypto.lookup_hash_array(pa.array(values, pa.string())).to_pylist()
    assert hashes == [None if v is None else crypto.lookup_hash(v) for v in values]


def test_a_batch_gets_a_distinct_nonce_for_every_value(keys):
    tokens = crypto.encrypt_many(["11010519491231002X"] * 100)
    assert len({token[1:13] for token in tokens}) == 100


@pytest.mark.parametrize(
    ("name", "use"),
    [("FUPIN_FIELD_KEY", crypto.encrypt), ("FUPIN_LOOKUP_KEY", crypto.lookup_hash)],
)
def test_a_missing_key_is_a_configuration_error_naming_the_setting(keys, name, use):
    delattr(keys, name)
    crypto.reset_keys()
    with pytest.raises(crypto.KeyConfigurationError, match=f"{name} is not set"):
        use("x")


@pytest.mark.parametrize("value", ["correct horse battery staple", secrets.token_urlsafe(16)])
def test_a_key_that_is_not_32_bytes_of_base64_is_refused(keys, value):
    _with_new_keys(keys, field=value)
    with pytest.raises(crypto.KeyConfigurationError, match="FUPIN_FIELD_KEY"):
        crypto.encrypt("x")


def test_a_key_is_accepted_with_or_without_base64_padding(keys):
    raw = secrets.token_bytes(32)
    _with_new_keys(keys, field=base64.urlsafe_b64encode(raw).decode())
    token = crypto.encrypt("x")
    _with_new_keys(keys, field=base64.urlsafe_b64encode(raw).decode().rstrip("="))
    assert crypto.decrypt(token) == "x"


def test_one_key_for_both_purposes_is_refused(keys):
    _with_new_keys(keys, lookup=keys.FUPIN_FIELD_KEY)
    with pytest.raises(crypto.KeyConfigurationError, match="must differ"):
        crypto.lookup_hash("x")
