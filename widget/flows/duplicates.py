"""Duplicate prevention (issue 13, part 5): the user picked a bank they are already connected
to. The run then offers to update that connection (edit_credentials' renewal, on its channel)
or, with the `allow_duplicates` option, to add another connection anyway."""
from typing import Any

from widget.flows.steps import Id, ordered_definitions


def existing_connection(connections: Any, provider: dict[str, Any]) -> dict[str, Any] | None:
    """The user's first connection to `provider` that has a channel the provider still offers
    (one that cannot be updated is no reason to stop the user adding a new one)."""
    for connection in connections or []:
        if str(connection.get("provider_id")) == str(provider["id"]) \
                and renewable_channel(provider, connection):
            found: dict[str, Any] = connection
            return found
    return None


def renewable_channel(provider: dict[str, Any],
                      connection: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(channel, its definition) to renew: the first in the provider's order (REDIRECT first,
    the one a PSD2 consent makes expire every 90 days), or None."""
    channels: dict[Id, dict[str, Any]] = {c.get("channel_definition_id"): c
                                          for c in connection.get("channels") or []}
    for definition in ordered_definitions(provider):
        if definition.get("id") in channels:
            return channels[definition["id"]], definition
    return None
