"""The in-process transport: a requests adapter that answers like an HTTP server would."""
import logging
import threading
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
import requests
from flask import Flask, g, jsonify, redirect, request
from werkzeug.test import EnvironBuilder

from tests.live_server import build_app
from widget.public_url import IN_PROCESS_KEY, PUBLIC_ROOT_KEY
from widget.upstream import in_process
from widget.upstream.in_process import INTERNAL_ORIGIN, CallPool, InProcessAdapter, mount


@pytest.fixture
def tiny():
    """A small app with the answers an upstream gives, and a session routed to it."""
    app = Flask(__name__)
    app.released = threading.Event()
    app.finished = threading.Event()

    @app.route("/echo", methods=["GET", "POST", "PUT"])
    def echo():
        answer = jsonify({
            "method": request.method, "path": request.path, "args": request.args.to_dict(),
            "json": request.get_json(silent=True), "form": request.form.to_dict(),
            "thing": request.headers.get("X-Thing"), "host": request.host,
            "basic": request.authorization.username if request.authorization else None,
            "marker": g.get("marker"), "thread": threading.get_ident(),
            "public_root": request.environ.get(PUBLIC_ROOT_KEY),
        })
        answer.status_code = 201
        answer.headers["X-Answer"] = "yes"
        return answer

    @app.get("/moved")
    def moved():
        return redirect("/echo", code=303)

    @app.get("/slow")
    def slow():
        app.released.wait(10)
        app.finished.set()
        return "late"

    @app.get("/cookies")
    def cookies():
        answer = jsonify({"k": "v"})
        answer.set_cookie("a", "1")
        answer.set_cookie("b", "2")
        return answer

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    http = requests.Session()
    http.mount(INTERNAL_ORIGIN + "/", InProcessAdapter(app))
    yield app, http
    app.released.set()  # never leave a pool thread waiting


def test_status_headers_and_json_body(tiny):
    _, http = tiny
    response = http.put(INTERNAL_ORIGIN + "/echo?a=1&b=%2F", json={"k": "é"},
                        headers={"X-Thing": "t"}, timeout=(1, 5))
    assert response.status_code == 201 and response.reason == "CREATED"
    assert response.headers["X-Answer"] == "yes"
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content)
    body = response.json()
    assert body["method"] == "PUT" and body["path"] == "/echo"
    assert body["args"] == {"a": "1", "b": "/"} and body["json"] == {"k": "é"}
    assert body["thing"] == "t" and body["host"] == "upstream.passerelle.internal"
    assert response.url == INTERNAL_ORIGIN + "/echo?a=1&b=%2F"


def test_form_body_and_basic_auth(tiny):
    _, http = tiny
    response = http.post(INTERNAL_ORIGIN + "/echo", data={"grant_type": "x y"},
                         auth=("demo-client", "secret"), timeout=(1, 5))
    assert response.json()["form"] == {"grant_type": "x y"}
    assert response.json()["basic"] == "demo-client"


def test_redirects_are_answered_not_followed(tiny):
    app, http = tiny
    response = http.get(INTERNAL_ORIGIN + "/moved", allow_redirects=False, timeout=(1, 5))
    assert response.status_code == 303 and response.headers["Location"] == "/echo"
    prepared = requests.Request("GET", INTERNAL_ORIGIN + "/moved").prepare()
    assert InProcessAdapter(app).send(prepared, timeout=(1, 5)).status_code == 303


def test_each_call_has_its_own_context_and_thread(tiny):
    app, http = tiny
    caller = Flask("caller")
    with caller.test_request_context("/widget/x", base_url="https://widget.example"):
        g.marker = "the caller's"
        body = http.get(INTERNAL_ORIGIN + "/echo", timeout=(1, 5)).json()
        assert request.path == "/widget/x" and g.marker == "the caller's"
    assert body["marker"] is None and body["thread"] != threading.get_ident()
    # The caller's public root goes along, for the links a browser follows.
    assert body["public_root"] == "https://widget.example"


def test_a_slow_answer_is_a_read_timeout_and_finishes_later(tiny):
    app, http = tiny
    with pytest.raises(requests.ReadTimeout):
        http.get(INTERNAL_ORIGIN + "/slow", timeout=(1, 0.05))
    assert not app.finished.is_set()  # still running, as on a slow upstream
    app.released.set()
    assert app.finished.wait(10)


