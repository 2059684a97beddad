"""Sandbox users: their accounts at the aggregator, with hashed passwords."""
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from widget.sandbox.clock import now
from widget.sandbox.db import get_db


def find_user(user_id):
    return get_db().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def find_user_by_email(email):
    return get_db().execute(
        "SELECT * FROM users WHERE email = ?", (email.strip().lower(),)
    ).fetchone()


def create_user(email, password):
    """The new user's row, or None when the email is taken."""
    db = get_db()
    method = current_app.config["SANDBOX_PASSWORD_HASH_METHOD"]
    cursor = db.execute(
        "INSERT OR IGNORE INTO users (email, password_hash, creation_date) VALUES (?, ?, ?)",
        (email.strip().lower(), generate_password_hash(password, method=method), now()),
    )
    return find_user(cursor.lastrowid) if cursor.rowcount else None


def check_user_password(email, password):
    """The user whose email and password these are, or None."""
    user = find_user_by_email(email)
    if user is not None and check_password_hash(user["password_hash"], password):
        return user
    return None
