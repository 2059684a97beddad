"""The widget session form: every option of DESIGN.md section 3, read, checked, and sent."""
import re
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from widget.config import LANGUAGES
from widget.theme import THEMES
from widget.upstream.ids import valid_connection_id

WIDGETS = {
    "add_connection": _l("Add a connection"),
    "terms": _l("Terms of service"),
    "edit_credentials": _l("Edit credentials (needs a connection)"),
    "user_input": _l("User input for a challenge (needs a connection)"),
    "professional_account": _l("Professional accounts"),
    "manage_accounts": _l("Manage accounts (needs a connection)"),
}
# Tri-state: "" leaves the widget's default, which the label names.
BOOLEAN_OPTIONS = {
    "captive_mode": (_l("Captive mode"), True),
    "select_accounts": (_l("Let the user select accounts"), False),
    "multiple_channels": (_l("Aggregate every channel"), False),
    "select_channel": (_l("Let the user choose the channel"), False),
    "auto_sync": (_l("Synchronise automatically"), True),
    "allow_duplicates": (_l("Allow a second connection to a bank"), False),
}
TEXT_OPTIONS = ("redirect_url", "state", "provider_id", "channel_definition_id", "country",
                "font", "font_color", "elements_color", "aspsp_callback_uri")
LOCALES = ("", *LANGUAGES)
# "" leaves the widget's default (auto).
THEME_CHOICES = {"": _l("Default (the device's setting)"), "light": _l("Light"),
                 "dark": _l("Dark"), "auto": _l("The device's setting (auto)")}
# How the app shows the widget: (label, hint). Iframe and popup need JavaScript.
MODES = {
    "page": (_l("Full page"),
             _l("The app sends the user to the widget, which sends them back to the return page.")),
    "iframe": (_l("Iframe"),
               _l("A playground page shows the widget in a frame and logs the messages it "
                  "posts. Its address is sent as aspsp_callback_uri unless you give one.")),
    "popup": (_l("Popup"),
              _l("A playground page opens the widget in a popup window and logs the messages "
                 "it posts.")),
}
DEFAULT_MODE = "page"
# The widget's link path for each widget name of the 201 answer's `_links` (DESIGN.md 3).
WIDGET_PATHS = {"add_connection": "add_connection", "terms": "terms",
                "edit_credentials": "edit_credentials", "user_input": "user_input",
                "professional_account": "professional-account",
                "manage_accounts": "manage_accounts"}
# A widget session id as a Client receives it: URL-safe characters only.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
MAX_TEXT = 500


def default_values(redirect_url, locale):
    """What the form shows first: the playground's return page, a fresh state, the defaults."""
    values = {name: "" for name in TEXT_OPTIONS}
    values.update({name: "" for name in BOOLEAN_OPTIONS})
    values.update(redirect_url=redirect_url, state=secrets.token_urlsafe(12), locale=locale,
                  theme="",
                  widget="add_connection", connection_id="", send_refresh_token=True,
                  mode=DEFAULT_MODE)
    return values


def read_form(form):
    """(values as submitted, for showing them again; translated problems found here)."""
    values = {name: form.get(name, "").strip()[:MAX_TEXT] for name in TEXT_OPTIONS}
    values.update({name: form.get(name, "").strip().lower() for name in BOOLEAN_OPTIONS})
    values.update(locale=form.get("locale", "").strip().lower(),
                  theme=form.get("theme", "").strip().lower(),
                  widget=form.get("widget", "").strip(),
                  connection_id=form.get("connection_id", "").strip()[:MAX_TEXT],
                  send_refresh_token=form.get("send_refresh_token") == "on",
                  mode=form.get("mode", "").strip()[:MAX_TEXT] or DEFAULT_MODE)
    problems = []
    if values["mode"] not in MODES:
        problems.append(_("Choose how to open the widget: full page, iframe or popup."))
    if values["widget"] not in WIDGETS:
        problems.append(_("Choose one of the widgets in the list."))
    if values["locale"] not in LOCALES:
        problems.append(_("Choose one of the languages in the list, or none."))
    if values["theme"] not in ("", *THEMES):
        problems.append(_("The theme must be the default, light, dark or the device's setting."))
    if any(values[name] not in ("", "true", "false") for name in BOOLEAN_OPTIONS):
        problems.append(_("Each yes/no option must be default, yes or no."))
    if values["connection_id"] and not valid_connection_id(values["connection_id"]):
        problems.append(
            _("The connection id may only hold letters, digits, '.', '_', ':' and '-'."))
    return values, problems


def api_fields(values, user, seconds_left, embed_page_url=None):
    """The POST /widget_session body: the user's tokens and every option that was set.

    Option values are sent as typed: checking them is the widget's job, and the page shows
    its refusal, which is what an integrator trying options wants to see. In iframe mode,
    `embed_page_url` (the page hosting the frame) is the `aspsp_callback_uri` unless one was
    typed: the widget sends the top window back there after a bank's redirect.
    """
    fields = {"access_token": user["access_token"]}
    if values["send_refresh_token"] and user.get("refresh_token"):
        fields["refresh_token"] = user["refresh_token"]
    if seconds_left is not None:
        fields["expires_in"] = str(seconds_left)
    for name in (*TEXT_OPTIONS, *BOOLEAN_OPTIONS, "locale", "theme"):
        if values[name]:
            fields[name] = values[name]
    if values["mode"] == "iframe" and embed_page_url and not values["aspsp_callback_uri"]:
        fields["aspsp_callback_uri"] = embed_page_url
    return fields


def widget_url(links, widget, connection_id):
    """The widget's link from the 201 answer, with `connection_id` added when one was given."""
    link = links.get(widget)
    if not isinstance(link, str) or urlsplit(link).scheme not in ("http", "https"):
        return None
    if not connection_id:
        return link
    parts = urlsplit(link)
    query = parts.query + ("&" if parts.query else "") + urlencode({"connection_id": connection_id})
    return urlunsplit(parts._replace(query=query))


def widget_link(base_url, widget, session_id, connection_id=None):
    """`<base>/widget/<name>?session_id=<id>`, the documented link, built again from its parts.

    The page hosting an iframe does so after the bank's callback, which brings back only the
    session id (and the page's own query).
    """
    query = {"session_id": session_id}
    if connection_id:
        query["connection_id"] = connection_id
    return "%s/widget/%s?%s" % (base_url, WIDGET_PATHS[widget], urlencode(query))
