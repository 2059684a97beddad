"""A sync along the clock: its start, its steps and its end, each stored once reached."""
from flask import current_app

from widget.sandbox import bank_records, events
from widget.sandbox.scenarios import scenario_named

STEPS_TOTAL = 3


def connection_row(db, connection_id):
    return db.execute("SELECT * FROM connections WHERE id = ?", (connection_id,)).fetchone()


def channel_rows(db, connection_id, status=None):
    query = "SELECT * FROM channels WHERE connection_id = ?"
    if status is not None:
        return db.execute(query + " AND status = ? ORDER BY id", (connection_id, status)).fetchall()
    return db.execute(query + " ORDER BY id", (connection_id,)).fetchall()


def set_channel_status(db, channel_id, status):
    db.execute("UPDATE channels SET status = ? WHERE id = ?", (status, channel_id))


def is_waiting_for_sca(connection):
    """A sync asked for but held until its challenges are approved."""
    return connection["sync_status"] == "RUNNING" and connection["sync_started_at"] is None


def request_sync(db, connection_id, at):
    """Record a new sync as RUNNING; it moves once `begin_transfer` is called."""
    config = current_app.config
    duration = max(
        config["SANDBOX_SLOW_SYNC_SECONDS"] if scenario_named(channel["scenario"]).slow_sync
        else config["SANDBOX_SYNC_SECONDS"] for channel in channel_rows(db, connection_id)
    )
    db.execute(
        "UPDATE connections SET sync_seq = sync_seq + 1, sync_status = 'RUNNING',"
        " sync_requested_at = ?, sync_started_at = NULL, sync_duration = ?, sync_step = 0,"
        " sync_accounts_retrieved = 0, sync_finished_at = NULL, sync_error = NULL WHERE id = ?",
        (at, duration, connection_id),
    )


def begin_transfer(db, connection_id, at):
    """The bank lets the sync in: from here its steps follow the clock."""
    db.execute("UPDATE connections SET sync_started_at = ? WHERE id = ?", (at, connection_id))
    db.execute("UPDATE channels SET status = 'RUNNING' WHERE connection_id = ? AND status ="
               " 'SUCCESS'", (connection_id,))
    connection = connection_row(db, connection_id)
    events.record(db, connection["user_id"], "SYNC_STARTED", at, connection_id,
                  data={"steps_total": STEPS_TOTAL},
                  key=f"sync:{connection_id}:{connection['sync_seq']}:started")
    progress(db, connection, at)


def progress(db, connection, at):
    """Record every step reached by `at`, then the end if it has come."""
    started, duration = connection["sync_started_at"], connection["sync_duration"]
    consented = db.execute("SELECT COUNT(*) FROM accounts WHERE connection_id = ? AND status ="
                           " 'ACTIVE'", (connection["id"],)).fetchone()[0]
    step = connection["sync_step"]
    while step < STEPS_TOTAL and started + duration * (step + 1) / STEPS_TOTAL <= at:
        step += 1
        retrieved = consented * step // STEPS_TOTAL
        db.execute("UPDATE connections SET sync_step = ?, sync_accounts_retrieved = ? WHERE"
                   " id = ?", (step, retrieved, connection["id"]))
        events.record(db, connection["user_id"], "SYNC_PROGRESS",
                      started + duration * step / STEPS_TOTAL, connection["id"],
                      data={"step": step, "steps_total": STEPS_TOTAL,
                            "accounts_retrieved": retrieved},
                      key=f"sync:{connection['id']}:{connection['sync_seq']}:step:{step}")
    if step == STEPS_TOTAL:
        finish(db, connection_row(db, connection["id"]), started + duration)


def finish(db, connection, at, error=None):
    """End the sync: FAILED with `error` (or the scenario's bank error), else SUCCESS."""
    connection_id, user_id = connection["id"], connection["user_id"]
    key = f"sync:{connection_id}:{connection['sync_seq']}:finished"
    running = channel_rows(db, connection_id, status="RUNNING")
    if error is None and any(scenario_named(c["scenario"]).sync_fails for c in running):
        error = "bank_error"
    if error is not None:
        db.execute("UPDATE connections SET sync_status = 'FAILED', sync_error = ?,"
                   " sync_finished_at = ? WHERE id = ?", (error, at, connection_id))
        _settle_running_channels(db, connection_id)
        events.record(db, user_id, "SYNC_FAILED", at, connection_id, data={"error": error},
                      key=key)
        return
    db.execute("UPDATE connections SET sync_status = 'SUCCESS', sync_finished_at = ?,"
               " last_sync_date = ? WHERE id = ?", (at, at, connection_id))
    for channel in running:
        bank_records.record_transactions(db, channel["id"], at)
        if scenario_named(channel["scenario"]).token_expires_after_sync:
            set_channel_status(db, channel["id"], "TOKEN_EXPIRED")
            events.record(db, user_id, "TOKEN_EXPIRED", at, connection_id, channel["id"],
                          key=f"{key}:expired:{channel['id']}")
    _settle_running_channels(db, connection_id)
    events.record(db, user_id, "SYNC_SUCCESS", at, connection_id,
                  data={"accounts_retrieved": connection["sync_accounts_retrieved"]}, key=key)


def _settle_running_channels(db, connection_id):
    db.execute("UPDATE channels SET status = 'SUCCESS' WHERE connection_id = ? AND status ="
               " 'RUNNING'", (connection_id,))
