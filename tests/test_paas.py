"""The PaaS path: a fresh copy of the tree, `pip install -r requirements.txt` and the Procfile's
web line, nothing else (no make, no compile step), as a buildpack deploys it."""
import html
import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from tests.client_backend import CLIENT, sandbox_user
from tests.procfile_server import (CLEAN_ENV, ROOT, VENV_BIN, ProcfileServer, fresh_copy,
                                   run_command, web_command)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The Procfile's command serving a fresh copy of the tree, with its embedded sandbox."""
    tree = fresh_copy(str(tmp_path_factory.mktemp("clone")))
    with ProcfileServer(tree, SANDBOX_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000") as server:
        yield server


def widget_link(server, **options):
    user = sandbox_user(SimpleNamespace(live_url=server.url), accept_terms=True)
    created = requests.post(server.url + "/widget_session", auth=CLIENT, timeout=10, data={
        "access_token": user["access_token"], "refresh_token": user["refresh_token"], **options})
    assert created.status_code == 201, created.text
    return created.json()["_links"]["add_connection"]


def test_a_fresh_copy_has_no_compiled_build_output_but_the_catalogues(deployed):
    """Nothing here may come from `make`: the catalogues the app reads are in the tree itself."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    assert "translations/fr/LC_MESSAGES/messages.mo" in listed
    assert not any(name.startswith(("instance/", ".venv/")) for name in listed)


def test_the_widget_speaks_french_by_default(deployed):
    page = requests.get(widget_link(deployed), timeout=10)
    assert page.status_code == 200
    assert '<html lang="fr"' in page.text
    assert "Choisissez votre banque" in page.text
    assert "Choose your bank" not in page.text


def test_the_widget_speaks_english_with_lng_en(deployed):
    page = requests.get(widget_link(deployed, lng="en"), timeout=10)
    assert '<html lang="en"' in page.text
    assert "Choose your bank" in page.text


def test_the_server_is_gunicorn_not_flask_development_server(deployed):
    assert web_command().startswith("gunicorn ")
    assert "development server" not in deployed.log().lower()
    assert requests.get(deployed.url + "/healthz", timeout=5).json() == {"status": "ok"}


def test_the_procfile_command_listens_on_port_on_every_interface(tmp_path):
    """What the platform's router needs. (The other tests hand gunicorn a socket of their own.)"""
    env = {k: v for k, v in CLEAN_ENV.items() if k != "GUNICORN_CMD_ARGS"}
    env.update(PATH=VENV_BIN + os.pathsep + env.get("PATH", ""), PORT="8123",
               INSTANCE_PATH=str(tmp_path))
    printed = subprocess.run(["sh", "-c", "exec " + web_command() + " --print-config"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=60, check=True)
    assert re.search(r"^bind\s*= \['0\.0\.0\.0:8123'\]$", printed.stdout, re.M), printed.stdout


def test_make_run_runs_the_procfile_command():
    recipe = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    assert "Procfile" in recipe
    assert "flask" not in recipe.replace("Flask", "")  # no `flask run`: its development server


@pytest.mark.parametrize("env, named", [
    ({"WIDGET_CLIENTS": "{not json"}, "WIDGET_CLIENTS"),
    ({"PORT": "http"}, "PORT"),
    ({"SANDBOX": "0", "API_BASE_URL": "https://api.example.com",
      "AUTH_BASE_URL": "https://auth.example.com"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "widget.example.com"}, "PUBLIC_BASE_URL"),
    ({"SANDBOX_PROVIDER_STATUS": "12:BROKEN"}, "SANDBOX_PROVIDER_STATUS"),
])
def test_a_bad_setting_stops_the_command_with_one_line_naming_it(tmp_path, env, named):
    finished = run_command(INSTANCE_PATH=str(tmp_path), **env)
    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith("passerelle: bad setting " + named + ":")
    assert "Traceback" not in finished.stderr + finished.stdout


def test_the_playground_and_bank_links_use_the_public_address_not_the_internal_one(deployed):
    """Every link the browser follows is on the address it used, whatever the transport does."""
    page = requests.get(deployed.url + "/", timeout=10)
    assert page.status_code == 200
    for url in re.findall(r'(?:href|action|src)="([^"]+)"', page.text):
        url = html.unescape(url)
        assert url.startswith(("/", "#", deployed.url, "http://localhost", "https://")), url


def test_the_procfile_server_keeps_no_token_in_clear_and_logs_no_session_id(deployed):
    """Its session files hold no token nor the client secret; its log (gunicorn's error log,
    our JSON event lines) holds no session id, errors included."""
    user = sandbox_user(SimpleNamespace(live_url=deployed.url), accept_terms=True)
    created = requests.post(deployed.url + "/widget_session", auth=CLIENT, timeout=10, data={
        "access_token": user["access_token"], "refresh_token": user["refresh_token"]})
    session_id = created.json()["session_id"]
    page = requests.get(created.json()["_links"]["add_connection"], timeout=10)
    assert page.status_code == 200
    requests.post(deployed.url + "/widget/add_connection/credentials", timeout=10,
                  data={"session_id": session_id, "csrf_token": "wrong"})  # refused
    requests.get(f"{deployed.url}/widget_session/{session_id}/events", auth=CLIENT, timeout=10)
    sessions = os.path.join(deployed.cwd, "instance", "sessions")
    contents = [Path(root, name).read_bytes() for root, _, names in os.walk(sessions)
                for name in names]
    assert contents, "no session file found"
    for secret in (user["access_token"], user["refresh_token"], "demo-secret"):
        assert not [content for content in contents if secret.encode() in content], secret
    assert '"name": "OPEN"' in deployed.log()  # the event lines are in this log
    assert session_id not in deployed.log()


def test_the_api_contract_is_served_from_a_fresh_copy(deployed):
    """docs/openapi.yaml ships with the tree and is read with what requirements.txt installs."""
    contract = requests.get(deployed.url + "/openapi.json", timeout=10)
    assert contract.status_code == 200
    assert contract.json()["openapi"].startswith("3.1.")
