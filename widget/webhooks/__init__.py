"""Signed webhooks (issue 13, part 2): every tracked event of a session whose client registered
a `webhook_url`, POSTed in order, retried with backoff until accepted (README.md, "Webhooks").

signing.py signs and verifies; delivery.py makes one attempt and says when to try again;
outbox.py takes a request's events as the store saves them; with REDIS_URL, queue.py delivers
them from an RQ worker (worker.py), else in_process.py from a thread of the web process.
"""
