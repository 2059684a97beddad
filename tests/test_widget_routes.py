"""The widget's routes through Flask's test client, against the live sandbox."""
import re

import pytest

from tests.widget_driver import RETURN, open_widget, returned, text


def test_security_headers_on_widget_pages(client, user):
    _, page = open_widget(client, user)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors http://localhost:* http://127.0.0.1:*" in csp
    assert "HX-Request" in page.headers["Vary"]
    html = text(page)
    assert "<script>" not in html and " style=" not in html  # CSP: no inline script or style
    assert not re.search(r"\son[a-z]+=", html)  # nor inline event handlers
    assert page.headers.get("Set-Cookie") is None  # no step depends on a cookie


def test_full_journey_without_javascript(client, app, new_user, clock):
    w, page = open_widget(client, new_user, state="st-1")
    assert 'data-screen="terms"' in text(page) and "<html" in text(page)
    page = w.post("/widget/terms/accept")
    assert 'data-screen="providers"' in text(page)
    page = w.get("/widget/add_connection/providers", q="en ligne")
    assert "Banque en Ligne" in text(page)
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert 'data-screen="credentials"' in text(page)
    page = w.post("/widget/add_connection/credentials", login="otp", password="pw-otp")
    assert 'data-screen="challenge"' in text(page)
    page = w.post("/widget/add_connection/challenge", answer="123456")
    assert 'data-screen="accounts"' in text(page)
    page = w.post("/widget/add_connection/consent")
    assert 'data-screen="syncing"' in text(page)
    assert 'http-equiv="refresh"' in text(page)  # the no-JavaScript poller
    clock.advance(60)
    done = w.get("/widget/add_connection/wait")
    assert done.status_code == 303
    params = returned(done)
    assert params["result"] == "success" and params["widget"] == "add_connection"
    assert params["state"] == "st-1" and params["connection_id"]


