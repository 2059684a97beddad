"""The Procfile's `worker:` process: `python -m widget.webhooks.worker` runs RQ's worker, with its
scheduler (for the retries), on the `webhooks` queue of REDIS_URL, with the web app's settings."""
from typing import Any

_app: Any = None


def worker_app() -> Any:
    """The app whose settings, client registry and session cipher the jobs use (made once: the
    worker's forked job processes inherit it)."""
    global _app
    if _app is None:
        from widget import create_app

        _app = create_app()
    return _app


def main() -> None:
    from rq import Queue, Worker

    from widget.webhooks.queue import QUEUE

    app = worker_app()
    client = app.extensions.get("webhook_redis")
    if client is None:
        raise SystemExit("REDIS_URL is not set: without it, the web process delivers webhooks")
    resume_outboxes(client, app.config["WEBHOOK_TIMEOUT_SECONDS"])
    Worker([Queue(QUEUE, connection=client)], connection=client).work(with_scheduler=True)


def resume_outboxes(client: Any, timeout: float) -> None:
    """A job for every outbox still holding deliveries: a worker killed mid-job (SIGKILL, a
    lost machine) took its job with it. Again once a dead worker's delivery lock has expired."""
    from datetime import timedelta

    from rq import Queue

    from widget.webhooks.queue import OUTBOX_PREFIX, QUEUE, deliver_session, enqueue

    for key in client.scan_iter(match=OUTBOX_PREFIX + "*", count=1000):
        session_key = key.decode().removeprefix(OUTBOX_PREFIX)
        enqueue(client, session_key)
        Queue(QUEUE, connection=client).enqueue_in(timedelta(seconds=timeout + 31),
                                                   deliver_session, session_key, result_ttl=0)


if __name__ == "__main__":
    main()
