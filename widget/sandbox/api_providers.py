"""Accounts API: the provider catalogue and the bank portal's authorize URL."""
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, jsonify, request

from widget.countries import country_code
from widget.public_url import external_url
from widget.sandbox import bank_authorizations
from widget.sandbox.api import (
    ApiError, current_user_id, invalid_request, json_body, list_response, not_found,
    optional_string, paging, required_string, token_required,
)
from widget.sandbox.clock import now
from widget.sandbox.db import get_db
from widget.sandbox.providers import (
    find_definition, find_provider, provider_status, providers_json, search_providers,
)
from widget.sandbox.texts import LANGUAGES

bp = Blueprint("providers", __name__)


def statuses():
    """SANDBOX_PROVIDER_STATUS: the providers marked UP, DEGRADED or DOWN by the setting."""
    return current_app.config.get("SANDBOX_PROVIDER_STATUS") or {}


def available_provider(db, provider_id):
    """The provider, or 404 when unknown and 503 when it is DOWN (the `down` test bank, and
    any the setting marks so): a bank said to be down does not answer either."""
    provider = find_provider(db, provider_id) if isinstance(provider_id, str) else None
    if provider is None:
        raise not_found()
    if provider_status(provider, statuses()) == "DOWN":
        raise ApiError(503, "provider_unavailable", "The bank does not answer.")
    return provider


def provider_definition(db, provider_id, definition_id):
    """The channel definition of an available provider, or 404/503."""
    available_provider(db, provider_id)
    definition = find_definition(db, provider_id, definition_id)
    if definition is None:
        raise not_found()
    return definition


def logo_url(name):
    """A logo's public address: the browser loads it, from the sandbox's static files."""
    return external_url("sandbox_assets.static", filename=f"logos/{name}.svg")


def country_filter():
    """The `country` of the query string as a code, None when absent; 400 when unknown."""
    value = request.args.get("country", "")
    if not value:
        return None
    code = country_code(value)
    if code is None:
        raise invalid_request("'country' must be an ISO 3166-1 alpha-2 code, such as FR.")
    return code


@bp.get("/providers")
@token_required()
def list_providers():
    """The most popular providers first; `search` matches name or city, accents and case aside."""
    limit, offset = paging()
    country = country_filter()
    db = get_db()
    matches = search_providers(db, request.args.get("search", ""), limit, offset, country)
    response = list_response(providers_json(db, matches.rows, logo_url, statuses()), matches.total)
    if matches.more:
        response.headers["X-Total-Count-Capped"] = "true"
    return response


@bp.get("/providers/<provider_id>")
@token_required()
def get_provider(provider_id):
    """One provider with its channel definitions."""
    db = get_db()
    return jsonify(providers_json(db, [available_provider(db, provider_id)], logo_url,
                                  statuses())[0])


@bp.post("/providers/<provider_id>/channel_definitions/<definition_id>/authorize_url")
@token_required(scope="connections_manage")
def authorize_url(provider_id, definition_id):
    """The bank portal URL of a REDIRECT channel, which comes back with `code` and `state`."""
    db = get_db()
    definition = provider_definition(db, provider_id, definition_id)
    if definition["mode"] != "REDIRECT":
        raise invalid_request("This channel definition is not a REDIRECT one.")
    body = json_body()
    redirect_uri = required_string(body, "redirect_uri")
    state = optional_string(body, "state")
    locale = optional_string(body, "locale")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid_request("'redirect_uri' must be an absolute http(s) URL.")
    request_id = bank_authorizations.open_request(
        db, current_user_id(), definition, redirect_uri, state, now()
    )
    query = {"request": request_id, **({"lng": locale} if locale in LANGUAGES else {})}
    # The user's browser opens this URL: the public address when one is configured, since
    # the widget may be calling the sandbox through an internal one.
    portal = external_url("sandbox_bank.login")
    return jsonify({"authorize_url": f"{portal}?{urlencode(query)}"})
