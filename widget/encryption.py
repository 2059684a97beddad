"""Widget session records encrypted at rest under keys that can rotate.

A copy of the session folder or a Redis dump then holds no usable token, client secret or CSRF
token. `SESSION_ENCRYPTION_KEYS` lists Fernet keys: the first encrypts, every one decrypts, so a
new key goes first and the old one stays until the records it wrote are rewritten or expired.

Records and events are sealed with AES-256-GCM-SIV under a key derived from each Fernet key
(HKDF-SHA256): `2.` then the nonce, the ciphertext and its tag in URL-safe base64. Fernet (AES-CBC
and HMAC, new objects at each call) took 12 µs to seal an event and 38 to open a 2.5 kB record
on the machine where GCM-SIV takes 5 and 30 (most of it base64). Its random 96-bit nonces never
need counting: a nonce that comes twice under one key only shows whether the two texts were
equal. Fernet tokens, written before 2026-12-05, still open; `SESSION_SEALING=fernet` seals
Fernet tokens again, for a rolling upgrade from an earlier release (whose processes, still
running beside this one's, open nothing else) and a way back to it.
"""
import base64
import os
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SETTING = "SESSION_ENCRYPTION_KEYS"
SEALED = "2."  # never in a Fernet token (URL-safe base64), nor a list entry's "<number>:"
SEALINGS = ("aes-gcm-siv", "fernet")  # SESSION_SEALING's values, its default first
NONCE_BYTES = 12


def key_problem(key: str | bytes) -> str | None:
    """Why `key` is not a Fernet key, or None."""
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return ("is not a Fernet key (32 url-safe base64-encoded bytes; make one with `python3 -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)")
    return None


def derived_key(secret_key: str | bytes) -> str:
    """A Fernet key derived from SECRET_KEY: the sandbox's demo runs with one command."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"passerelle widget session records")
    return base64.urlsafe_b64encode(hkdf.derive(secret)).decode("ascii")


def sealing_key(key: str | bytes) -> AESGCMSIV:
    """The AES-256-GCM-SIV key of a Fernet key: derived, never the Fernet key's own bytes."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"passerelle widget records aes-256-gcm-siv")
    return AESGCMSIV(hkdf.derive(base64.urlsafe_b64decode(key)))


class RecordCipher:
    """Seal a record's text with the first key; open it with any of them."""

    def __init__(self, keys: Iterable[str | bytes], sealing: str = SEALINGS[0]) -> None:
        keys = list(keys)
        self.aeads = [sealing_key(key) for key in keys]
        self.fernet = MultiFernet([Fernet(key) for key in keys])  # for records sealed before
        self.sealing = sealing

    def seal(self, text: str) -> str:
        if self.sealing == "fernet":
            return self.fernet.encrypt(text.encode("utf-8")).decode("ascii")
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self.aeads[0].encrypt(nonce, text.encode("utf-8"), None)
        return SEALED + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, token: str | bytes) -> str | None:
        """The record's text, or None when no key opens it (unknown key, tampered, not a token)."""
        try:
            text = token.decode("ascii") if isinstance(token, bytes) else token
            if not text.startswith(SEALED):
                return self.fernet.decrypt(token).decode("utf-8")
            sealed = base64.urlsafe_b64decode(text[len(SEALED):])
        except (InvalidToken, TypeError, ValueError, AttributeError):
            return None
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        for aead in self.aeads:
            try:
                return aead.decrypt(nonce, body, None).decode("utf-8")
            except (InvalidTag, ValueError):
                continue
        return None


def cipher_for(config: Mapping[str, Any]) -> RecordCipher:
    """The configured keys' cipher; with the sandbox on and none set, a key from SECRET_KEY."""
    keys = config.get(SETTING) or [derived_key(config["SECRET_KEY"])]
    return RecordCipher(keys, config.get("SESSION_SEALING") or SEALINGS[0])
