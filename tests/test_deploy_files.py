"""The deploy files parse, agree with the Procfile and name only documented settings.

No container engine or PaaS runs here: these read the files the way the platforms do.
"""
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# Top-level keys each platform's manifest schema knows (Scalingo rejects any other).
HEROKU_KEYS = {"name", "description", "keywords", "website", "repository", "logo", "success_url",
               "scripts", "env", "formation", "image", "addons", "buildpacks", "environments",
               "stack"}
SCALINGO_KEYS = {"$schema", "name", "description", "website", "logo", "repository", "ref", "stack",
                 "copy_parent_database_urls", "formation", "env", "scripts", "addons"}


def procfile_web_command():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("web:"))


def dockerfile():
    """[(INSTRUCTION, arguments)], continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(" ", 1)[0].upper(), line.split(" ", 1)[1].strip())
            for line in lines if line and not line.startswith("#")]


def documented_settings():
    """The `NAME`s in the first column of the README's settings table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Settings", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("|")]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cell)}


def manifest(name):
    text = (ROOT / name).read_text()
    return yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)


def render_web_service():
    return next(s for s in manifest("render.yaml")["services"] if s["type"] == "web")


def test_python_version_is_the_one_the_tests_run_on():
    assert (ROOT / ".python-version").read_text().strip() == PYTHON
    makefile = (ROOT / "Makefile").read_text()
    assert re.findall(r"--python-version (\S+)", makefile) == [PYTHON], "the locks' target"


def test_dockerfile_builds_on_slim_python_and_runs_as_someone_else_than_root():
    instructions = dockerfile()
    images = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(images) == 1
    assert re.fullmatch(rf"python:{re.escape(PYTHON)}(\.\d+)?-slim(-\w+)?(@sha256:\w+)?",
                        images[0]), images[0]
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    runs = " && ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "pip install -r requirements.txt" in runs, "the image installs the lock"


def test_dockerfile_runs_exactly_the_procfile_command_under_bash():
    instructions = dict(dockerfile())  # the last of each instruction, as Docker uses it
    assert instructions["CMD"] == procfile_web_command()
    # Shell form: bash expands ${PORT:-5000} as the PaaS do, and execs gunicorn, which then
    # gets docker stop's SIGTERM (Debian's /bin/sh, dash, would stay in between).
    assert json.loads(instructions["SHELL"]) == ["/bin/bash", "-c"]


def test_dockerfile_exposes_its_port_and_checks_healthz():
    instructions = dockerfile()
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    port = re.search(r"\bPORT=(\d+)", env)[1]
    assert [args for keyword, args in instructions if keyword == "EXPOSE"] == [port]
    healthcheck = dict(instructions)["HEALTHCHECK"]
    command = json.loads(healthcheck.split("CMD", 1)[1])
    assert command[0] == "python" and "/healthz" in command[-1]  # slim has no curl


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    # instance/ holds a generated secret key, sessions and the sandbox's database.
    for path in ("instance", ".venv", ".git"):
        assert path in ignored


def test_app_json_is_a_heroku_manifest():
    app = manifest("app.json")
    assert set(app) <= HEROKU_KEYS
    assert len(app["name"]) <= 30
    assert {"url": "heroku/python"} in app["buildpacks"]
    assert app["env"]["SECRET_KEY"] == {**app["env"]["SECRET_KEY"], "generator": "secret"}
    assert app["env"]["PUBLIC_BASE_URL"]["required"] is True
    for entry in app["env"].values():
        assert set(entry) <= {"description", "value", "required", "generator"}
        assert isinstance(entry.get("value", ""), str)
    plans = [a["plan"] if isinstance(a, dict) else a for a in app["addons"]]
    assert any(plan.split(":")[0] == "heroku-redis" for plan in plans)
    assert app["formation"]["web"]["quantity"] >= 1


def test_scalingo_json_follows_scalingo_s_strict_schema():
    app = manifest("scalingo.json")  # Scalingo reads it before app.json
    assert set(app) <= SCALINGO_KEYS
    for entry in app["env"].values():
        assert set(entry) <= {"description", "value", "generator", "template", "required"}
        assert ("value" in entry) != ("generator" in entry)
        assert entry.get("generator", "secret") in {"secret", "url", "template"}
    assert app["env"]["SECRET_KEY"]["generator"] == "secret"
    assert app["env"]["PUBLIC_BASE_URL"]["generator"] == "url"  # the app's own URL
    assert [a["plan"].split(":")[0] for a in app["addons"]] == ["redis"]
    assert app["formation"]["web"]["amount"] >= 1
    assert app["formation"]["web"]["size"] in {"S", "M", "L", "XL", "2XL"}


def test_render_blueprint_runs_the_procfile_command_with_its_own_key_value():
    services = manifest("render.yaml")["services"]
    web = render_web_service()
    assert web["runtime"] == "python"
    assert web["buildCommand"] == "pip install -r requirements.txt"
    assert web["startCommand"] == procfile_web_command()
    assert web["healthCheckPath"] == "/readyz"
    env = {var["key"]: var for var in web["envVars"]}
    assert env["SECRET_KEY"]["generateValue"] is True
    source = env["REDIS_URL"]["fromService"]
    assert source["type"] == "keyvalue" and source["property"] == "connectionString"
    store = next(s for s in services if s["type"] == "keyvalue" and s["name"] == source["name"])
    assert "ipAllowList" in store  # required by Render for Key Value
    assert store.get("region") == web.get("region"), "a private connection needs one region"


@pytest.mark.parametrize("name", ["app.json", "scalingo.json", "render.yaml"])
def test_manifests_set_only_documented_settings(name):
    if name == "render.yaml":
        variables = {var["key"] for var in render_web_service()["envVars"]}
    else:
        variables = set(manifest(name)["env"])
    assert variables <= documented_settings(), "add them to README.md's settings table"


def test_health_check_paths_named_by_the_deploy_files_are_routes_of_the_app(tmp_path):
    from widget import create_app

    rules = {rule.rule for rule in create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                                               "SECRET_KEY": "t"}).url_map.iter_rules()}
    healthcheck = dict(dockerfile())["HEALTHCHECK"]
    named = set(re.findall(r"/(?:healthz|readyz)\b", healthcheck))
    named.add(render_web_service()["healthCheckPath"])
    assert named and named <= rules, named - rules


def procfile_worker_command():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("worker:"))


def test_every_manifest_runs_the_procfile_s_webhook_worker():
    assert procfile_worker_command() == "python -m widget.webhooks.worker"
    assert manifest("app.json")["formation"]["worker"]["quantity"] >= 1
    assert manifest("scalingo.json")["formation"]["worker"]["amount"] >= 1
    worker = next(s for s in manifest("render.yaml")["services"] if s["type"] == "worker")
    assert worker["startCommand"] == procfile_worker_command()
    assert worker["buildCommand"] == render_web_service()["buildCommand"]
    web_keys = {var["key"] for var in render_web_service()["envVars"]}
    assert {var["key"] for var in worker["envVars"]} == web_keys - {"TRUSTED_PROXIES"}
