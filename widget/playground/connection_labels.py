"""The words the playground's Connections section shows for the Accounts API's codes and dates,
in the page's language."""
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

CONNECTION_STATUSES = {
    "RUNNING": _l("Synchronising"),
    "SUCCESS": _l("Synchronised"),
    "PARTIAL_SUCCESS": _l("Partly synchronised"),
    "FAILED": _l("Synchronisation failed"),
    "CLOSED": _l("Connection closed"),
    "NONE": _l("Never synchronised"),
}
CHANNEL_MODES = {
    "REDIRECT": _l("The bank's website (PSD2)"),
    "EMBEDDED": _l("A credential form"),
}
ACCOUNT_STATUSES = {
    "ACTIVE": _l("Shared"),
    "PENDING_CONSENT": _l("Waiting for consent"),
    "CLOSED": _l("Closed"),
}
ACCOUNT_USAGES = {
    "PERSONAL": _l("Personal"),
    "PROFESSIONAL": _l("Professional"),
}


def label(labels, code):
    """The translated words for an API code; the code itself when it is unknown."""
    return str(labels.get(code, code or ""))


def date_label(value):
    """An API date (ISO 8601 UTC) in the page's language; the raw text when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_datetime(parsed, "medium")
