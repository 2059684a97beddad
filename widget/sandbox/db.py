"""SQLite storage: a transaction per request on its thread's connection, creation on first use
(schema.py, upgrades.py)."""
import logging

from flask import current_app, g, has_request_context, jsonify, request

from widget.sandbox import db_file, thread_connections
from widget.sandbox.upgrades import SCHEMA_VERSION, create_schema, upgrade_schema


def connect(path):
    """A connection in autocommit mode to the existing database (see db_file)."""
    return db_file.connect(path)


def ensure_database(path):
    """Create and seed the database once, whole; safe when several processes start at once."""
    db_file.ensure(path, SCHEMA_VERSION, create_schema, upgrade_schema)


def reset_database(path):
    """Replace the database by a freshly seeded one; safe while the server runs."""
    db_file.reset(path, SCHEMA_VERSION, create_schema)


def get_db():
    """This request's connection, inside one transaction ended with the request: a write one,
    or for a GET of the Accounts API a read-only one (`db_for_writing` upgrades it).

    The thread's kept connection (thread_connections.py): the file is checked to be the one it
    opened, and built again only when missing, not at every request.
    """
    if "sandbox_db" not in g:
        g.sandbox_writes = not _reads_only()
        g.sandbox_db = thread_connections.begin(current_app.config["SANDBOX_DATABASE"],
                                                ensure_database, write=g.sandbox_writes)
    return g.sandbox_db


def _reads_only():
    """A GET of the Accounts API (without an Idempotency-Key): it reads, unless progress is due
    (api.token_required then asks `db_for_writing`). Polls are such calls: most find nothing due,
    and need not wait for the write lock of every other sandbox request."""
    return (has_request_context() and request.method in ("GET", "HEAD")
            and "sandbox_api" in request.blueprints and "Idempotency-Key" not in request.headers)


def db_for_writing():
    """This request's connection, inside a write transaction (a read-only one is upgraded)."""
    connection = get_db()
    if not g.sandbox_writes:
        thread_connections.upgrade(connection)
        g.sandbox_writes = True
    return connection


def commit_db(response):
    """Commit what the request did once it has an answer, unless that answer is a 500.

    Error answers below 500 commit too: a refused password still queues AUTH_FAILED. A 500
    (even one an app-wide error handler turned into a response) leaves nothing half-written.
    """
    connection = g.get("sandbox_db")
    if connection is not None and connection.in_transaction and response.status_code < 500:
        connection.execute("COMMIT")
    return response


def close_db(exc=None):
    """Roll back whatever was not committed; the thread keeps the connection for its next."""
    connection = g.pop("sandbox_db", None)
    if connection is not None:
        thread_connections.end(connection)


_reported = set()


def answer_unusable_database(error):
    """A corrupt database answers 503 JSON, and the log says once per process how to reset it."""
    if str(error) not in _reported:
        _reported.add(str(error))
        logging.getLogger("passerelle.sandbox").error("%s", error)
    body = {"error": "sandbox_unavailable",
            "error_description": "The sandbox database is unusable; the server log says why."}
    return jsonify(body), 503
