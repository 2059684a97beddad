"""The app's Jinja environment: every template reads the environment's globals themselves.

Jinja gives each template a ChainMap of its own globals over the environment's, copies it key by
key into a new dict at every render and lists it again for every include: with the 29 globals
the widget's templates have, that was 4 % of a provider search's time under load (py-spy).
No template here has globals of its own (Flask renders by name, and Jinja's compiled includes
and imports pass none), so a template's globals are the environment's dict, copied at C speed,
and a global added later still reaches every template. Extra globals for one template (which
Jinja would add to a template it had loaded before, here to every template) are refused.
"""
from typing import Any

from flask import Flask
from flask.templating import Environment


NO_OWN_GLOBALS = "templates share the environment's globals: none of their own"


class SharedGlobalsEnvironment(Environment):
    def make_globals(self, d: Any = None) -> Any:
        if d:
            raise ValueError(NO_OWN_GLOBALS)
        return self.globals

    def _load_template(self, name: Any, globals: Any) -> Any:
        if globals:  # Jinja would add them to a cached template's globals: here, everyone's
            raise ValueError(NO_OWN_GLOBALS)
        return super()._load_template(name, globals)


class WidgetApp(Flask):
    """Flask, with the environment above."""

    jinja_environment = SharedGlobalsEnvironment
