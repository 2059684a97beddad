"""The connection state machine: authentication, challenges and syncs, advanced on read.

Nothing runs in the background. Each transition is stored with the moment it happened, and
`advance` replays what elapsed time has brought since the last read (an app validation
approved, a challenge expired, a sync step reached, a sync finished), queueing each event
once. Every caller holds the request's write transaction, so two processes never replay the
same moment twice.
"""
from flask import current_app

from widget.sandbox import bank_records, events, sync_timeline
from widget.sandbox.scenarios import APP_VALIDATION, is_right_answer, scenario_named
from widget.sandbox.sync_timeline import channel_rows, connection_row, set_channel_status

CHALLENGE_LIFETIME_SECONDS = 600
MAX_CHALLENGE_TRIES = 3
# A channel in one of these states cannot be synchronised until the user acts.
BLOCKING_STATUSES = ("CHALLENGE_REQUIRED", "USER_ACTION_REQUIRED", "TOKEN_EXPIRED",
                     "PASSWORD_CHANGE_REQUIRED", "AUTH_FAILED")


def open_connection(db, user_id, provider_id, at):
    """A new connection, with no channel yet."""
    cursor = db.execute(
        "INSERT INTO connections (user_id, provider_id, creation_date) VALUES (?, ?, ?)",
        (user_id, provider_id, at),
    )
    events.record(db, user_id, "CONNECTION_CREATED", at, cursor.lastrowid,
                  data={"provider_id": provider_id})
    return cursor.lastrowid


def add_channel(db, connection_id, definition, login, at):
    """Attach a channel whose credentials the bank accepted, then play its scenario."""
    cursor = db.execute(
        "INSERT INTO channels (connection_id, channel_definition_id, mode, login, scenario, status)"
        " VALUES (?, ?, ?, ?, ?, 'NONE')",
        (connection_id, definition["id"], definition["mode"],
         login if definition["mode"] == "EMBEDDED" else None, scenario_named(login).name),
    )
    _authenticate(db, cursor.lastrowid, at)
    return cursor.lastrowid


def renew_channel(db, channel, login, at):
    """New credentials for a channel (the 90-day renewal): its scenario starts again."""
    connection = connection_row(db, channel["connection_id"])
    if connection["sync_status"] == "RUNNING":
        sync_timeline.finish(db, connection, at, error="credentials_renewed")
    db.execute(
        "UPDATE challenges SET status = 'EXPIRED' WHERE channel_id = ? AND status = 'PENDING'",
        (channel["id"],),
    )
    db.execute(
        "UPDATE channels SET login = ?, scenario = ? WHERE id = ?",
        (login if channel["mode"] == "EMBEDDED" else None, scenario_named(login).name,
         channel["id"]),
    )
    _authenticate(db, channel["id"], at)


def sync_blocker(db, connection_id):
    """The status of a channel that forbids a sync, or None."""
    row = db.execute(
        f"SELECT status FROM channels WHERE connection_id = ? AND status IN"
        f" ({','.join('?' * len(BLOCKING_STATUSES))})",
        (connection_id, *BLOCKING_STATUSES),
    ).fetchone()
    return row["status"] if row else None


def start_sync(db, connection_id, at):
    """Start a sync; challenge scenarios first ask again when their last approval is old."""
    if connection_row(db, connection_id)["sync_status"] == "RUNNING":
        return  # asking twice does not start a second one
    sync_timeline.request_sync(db, connection_id, at)
    connection = connection_row(db, connection_id)
    validity = current_app.config["SANDBOX_SCA_VALIDITY"]
    waiting = False
    for channel in channel_rows(db, connection_id):
        last_sca = channel["last_sca_at"]
        if scenario_named(channel["scenario"]).challenge and (
                last_sca is None or at - last_sca > validity):
            _issue_challenge(db, connection, channel, "SYNC", at)
            waiting = True
    if not waiting:
        sync_timeline.begin_transfer(db, connection_id, at)


def answer_challenge(db, challenge, answer, at):
    """True when the answer is right; the third wrong answer fails the challenge."""
    if is_right_answer(challenge["type"], answer):
        _approve(db, challenge, at)
        return True
    tries = challenge["tries"] + 1
    db.execute("UPDATE challenges SET tries = ? WHERE id = ?", (tries, challenge["id"]))
    if tries >= MAX_CHALLENGE_TRIES:
        _fail(db, challenge, "FAILED", "challenge_failed", at)
    return False


# The connections waiting on time that have something due by :at, as `advance` decides it: a
# step of a started sync, or a pending challenge approved in the bank's app or expired.
DUE = """SELECT id FROM connections WHERE user_id = :user
  AND (sync_status = 'RUNNING'
       OR id IN (SELECT connection_id FROM channels WHERE status = 'CHALLENGE_REQUIRED'))
  AND ((sync_status = 'RUNNING' AND sync_started_at IS NOT NULL
        AND (sync_step >= :steps
             OR sync_started_at + sync_duration * (sync_step + 1) / :steps <= :at))
       OR EXISTS (SELECT 1 FROM challenges JOIN channels ON channels.id = challenges.channel_id
                  WHERE channels.connection_id = connections.id
                    AND challenges.status = 'PENDING'
                    AND (:at >= challenges.expires_at
                         OR (challenges.type = :app AND challenges.issued_at + :delay
                             <= MIN(:at, challenges.expires_at)))))"""


