"""The embedded sandbox upstream: Auth server, Accounts API v2.1 and a fake bank portal.

Mounted under `/sandbox` when `SANDBOX` is on. The widget reaches it over HTTP only, exactly as
it would reach the real aggregator (docs/sandbox-api.md is the contract).
"""
import os
import time

import click
from flask import Blueprint, current_app
from flask.cli import AppGroup

from widget import upstream
from widget.sandbox import (
    api_accounts, api_connections, api_providers, api_users, bank, db, db_file, faults, oauth,
)
from widget.sandbox.api import api
from widget.upstream.in_process import INTERNAL_ORIGIN
from widget.views.errors import answer_json_under

AUTH_PREFIX = "/sandbox/auth"
API_PREFIX = "/sandbox/api/v2.1"
# Reached in-process (widget/upstream/in_process.py): no byte leaves the process.
AUTH_BASE_URL = INTERNAL_ORIGIN + AUTH_PREFIX
API_BASE_URL = INTERNAL_ORIGIN + API_PREFIX

# The API's parts are one blueprint, so they share its JSON error handlers.
for _part in (api_users.bp, api_providers.bp, api_connections.bp, api_accounts.bp):
    api.register_blueprint(_part)

assets = Blueprint("sandbox_assets", __name__, static_folder="static")

sandbox_cli = AppGroup("sandbox", help="The embedded sandbox upstream.")


@sandbox_cli.command("init-db")
@click.option("--reset", is_flag=True,
              help="Replace the sandbox database by a freshly seeded one (safe while serving).")
def init_db_command(reset):
    """Create and seed the sandbox database (it is also created on first use)."""
    path = current_app.config["SANDBOX_DATABASE"]
    try:
        if reset:
            db.reset_database(path)
        else:
            db.ensure_database(path)
    except db_file.DatabaseUnusable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Sandbox database ready: {path}")


def init_app(app):
    """Mount the sandbox on `app`: settings, blueprints, fault injection and CLI."""
    config = app.config
    # The other SANDBOX_* settings come from widget/config.py, with their defaults.
    if not config.get("SANDBOX_DATABASE"):
        config["SANDBOX_DATABASE"] = os.path.join(app.instance_path, "sandbox.sqlite3")
    config.setdefault("SANDBOX_CLOCK", time.time)

    app.register_blueprint(oauth.bp, url_prefix=AUTH_PREFIX)
    app.register_blueprint(api, url_prefix=API_PREFIX)
    app.register_blueprint(bank.bp, url_prefix="/sandbox/bank")
    app.register_blueprint(assets, url_prefix="/sandbox")
    app.after_request(db.commit_db)
    app.teardown_appcontext(db.close_db)
    app.register_error_handler(db_file.DatabaseUnusable, db.answer_unusable_database)
    app.cli.add_command(sandbox_cli)
    app.wsgi_app = faults.SandboxFaults(app.wsgi_app, config)
    # The upstream when none is configured; its APIs answer errors in JSON.
    upstream.use_by_default(app, AUTH_BASE_URL, API_BASE_URL)
    answer_json_under(app, "/sandbox/api", AUTH_PREFIX + "/token")
