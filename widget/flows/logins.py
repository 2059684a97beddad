"""How the user's login (credentials typed, or the bank's code) reaches the Accounts API: a new
connection, a channel added to the run's connection, or a channel's credentials renewed."""
from typing import Any, Protocol

from widget.flows.challenge import run_channel
from widget.flows.flow import Along
from widget.flows.step_keys import attempt


class Login(Protocol):
    def send(self, auth: dict[str, Any]) -> dict[str, Any]:
        """Send the login for the run's channel definition; the connection the API answers."""


def login_step(along: Along, auth: dict[str, Any]) -> tuple[str, ...]:
    """The step of sending this login: a bank's code is a step of its own, since a new trip to
    the bank brings a new code; credentials typed again are the same step."""
    definition = along.run.definition or {}
    return ("connect", str(definition.get("id")), auth.get("authorization_code", ""))


class NewConnection:
    """add_connection: create the connection, or add this channel to the run's connection."""

    def __init__(self, along: Along) -> None:
        self.along = along

    def send(self, auth: dict[str, Any]) -> dict[str, Any]:
        run, api, track = self.along.run, self.along.api, self.along.track
        definition_id = (run.definition or {})["id"]
        connection: dict[str, Any]
        if run.connection_id:
            with attempt(run, *login_step(self.along, auth)) as key:
                connection = api.add_channel(run.connection_id, definition_id,
                                             idempotency_key=key, **auth)
            channel: dict[str, Any] = next((c for c in reversed(connection.get("channels") or [])
                            if c.get("channel_definition_id") == definition_id), {})
            run.channel_id = channel.get("id")
            track("CHANNEL_ADDED", connection_id=connection["id"], channel_id=channel.get("id"),
                  channel_definition_id=definition_id)
        else:
            with attempt(run, *login_step(self.along, auth)) as key:
                connection = api.create_connection(run.provider_id, definition_id,
                                                   idempotency_key=key, **auth)
            run.connection_id = connection["id"]
            run.channel_id = run_channel(run.channel_id, connection).get("id")
            track("CONNECTION_CREATED", connection_id=connection["id"], channel_id=run.channel_id)
        return connection


class Renewal:
    """edit_credentials: new credentials for the channel being renewed; a missing channel is
    added as add_connection adds one."""

    def __init__(self, along: Along) -> None:
        self.along = along
        self.adding = NewConnection(along)

    def send(self, auth: dict[str, Any]) -> dict[str, Any]:
        run = self.along.run
        channel_id = run.renew_channel_id
        if not channel_id:
            return self.adding.send(auth)
        with attempt(run, *login_step(self.along, auth)) as key:
            connection: dict[str, Any] = self.along.api.update_credentials(
                run.connection_id, channel_id, idempotency_key=key, **auth)
        self.along.track("CONNECTION_UPDATED", connection_id=connection["id"],
                         channel_id=channel_id)
        return connection
