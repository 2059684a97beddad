"""The playground: plays the Client (an integrator's app) at `/`, over real HTTP only."""
from flask import Blueprint

bp = Blueprint("playground", __name__)

# Imported for their routes, which attach themselves to `bp`.
from widget.playground import (connections, home, hosts, page_helpers,  # noqa: E402,F401
                               return_page, users)
