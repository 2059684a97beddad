"""The Accounts API of a flow whose widget session was read without its lock (views/runs.py)."""
from typing import Any

from widget import upstream
from widget.store import NeedsLock
from widget.upstream.accounts_api import ProviderPage, provider_page_key, provider_params


class UnlockedApi:
    """Answers only what the process keeps for every user of the Client: a page of the provider
    list, once this session's first list was asked of the upstream (which is where it says that
    new terms must be accepted). Any other call, or a page not kept, sends the request back to go
    again with the lock, before anything is asked (a token refresh, say): NeedsLock."""

    def __init__(self, widget_session: dict[str, Any]) -> None:
        self.widget_session = widget_session

    def providers(self, search: str | None = None, limit: int = 50, offset: int = 0,
                  country: str | None = None) -> ProviderPage:
        if not self.widget_session.get("providers_listed"):
            raise NeedsLock()
        key = provider_page_key(upstream.api_base_url(), self.widget_session.get("client_id"),
                                provider_params(search, limit, offset, country))
        page: ProviderPage | None = upstream.shared_answers().kept(key)
        if page is None:
            raise NeedsLock()
        return page

    def __getattr__(self, name: str) -> Any:
        raise NeedsLock()
