"""Widget session records encrypted at rest (Fernet) under keys that can rotate.

A copy of the session folder or a Redis dump then holds no usable token, client secret or CSRF
token. `SESSION_ENCRYPTION_KEYS` lists Fernet keys: the first encrypts, every one decrypts, so a
new key goes first and the old one stays until the records it wrote are rewritten or expired.
"""
import base64
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SETTING = "SESSION_ENCRYPTION_KEYS"


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


class RecordCipher:
    """Seal a record's text with the first key; open it with any of them."""

    def __init__(self, keys: Iterable[str | bytes]) -> None:
        self.fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, text: str) -> str:
        return self.fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str | bytes) -> str | None:
        """The record's text, or None when no key opens it (unknown key, tampered, not a token)."""
        try:
            return self.fernet.decrypt(token).decode("utf-8")
        except (InvalidToken, TypeError, ValueError):
            return None


def cipher_for(config: Mapping[str, Any]) -> RecordCipher:
    """The configured keys' cipher; with the sandbox on and none set, a key from SECRET_KEY."""
    keys = config.get(SETTING) or [derived_key(config["SECRET_KEY"])]
    return RecordCipher(keys)