def test_no_free_thread_is_a_connect_timeout(tiny, monkeypatch):
    app, http = tiny
    monkeypatch.setattr(in_process, "APP_POOL", CallPool("one-thread", lambda config: 1))
    with pytest.raises(requests.ReadTimeout):
        http.get(INTERNAL_ORIGIN + "/slow", timeout=(1, 0.05))
    with pytest.raises(requests.ConnectTimeout):  # the only thread is still busy
        http.get(INTERNAL_ORIGIN + "/echo", timeout=(0.05, 5))
    app.released.set()
    assert app.finished.wait(10)
    assert http.get(INTERNAL_ORIGIN + "/echo", timeout=(5, 5)).status_code == 201


def test_an_exception_escaping_the_app_is_a_500_and_a_log_line(tiny, caplog):
    app, http = tiny
    app.config["PROPAGATE_EXCEPTIONS"] = True  # the error escapes Flask, as a bug would
    response = http.get(INTERNAL_ORIGIN + "/boom", timeout=(1, 5))
    assert response.status_code == 500
    assert any("in-process call to /boom failed" in r.getMessage() for r in caplog.records
               if r.levelno == logging.ERROR)


def test_without_an_embedded_sandbox_nothing_is_sent(tmp_path):
    http = mount(requests.Session())
    with pytest.raises(requests.ConnectionError):  # no app context at all
        http.get(INTERNAL_ORIGIN + "/sandbox/api/v2.1/providers", timeout=(1, 5))
    app, server = build_app(tmp_path, SANDBOX=False, API_BASE_URL="https://api.example/v2.1",
                            AUTH_BASE_URL="https://auth.example",
                            SESSION_ENCRYPTION_KEYS=[Fernet.generate_key().decode()])
    server.stop()  # never started: nothing goes through a socket here
    with app.app_context(), pytest.raises(requests.ConnectionError):
        http.get(INTERNAL_ORIGIN + "/sandbox/api/v2.1/providers", timeout=(1, 5))


# --- Against the sandbox itself, with its injected faults --------------------------------------
@pytest.fixture
def sandbox(tmp_path):
    app, server = build_app(tmp_path, PUBLIC_BASE_URL=None, SANDBOX_FAULT_TIMEOUT_SECONDS=1)
    server.stop()  # never started: nothing goes through a socket here
    http = mount(requests.Session())
    with app.test_request_context("/", base_url="http://127.0.0.1:5999"):
        yield app, http


def api(path):
    return INTERNAL_ORIGIN + "/sandbox/api/v2.1" + path


def test_sandbox_fault_500(sandbox):
    _, http = sandbox
    response = http.get(api("/providers"), headers={"X-Sandbox-Fault": "500"}, timeout=(1, 5))
    assert response.status_code == 500 and response.json()["error"] == "server_error"
    assert http.get(api("/providers"), timeout=(1, 5)).status_code == 401  # no token: it answers


def test_sandbox_fault_drop_is_a_connection_error(sandbox):
    _, http = sandbox
    with pytest.raises(requests.ConnectionError) as caught:
        http.get(api("/providers"), headers={"X-Sandbox-Fault": "drop"}, timeout=(1, 5))
    assert not isinstance(caught.value, requests.Timeout)


def test_sandbox_fault_timeout_is_a_read_timeout(sandbox):
    _, http = sandbox
    with pytest.raises(requests.ReadTimeout):
        http.get(api("/providers"), headers={"X-Sandbox-Fault": "timeout"}, timeout=(1, 0.05))


def in_process_user(http):
    """A sandbox user's token, asked for in-process as the widget would."""
    client = ("demo-client", "demo-secret")
    created = http.post(INTERNAL_ORIGIN + "/sandbox/auth/token", auth=client, timeout=(1, 5),
                        data={"grant_type": "client_credentials", "scope": "users_create"})
    assert created.status_code == 200  # the Auth server takes the internal origin as secure
    headers = {"Authorization": "Bearer " + created.json()["access_token"]}
    user = {"email": "in-process@sandbox.example", "password": "a-password"}
    assert http.post(api("/users"), json=user, headers=headers, timeout=(1, 5)).status_code == 201
    tokens = http.post(INTERNAL_ORIGIN + "/sandbox/auth/token", auth=client, timeout=(1, 5), data={
        "grant_type": "password", "username": user["email"], "password": user["password"]}).json()
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    version = http.get(api("/terms"), headers=headers, timeout=(1, 5)).json()["version"]
    accepted = http.post(api("/users/me/terms"), json={"version": version}, headers=headers,
                         timeout=(1, 5))
    assert accepted.status_code == 200
    return tokens


