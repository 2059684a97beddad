"""Duplicate prevention (issue 13, part 5): the user picked a bank they are already connected
to. The run then offers to update that connection (edit_credentials' renewal, on its channel)
or, with the `allow_duplicates` option, to add another connection anyway."""
from typing import Any

from widget.flows.steps import Id


def existing_connection(connections: Any, provider: dict[str, Any],
                        offered: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The user's first connection to `provider` that already has every channel the run
    `offered` the user (the run's channel definitions): adding one of those would duplicate
    its accounts. One lacking an offered channel (payment accounts connected, savings offered
    now: a declination) is not a duplicate."""
    for connection in connections or []:
        has = {c.get("channel_definition_id") for c in connection.get("channels") or []}
        if str(connection.get("provider_id")) == str(provider["id"]) and offered \
                and all(d.get("id") in has for d in offered):
            found: dict[str, Any] = connection
            return found
    return None


def renewable_channel(offered: list[dict[str, Any]],
                      connection: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(channel, its definition) to renew: the first of the `offered` definitions (in the
    provider's order: REDIRECT first, the one a PSD2 consent makes expire every 90 days) that
    the connection has, or None."""
    channels: dict[Id, dict[str, Any]] = {c.get("channel_definition_id"): c
                                          for c in connection.get("channels") or []}
    for definition in offered:
        if definition.get("id") in channels:
            return channels[definition["id"]], definition
    return None
