"""Passerelle: the bank connection widget service."""
import logging
import os
import secrets
import tempfile

from widget.config import ROOT, Config, settle_settings, settings_from_env
from widget.templating import WidgetApp


def create_app(test_config=None):
    """Build the app: config, session store, i18n, blueprints and, when on, the sandbox.

    Raises `SettingError` (naming the variable) when a setting cannot work.
    """
    settings = {**settings_from_env(), **(test_config or {})}
    app = WidgetApp(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(settings["INSTANCE_PATH"] or os.path.join(ROOT, "instance")),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    app.config.from_object(Config)
    app.config.from_mapping(settings)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    settle_settings(app.config)
    if not app.config["SANDBOX"] and not app.config["REDIS_URL"]:
        logging.getLogger("passerelle").warning(
            "REDIS_URL is not set: widget sessions are kept on this machine's disk, so a second "
            "instance (or a restart on a platform with an ephemeral disk) loses them")
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    from widget import (bank_list, compression, fixed_urls, i18n, json_bodies, logs,
                        provider_results, security, store_setup)

    compression.init_app(app)
    json_bodies.init_app(app)
    logs.init_app(app)
    store_setup.init_app(app)
    i18n.init_app(app)
    bank_list.init_app(app)
    provider_results.init_app(app)
    fixed_urls.init_app(app)
    security.init_app(app)

    if app.config["SANDBOX"]:
        from widget import sandbox

        sandbox.init_app(app)

    from widget.clients import init_app as init_clients

    init_clients(app)

    from widget.webhooks import outbox

    outbox.init_app(app)  # after the store and the clients: it hands the one to the other

    from widget.views import register_blueprints

    register_blueprints(app)
    if app.config["SANDBOX"]:
        from widget import playground

        playground.init_app(app)  # plays the Client against the sandbox

    from widget import limits

    limits.init_app(app)  # after the blueprints: it puts the limits on their views

    from widget import assets

    assets.init_app(app)  # after the blueprints: it serves the static folders they declared
    security.trust_proxies(app)  # outermost
    return app


def _instance_secret_key(instance_path):
    """A key kept in the instance folder, so a restart does not void live sessions.

    Workers start together: the key is written whole to a file of its own, then linked into
    place, which fails if another worker got there first; then theirs is used. Nobody ever
    reads a file that exists but is still empty.
    """
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    except FileNotFoundError:
        pass
    fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)
    return _instance_secret_key(instance_path)
