"""Our upstream calls prepared as requests prepares them, without its runtime protocol checks.

requests 2.34 asks `isinstance(x, SupportsItems)` and `isinstance(x, SupportsRead)` (typing
Protocols) of a call's headers, parameters and hooks, seven times a call. On Python 3.11 each of
these walks the protocol's attributes twice (3.12 keeps them): together about a third of what
preparing a call costs, and a twentieth of a syncing poll that asks the API. A call whose
headers and parameters are plain mappings, with no cookie, is prepared here with the same
results (`tests/test_call_preparation.py` holds the two to the same request); anything else
goes through requests as it is.
"""
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode

import requests
from requests.cookies import RequestsCookieJar
from requests.sessions import merge_hooks
from requests.structures import CaseInsensitiveDict

# requests' own encoding, for what is not a mapping or a list (its stubs leave it out).
requests_encoding: Callable[[Any], Any] = \
    requests.PreparedRequest._encode_params  # type: ignore[attr-defined]


class QuickPreparedRequest(requests.PreparedRequest):
    """A PreparedRequest that encodes mappings and lists of pairs without the protocol checks,
    and, given an empty cookie jar, adds no Cookie header without asking cookielib."""

    @staticmethod
    def _encode_params(data: Any) -> Any:
        if not isinstance(data, (Mapping, list, tuple)):
            return requests_encoding(data)
        # requests' own encoding of what it iterates: repeated keys for sequences, None skipped.
        pairs = data.items() if isinstance(data, Mapping) else data
        result = []
        for key, values in pairs:
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                values = [values]
            for value in values:
                if value is not None:
                    result.append((key.encode("utf-8") if isinstance(key, str) else key,
                                   value.encode("utf-8") if isinstance(value, str) else value))
        return urlencode(result, doseq=True)

    def prepare_cookies(self, cookies: Any) -> None:
        if isinstance(cookies, CookieJar) and not len(cookies):
            self._cookies = cookies  # nothing to send: no Cookie header
            return
        super().prepare_cookies(cookies)


def prepare_quickly(session: requests.Session, request: requests.Request,
                    ) -> requests.PreparedRequest | None:
    """`session.prepare_request(request)`'s result, or None when the call is one to leave to
    requests (cookies, files, session-wide parameters or authentication, headers not a mapping)."""
    if request.cookies or len(session.cookies) or request.files or session.params \
            or session.auth or not isinstance(request.headers, Mapping) \
            or not isinstance(request.params, (Mapping, list, tuple)) \
            or (not request.auth and session.trust_env):
        return None
    headers: CaseInsensitiveDict[Any] = CaseInsensitiveDict(session.headers)
    headers.update(request.headers)
    params = request.params  # pairs as they are, a mapping without its None values
    if isinstance(params, Mapping):
        params = {key: value for key, value in params.items() if value is not None}
    prepared = QuickPreparedRequest()
    prepared.prepare(
        method=str(request.method).upper(), url=request.url, files=request.files,
        data=request.data, json=request.json,
        headers={key: value for key, value in headers.items() if value is not None},
        params=params, auth=request.auth, cookies=RequestsCookieJar(),
        hooks=merge_hooks(request.hooks, session.hooks))  # type: ignore[no-untyped-call]
    return prepared