def advance_user(db, user_id, at, for_writing=None):
    """Bring every connection of the user that is waiting on time up to `at`.

    Only those with something due are read: every call of the user's does this, and a user
    with hundreds of syncs running (the benchmark's waiting users) paid for each on each call.
    `db` may be read-only: then `for_writing()` gives it in a write transaction, when something
    is due (what is due is then read again, under the write lock).
    """
    rows = _due(db, user_id, at)
    if rows and for_writing is not None:
        db = for_writing()
        rows = _due(db, user_id, at)
    for row in rows:
        advance(db, row["id"], at)


def _due(db, user_id, at):
    return db.execute(DUE, {
        "user": user_id, "at": at, "steps": float(sync_timeline.STEPS_TOTAL),
        "app": APP_VALIDATION, "delay": current_app.config["SANDBOX_APP_VALIDATION_DELAY"],
    }).fetchall()


def advance(db, connection_id, at):
    """Replay what happened to this connection between its last read and `at`."""
    delay = current_app.config["SANDBOX_APP_VALIDATION_DELAY"]
    for challenge in db.execute(
        "SELECT challenges.* FROM challenges JOIN channels ON channels.id = channel_id"
        " WHERE connection_id = ? AND challenges.status = 'PENDING' ORDER BY issued_at, id",
        (connection_id,),
    ).fetchall():
        approved_at = challenge["issued_at"] + delay
        if challenge["type"] == APP_VALIDATION and approved_at <= min(at, challenge["expires_at"]):
            _approve(db, challenge, approved_at)
        elif at >= challenge["expires_at"]:
            _fail(db, challenge, "EXPIRED", "challenge_expired", challenge["expires_at"])
    connection = connection_row(db, connection_id)
    if connection["sync_status"] == "RUNNING" and connection["sync_started_at"] is not None:
        sync_timeline.progress(db, connection, at)


def _authenticate(db, channel_id, at):
    channel = db.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
    connection = connection_row(db, channel["connection_id"])
    scenario = scenario_named(channel["scenario"])
    if scenario.locked:
        set_channel_status(db, channel_id, "USER_ACTION_REQUIRED")
        events.record(db, connection["user_id"], "USER_ACTION_REQUIRED", at, connection["id"],
                      channel_id, {"reason": "action_required_at_bank"})
    elif scenario.challenge:
        _issue_challenge(db, connection, channel, "AUTH", at)
    else:
        _channel_ready(db, connection, channel, at)


def _channel_ready(db, connection, channel, at):
    """Strongly authenticated now: the channel's accounts are found at once."""
    db.execute("UPDATE channels SET status = 'SUCCESS', last_sca_at = ? WHERE id = ?",
               (at, channel["id"]))
    bank_records.open_accounts(db, connection, channel, at)


def _issue_challenge(db, connection, channel, purpose, at):
    """Ask the user for a challenge; `purpose` AUTH opens the channel, SYNC lets a sync in."""
    challenge_type = scenario_named(channel["scenario"]).challenge
    cursor = db.execute(
        "INSERT INTO challenges (channel_id, type, purpose, status, issued_at, expires_at)"
        " VALUES (?, ?, ?, 'PENDING', ?, ?)",
        (channel["id"], challenge_type, purpose, at, at + CHALLENGE_LIFETIME_SECONDS),
    )
    set_channel_status(db, channel["id"], "CHALLENGE_REQUIRED")
    events.record(db, connection["user_id"], "CHALLENGE_REQUIRED", at, connection["id"],
                  channel["id"], {"challenge_id": str(cursor.lastrowid), "type": challenge_type})


def _approve(db, challenge, at):
    db.execute("UPDATE challenges SET status = 'APPROVED' WHERE id = ?", (challenge["id"],))
    channel = db.execute("SELECT * FROM channels WHERE id = ?",
                         (challenge["channel_id"],)).fetchone()
    connection = connection_row(db, channel["connection_id"])
    events.record(db, connection["user_id"], "CHALLENGE_APPROVED", at, connection["id"],
                  channel["id"], {"challenge_id": str(challenge["id"])},
                  key=f"challenge:{challenge['id']}:approved")
    if challenge["purpose"] == "AUTH":
        _channel_ready(db, connection, channel, at)
        return
    db.execute("UPDATE channels SET status = 'SUCCESS', last_sca_at = ? WHERE id = ?",
               (at, channel["id"]))
    if sync_timeline.is_waiting_for_sca(connection) and not sync_blocker(db, connection["id"]):
        sync_timeline.begin_transfer(db, connection["id"], at)


def _fail(db, challenge, status, error, at):
    db.execute("UPDATE challenges SET status = ? WHERE id = ?", (status, challenge["id"]))
    set_channel_status(db, challenge["channel_id"], "AUTH_FAILED")
    channel = db.execute("SELECT * FROM channels WHERE id = ?",
                         (challenge["channel_id"],)).fetchone()
    connection = connection_row(db, channel["connection_id"])
    events.record(db, connection["user_id"], "AUTH_FAILED", at, connection["id"], channel["id"],
                  {"error": error, "challenge_id": str(challenge["id"])},
                  key=f"challenge:{challenge['id']}:{status}")
    if challenge["purpose"] == "SYNC" and connection["sync_status"] == "RUNNING":
        sync_timeline.finish(db, connection, at, error=error)