def test_the_bank_portal_link_is_on_the_callers_public_root(sandbox):
    _, http = sandbox
    user = in_process_user(http)
    answer = http.post(api("/providers/psd2/channel_definitions/psd2-redirect/authorize_url"),
                       json={"redirect_uri": "http://127.0.0.1:5999/widget/callback"},
                       headers={"Authorization": "Bearer " + user["access_token"]},
                       timeout=(1, 5))
    assert answer.status_code == 200, answer.text
    assert answer.json()["authorize_url"].startswith(
        "http://127.0.0.1:5999/sandbox/bank/authorize?request=")


def test_answers_are_not_compressed_in_process(sandbox):
    _, http = sandbox
    user = in_process_user(http)
    answer = http.get(api("/providers"), params={"limit": 50}, timeout=(1, 5),
                      headers={"Authorization": "Bearer " + user["access_token"],
                               "Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200 and len(answer.content) > 1024  # compressed over HTTP
    assert "Content-Encoding" not in answer.headers and len(answer.json()) == 50


def test_answers_in_process_carry_no_header_meant_for_browsers(sandbox):
    """No browser or proxy reads them: no security headers, no Vary; over HTTP they are there."""
    app, http = sandbox
    in_process = http.get(api("/providers"), timeout=(1, 5))
    over_http = app.test_client().get("/sandbox/api/v2.1/providers")
    assert in_process.status_code == over_http.status_code == 401
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Vary"):
        assert header in over_http.headers and header not in in_process.headers, header


def test_a_header_cannot_set_the_public_root(sandbox):
    app, _ = sandbox
    with app.test_client() as client:
        user = in_process_user(mount(requests.Session()))
        answer = client.post(
            "/sandbox/api/v2.1/providers/psd2/channel_definitions/psd2-redirect/authorize_url",
            json={"redirect_uri": "http://127.0.0.1:5999/widget/callback"},
            headers={"Authorization": "Bearer " + user["access_token"],
                     "Passerelle.Public-Root": "https://attacker.example",
                     "passerelle.public_root": "https://attacker.example"})
    assert answer.status_code == 200
    assert answer.get_json()["authorize_url"].startswith("http://localhost/sandbox/bank/")


def test_the_sandbox_pool_has_a_thread_for_each_server_thread_and_playground_call():
    assert in_process.upstream_threads({"WEB_THREADS": 32}) == 32 + in_process.APP_THREADS
    assert in_process.upstream_threads({}) == 8 + in_process.APP_THREADS


def builder_environ(prepared):
    """What werkzeug's EnvironBuilder makes of a prepared request (the transport's reference)."""
    url = urlsplit(prepared.url)
    builder = EnvironBuilder(
        path=url.path or "/", query_string=url.query, base_url=f"{url.scheme}://{url.netloc}",
        method=prepared.method, headers=list(prepared.headers.items()), data=prepared.body,
        environ_base={"REMOTE_ADDR": "127.0.0.1"})
    try:
        return builder.get_environ()
    finally:
        builder.close()


@pytest.mark.parametrize("method, path, options", [
    ("GET", "/sandbox/api/v2.1/events?after=12&limit=100", {"headers": {"X-Thing": "a"}}),
    ("GET", "/sandbox/api/v2.1/providers/caf%C3%A9%20b?search=%C3%A9+x", {}),
    ("PUT", "/sandbox/api/v2.1/accounts/7", {"json": {"usage": "PRO", "name": "é"}}),
    ("POST", "/sandbox/auth/token", {"data": {"grant_type": "password", "username": "a b"},
                                     "auth": ("demo-client", "s3cret")}),
    ("DELETE", "/sandbox/api/v2.1/connections/3", {}),
])
def test_the_environ_is_the_one_werkzeug_builds(method, path, options):
    prepared = requests.Session().prepare_request(
        requests.Request(method, INTERNAL_ORIGIN + path, **options))
    ours, reference = in_process.wsgi_environ(prepared), builder_environ(prepared)
    assert ours.pop("wsgi.input").read() == reference.pop("wsgi.input").read()
    assert ours.pop("HTTP_ACCEPT_ENCODING") == "identity"
    assert ours.pop(IN_PROCESS_KEY) is True  # its answer reaches no browser
    reference.pop("HTTP_ACCEPT_ENCODING", None)
    assert ours == reference


def test_repeated_headers_are_joined_as_urllib3_joins_them(tiny):
    app, http = tiny
    response = http.get(INTERNAL_ORIGIN + "/cookies", timeout=(1, 5))
    assert response.headers["Set-Cookie"] == "a=1; Path=/, b=2; Path=/"
    assert response.headers["content-type"] == "application/json"
    assert response.encoding == "utf-8" and response.json() == {"k": "v"}
