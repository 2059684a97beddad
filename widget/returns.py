"""The return contract (DESIGN.md section 5): where the widget sends the user, and with what."""
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

# Stable error codes and the text a user reads for each (README.md lists them).
ERROR_DESCRIPTIONS = {
    "invalid_request": _l("The request was not valid."),
    "invalid_provider": _l("This bank is not known."),
    "invalid_channel": _l("This connection method is not available for this bank."),
    "invalid_connection": _l("This connection is not known."),
    "provider_unavailable": _l("The bank cannot be reached right now."),
    "sync_failed": _l("The bank did not let us retrieve your accounts."),
    "user_action_required": _l("Your bank needs you to do something on its website first."),
    "challenge_failed": _l("The verification did not succeed."),
    "challenge_expired": _l("The verification was not completed in time."),
    "token_expired": _l("The access to this bank has expired and must be renewed."),
    "bank_denied": _l("The connection was refused at the bank."),
    "bank_error": _l("The bank could not complete the connection."),
    "auth_failed": _l("The bank refused the credentials."),
    "terms_refused": _l("The terms of service were not accepted."),
    "upstream_error": _l("The service is not available right now."),
    "nothing_pending": _l("Your bank did not ask for any verification."),
}


def error_description(code, locale):
    with force_locale(locale):
        return str(ERROR_DESCRIPTIONS.get(code) or gettext("An error occurred."))


def result_params(options, widget, result, error=None, connection_id=None, locale=None):
    params = {"result": result, "widget": widget}
    if connection_id:
        params["connection_id"] = str(connection_id)
    if result == "error":
        params["error"] = error or "upstream_error"
        locale = locale or current_app.config["DEFAULT_LANGUAGE"]
        params["error_description"] = error_description(params["error"], locale)
    if options.get("state") is not None:
        params["state"] = options["state"]
    return params


def return_url(redirect_url, params):
    """`redirect_url` with `params` added to the query it already has (ours replace theirs)."""
    parts = urlsplit(redirect_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query.extend(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
