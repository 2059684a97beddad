"""Idempotency keys of the steps that change something upstream (DESIGN.md section 9).

A key is derived from the run's seed, the step and how many times the upstream has answered
that step: a retry of a try whose answer was lost (by the widget at once, or by the user later,
from any process, since the run is saved with the session) sends the same key and gets the
first result back; once the upstream has answered (done, or refused as a wrong password is),
the next try is a new request with a new key.
"""
import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from widget.flows.run import Run
from widget.upstream.errors import NetworkError, ServerError, UpstreamError


def seed_keys(run: Run) -> str:
    """Give the run the seed of its keys, saved before any step can use it."""
    if not run.key_seed:
        run.key_seed = secrets.token_hex(16)
    return run.key_seed


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(part) for part in parts).encode()).hexdigest()


@contextlib.contextmanager
def attempt(run: Run, *step: object) -> Iterator[str]:
    """Yield the Idempotency-Key of this try at `step` (its parts name it: a kind, ids...).

    Steps are kept by digest, so a part may be a secret (the bank's code) that the session must
    not hold.
    """
    name = _digest(*step)[:32]
    answered = run.answered_steps
    key = _digest(seed_keys(run), name, answered.get(name, 0))
    try:
        yield key
    except (NetworkError, ServerError):
        raise  # the outcome is unknown: trying again must repeat this very request
    except UpstreamError:
        answered[name] = answered.get(name, 0) + 1
        raise
    answered[name] = answered.get(name, 0) + 1
