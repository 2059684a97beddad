"""RecordCipher (widget/encryption.py): AES-256-GCM-SIV under keys derived from Fernet keys,
and the Fernet tokens of records sealed before still open."""
import base64
import json
import time

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

from widget.encryption import SEALED, RecordCipher
from widget.store_events import _split

KEYS = {name: Fernet.generate_key().decode() for name in "AB"}
KEY_A, KEY_B = KEYS["A"], KEYS["B"]
TEXT = json.dumps({"access_token": "secret-token", "name": "Crédit Agricole €"},
                  ensure_ascii=False)


def test_a_sealed_text_opens_again_as_text_or_bytes():
    sealed = RecordCipher([KEY_A]).seal(TEXT)
    assert sealed.startswith(SEALED) and "secret-token" not in sealed
    assert RecordCipher([KEY_A]).open(sealed) == TEXT
    assert RecordCipher([KEY_A]).open(sealed.encode()) == TEXT  # as Redis gives it back


def test_each_seal_has_its_own_nonce():
    cipher = RecordCipher([KEY_A])
    assert cipher.seal(TEXT) != cipher.seal(TEXT)


def test_the_first_key_seals_and_every_key_opens():
    rotated = RecordCipher([KEY_B, KEY_A])
    old = RecordCipher([KEY_A]).seal(TEXT)
    assert rotated.open(old) == TEXT
    new = rotated.seal(TEXT)
    assert RecordCipher([KEY_B]).open(new) == TEXT
    assert RecordCipher([KEY_A]).open(new) is None


@pytest.mark.parametrize("keys, opens", [
    ("A", True),
    ("BA", True),  # rotated since
    ("B", False),
])
def test_a_fernet_token_sealed_before_opens_under_its_key_only(keys, opens):
    token = Fernet(KEY_A).encrypt(TEXT.encode())
    for given in (token, token.decode()):
        assert RecordCipher([KEYS[name] for name in keys]).open(given) == (TEXT if opens else None)


def test_the_sealing_key_is_derived_not_the_fernet_keys_own_bytes():
    sealed = base64.urlsafe_b64decode(RecordCipher([KEY_A]).seal(TEXT)[len(SEALED):])
    own_bytes = AESGCMSIV(base64.urlsafe_b64decode(KEY_A))
    with pytest.raises(InvalidTag):
        own_bytes.decrypt(sealed[:12], sealed[12:], None)


def flipped(sealed, at):
    raw = bytearray(base64.urlsafe_b64decode(sealed[len(SEALED):]))
    raw[at] ^= 1
    return SEALED + base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("damage", [
    lambda sealed: flipped(sealed, 0),  # the nonce
    lambda sealed: flipped(sealed, 20),  # the ciphertext
    lambda sealed: flipped(sealed, -1),  # the tag
    lambda sealed: sealed[:-8],  # cut short
    lambda sealed: sealed[:len(SEALED) + 8],  # shorter than a nonce and a tag
    lambda sealed: SEALED,
    lambda sealed: SEALED + "!!not base64!!",
    lambda sealed: "",
    lambda sealed: "gAAAAAnot-a-fernet-token",
    lambda sealed: b"\xff\xfe" + sealed.encode(),  # not even ASCII
    lambda sealed: None,
    lambda sealed: 42,
])
def test_a_damaged_or_foreign_token_opens_as_nothing(damage):
    sealed = RecordCipher([KEY_A]).seal(TEXT)
    assert RecordCipher([KEY_A]).open(damage(sealed)) is None


def test_an_events_list_entry_still_splits_into_its_number_and_sealed_event():
    sealed = RecordCipher([KEY_A]).seal(TEXT)
    assert _split("12:" + sealed) == (12, sealed)
    assert _split(sealed) == (None, sealed)  # an entry written without its number


def test_sealed_as_fernet_when_asked_opened_by_a_fernet_only_reader_and_by_either():
    """SESSION_SEALING=fernet: what a process of the earlier release, still running beside this
    one during a rolling upgrade (or again after a rollback), opens."""
    sealed = RecordCipher([KEY_A], "fernet").seal(TEXT)
    assert Fernet(KEY_A).decrypt(sealed.encode()).decode() == TEXT
    assert RecordCipher([KEY_A]).open(sealed) == TEXT
    assert RecordCipher([KEY_A], "fernet").open(RecordCipher([KEY_A]).seal(TEXT)) == TEXT


def test_the_app_seals_as_its_setting_says(tmp_path):
    from widget import create_app
    from widget.store import widget_sessions
    from widget.store_keys import live_key

    for sealing, starts in (("fernet", "gAAAAA"), ("aes-gcm-siv", SEALED)):
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / sealing),
                          "SESSION_SEALING": sealing})
        with app.app_context():
            store = widget_sessions()
            session_id = store.create({"expires_at_ts": time.time() + 60})
            assert store.backend.get(live_key(session_id)).startswith(starts)
