"""Health checks for a platform's router and orchestrator: JSON, no secrets, never rate limited."""
from flask import Blueprint, jsonify

from widget.readiness import readiness_checks

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers (no I/O)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Readiness: the session store and the Auth server answer; 503 naming what fails."""
    checks = readiness_checks()
    failing = sorted(name for name, ok in checks.items() if not ok)
    body = {"status": "unavailable" if failing else "ok",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()}}
    if failing:
        body["failing"] = failing
    return jsonify(body), 503 if failing else 200
