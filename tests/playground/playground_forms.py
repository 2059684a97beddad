"""The playground's forms as a browser fills them: the page's CSRF token, the session form."""
import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(response):
    match = CSRF.search(response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


def page_csrf(client):
    return csrf_of(client.get("/"))


def session_form(client, app, **overrides):
    """Every field of the widget session form, as a browser sends it by default."""
    form = {"csrf_token": page_csrf(client), "widget": "add_connection", "connection_id": "",
            "redirect_url": app.live_url + "/playground/return", "state": "state-123",
            "aspsp_callback_uri": "", "locale": "", "provider_id": "",
            "channel_definition_id": "", "captive_mode": "", "select_accounts": "",
            "multiple_channels": "", "select_channel": "", "auto_sync": "", "font": "",
            "font_color": "", "elements_color": "", "theme": "", "send_refresh_token": "on"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}