def test_htmx_gets_fragments_and_hx_redirect(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", htmx=True, login="demo", password="pw")
    assert 'data-screen="accounts"' in text(page) and "<html" not in text(page)
    page = w.post("/widget/add_connection/consent", htmx=True)
    assert 'data-screen="syncing"' in text(page)
    def poll():
        return w.client.get("/widget/add_connection/wait", headers={
            "HX-Request": "true", "HX-Trigger": "sync-progress"},
            query_string={"session_id": w.session_id})

    assert poll().status_code == 204  # the sync has no news yet: htmx keeps the screen
    clock.advance(1.5)  # a step of the sandbox's sync (3 s, 3 steps)
    news = poll()
    assert news.status_code == 200 and 'id="sync-detail"' in text(news)
    assert "<section" not in text(news) and "<progress" in text(news)
    assert poll().status_code == 204  # asked less than a second ago: nothing new
    clock.advance(60)
    poll = w.client.get("/widget/add_connection/wait", query_string={"session_id": w.session_id},
                        headers={"HX-Request": "true", "HX-Trigger": "sync-progress"})
    assert poll.status_code == 200 and returned(poll)["result"] == "success"


def test_wrong_password_keeps_login_and_retries(client, user):
    w, _ = open_widget(client, user, provider_id="web")
    page = w.post("/widget/add_connection/credentials", login="demo", password="wrong")
    assert page.status_code == 422
    assert 'value="demo"' in text(page) and "wrong" not in text(page)
    assert 'role="alert"' in text(page)
    page = w.post("/widget/add_connection/credentials", login="demo", password="right-one")
    assert 'data-screen="accounts"' in text(page)


def test_provider_id_nope_is_an_error_return(client, user):
    _, page = open_widget(client, user, provider_id="nope", state="x")
    assert page.status_code == 303
    assert returned(page) == {"result": "error", "widget": "add_connection", "error": "invalid_provider",
                              "error_description": "Cette banque n’est pas connue.", "state": "x"}


def test_english_error_description(client, user):
    _, page = open_widget(client, user, provider_id="nope", locale="en")
    assert returned(page)["error_description"] == "This bank is not known."


def test_bank_down_screen_keeps_the_session(client, user):
    w, _ = open_widget(client, user)
    page = w.post("/widget/add_connection/provider", provider_id="down")
    assert page.status_code == 503 and 'data-screen="provider_down"' in text(page)
    page = w.post("/widget/add_connection/provider", provider_id="down")  # retry
    assert page.status_code == 503
    page = w.post("/widget/add_connection/back")
    assert 'data-screen="providers"' in text(page)
    assert 'data-screen="credentials"' in text(w.post("/widget/add_connection/provider", provider_id="web"))


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_posts_need_the_sessions_csrf_token(client, user, csrf):
    w, _ = open_widget(client, user)
    w.csrf = csrf
    page = w.post("/widget/add_connection/provider", provider_id="web")
    assert page.status_code == 400 and 'data-screen="csrf_error"' in text(page)
    page = w.get("/widget/add_connection")
    assert 'data-screen="providers"' in text(page)  # nothing lost


@pytest.mark.parametrize("session_id", ["", "short", "x" * 43, "../../etc/passwd", "A" * 5000])
def test_unknown_or_malformed_session(client, session_id):
    page = client.get("/widget/add_connection", query_string={"session_id": session_id})
    assert page.status_code == 404 and 'data-screen="session_missing"' in text(page)
    page = client.post("/widget/add_connection/credentials", data={"session_id": session_id})
    assert page.status_code == 404


@pytest.mark.parametrize("query", ["x" * 5000, "%", "Société Générale ", "<script>"])
def test_odd_search_queries(client, user, query):
    w, _ = open_widget(client, user)
    page = w.get("/widget/add_connection/providers", q=query)
    assert page.status_code == 200 and "<script>" not in text(page).replace("&lt;script&gt;", "")


def test_non_utf8_query_string(client, user):
    w, _ = open_widget(client, user)
    page = client.get("/widget/add_connection/providers?session_id=%s&q=%%ff%%fe" % w.session_id)
    assert page.status_code == 200


def test_search_fragment_for_htmx(client, user):
    w, _ = open_widget(client, user)
    page = client.get("/widget/add_connection/providers", query_string={"session_id": w.session_id, "q": "démo"},
                      headers={"HX-Request": "true", "HX-Target": "provider-results"})
    # The results alone, and the new count for the live region that stays on the screen.
    assert text(page).lstrip().startswith('<p id="provider-count" hx-swap-oob="innerHTML">')
    assert '<div id="provider-results">' in text(page) and "Banque Démo" in text(page)
    assert "<html" not in text(page) and "<title>" not in text(page)


def test_cancel_returns_cancelled(client, user):
    w, _ = open_widget(client, user, state="c")
    params = returned(w.post("/widget/cancel"))
    assert params == {"result": "cancelled", "widget": "add_connection", "state": "c"}


def test_failed_sync_is_an_error(client, user, clock):
    w, _ = open_widget(client, user, provider_id="web")
    w.post("/widget/add_connection/credentials", login="fail", password="pw")
    w.post("/widget/add_connection/consent")
    clock.advance(60)
    failed = w.get("/widget/add_connection/wait")
    assert failed.status_code == 200 and 'data-screen="sync_failed"' in text(failed)
    assert "Exit" not in text(failed) and "Quitter" not in text(failed)  # the ending is an error
    params = returned(w.post("/widget/add_connection/failed"))
    assert params["result"] == "error" and params["error"] == "sync_failed" and params["connection_id"]


def test_non_captive_returns_after_the_credentials(client, user):
    w, _ = open_widget(client, user, provider_id="web", captive_mode="false")
    params = returned(w.post("/widget/add_connection/credentials", login="demo", password="pw"))
    assert params["result"] == "success" and params["connection_id"]


def test_double_submission_creates_one_connection(client, user, app):
    w, _ = open_widget(client, user, provider_id="web")
    csrf = w.csrf
    first = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    w.csrf = csrf
    second = w.post("/widget/add_connection/credentials", login="demo", password="pw")
    assert 'data-screen="accounts"' in text(first) and 'data-screen="accounts"' in text(second)
    import requests
    connections = requests.get(app.live_url + "/sandbox/api/v2.1/connections", timeout=10,
                               headers={"Authorization": "Bearer " + user["access_token"]}).json()
    assert len(connections) == 1


def test_english_with_lng(client, user):
    _, page = open_widget(client, user, query={"lng": "en"})
    assert "Choose your bank" in text(page) and '<html lang="en"' in text(page)


def test_french_by_default(client, user):
    _, page = open_widget(client, user)
    assert "Choisissez votre banque" in text(page) and '<html lang="fr"' in text(page)


def test_bad_override_is_an_error_return(client, user):
    _, page = open_widget(client, user, query={"captive_mode": "maybe"})
    assert returned(page)["error"] == "invalid_request"


def test_unregistered_redirect_override_is_refused(client, user):
    _, page = open_widget(client, user, query={"redirect_url": "https://evil.example/"})
    location = page.headers["Location"]
    assert location.startswith(RETURN) and "error=invalid_request" in location


def test_terms_widget_accept_and_refuse(client, new_user):
    w, page = open_widget(client, new_user, widget="terms")
    assert 'data-screen="terms"' in text(page)
    assert returned(w.post("/widget/terms/accept"))["result"] == "success"
    w2, _ = open_widget(client, new_user, widget="terms")
    params = returned(w2.post("/widget/terms/refuse"))
    assert params["result"] == "error" and params["error"] == "terms_refused"


def test_theme_stylesheet(client, user):
    w, page = open_widget(client, user, theme="light", font_color="#123", elements_color="#1a6b3c",
                          font="Open Sans")
    assert "theme.css" in text(page)
    css = client.get("/widget/theme.css", query_string={"session_id": w.session_id})
    assert css.mimetype == "text/css" and "#1a6b3c" in text(css) and "Open Sans" in text(css)
    assert client.get("/widget/theme.css?session_id=nope").status_code == 404


def test_unknown_widget_and_unknown_route(client, user):
    w, _ = open_widget(client, user)
    assert w.get("/widget/nothing").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_exit_after_the_end_does_not_end_twice(client, user):
    w, _ = open_widget(client, user, provider_id="nope")  # ended at once with result=error
    w.csrf = w.client.application.extensions["widget_sessions"].load(w.session_id)["csrf_token"]
    page = w.post("/widget/cancel")
    assert page.status_code == 409 and 'data-screen="stale"' in text(page)
    events = client.get(f"/widget_session/{w.session_id}/events", auth=("demo-client", "demo-secret")).get_json()
    assert "EXIT" not in [e["name"] for e in events]


def test_exit_after_an_ending_at_the_banks_callback_keeps_that_ending(client, user):
    w, _ = open_widget(client, user, provider_id="psd2")
    store = client.application.extensions["widget_sessions"]
    with store.transaction(w.session_id) as data:  # as the callback leaves a bank's refusal
        data["run"].update(step="finishing", ending={"result": "error", "error": "bank_denied",
                                                     "connection_id": None})
    params = returned(w.post("/widget/cancel"))
    assert params["result"] == "error" and params["error"] == "bank_denied"
