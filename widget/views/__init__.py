"""The blueprints, one per concern."""


def register_blueprints(app):
    from widget.views import (
        account_widgets, add_connection, api_contract, errors, health, poll_hints, quiet_polls,
        registry, session_api, user_input, widgets,
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(api_contract.bp)
    app.register_blueprint(session_api.bp)
    app.register_blueprint(widgets.bp)
    app.register_blueprint(add_connection.bp)
    app.register_blueprint(account_widgets.bp)
    app.register_blueprint(user_input.bp)
    registry.init_app(app)
    errors.init_app(app)
    poll_hints.init_app(app)
    quiet_polls.init_app(app)  # around Flask: inside the static files' and the proxy's layers
