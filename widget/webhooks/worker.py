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
    Worker([Queue(QUEUE, connection=client)], connection=client).work(with_scheduler=True)


if __name__ == "__main__":
    main()
