"""What this process knows of each session's waiting-screen polls: when the next one may ask the
API, and the `204 No Content` the last one within its interval answered.

A poll whose look is due found that out only after reading, decrypting and parsing the session
and building its flow, then did all of it again under the lock: a sixth of a look's work. A poll
this process knows to be due goes to the lock at once, and so does one of a session it knows
nothing of: most often the first poll of a waiting screen, which looks (a sync starts with no
look made), or the first this process gets of a session another process served until then.

A poll within its interval reads the session's record without the lock; when the record is the
one (byte for byte) from which this process last answered that same poll 204, the answer is the
same, and it is given again without opening the record: a 204 depends on the record, the
request's poller and the time, and the time is checked (the next look, the session's expiry).
A look that found the sync where it was leaves such an answer too, for the record it wrote: the
next poll within the interval, on that record, answers the same 204 (`QuietAnswer.after_look`).

A hint only ever takes a shortcut to what the full path would do: a wrong one (the other
worker looked meanwhile) costs that poll a locked read that finds nothing to do.
"""
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request

from widget.flows.run import Run, Step
from widget.flows.syncing import next_look_at
from widget.htmx import header

# Steps whose poll may ask the API once its interval is over (widget/flows/syncing.py).
LOOKING_STEPS = frozenset({Step.SYNCING, Step.CHALLENGE, Step.WAITING})
# Sessions remembered per process: those whose hint is the longest unchanged (every look
# changes it) are forgotten first; their next poll takes the full path, as without a hint.
MOST_SESSIONS = 20_000


def record_digest(sealed: Any) -> bytes:
    """Names a sealed record: equal digests, equal records (and so equal data)."""
    raw = sealed.encode("utf-8") if isinstance(sealed, str) else bytes(sealed)
    return hashlib.blake2b(raw, digest_size=16).digest()


def poll_asked() -> tuple[str, ...]:
    """What of the request a poll's answer depends on: the URL, the poller, htmx or not."""
    return (request.full_path, header("HX-Trigger") or "", header("HX-Request") or "")


@dataclass(frozen=True)
class QuietAnswer:
    """A poll's 204, made without the lock from the record `digest` names, for the poll `asked`."""

    digest: bytes
    asked: tuple[str, ...]
    expires_at: float  # the session's (time.time): past it, the full path says it expired
    headers: tuple[tuple[str, str], ...]  # as the view made them (the parent's messages)
    frame_ancestors: Any
    run_locale: str | None

    @classmethod
    def of(cls, response: Any, sealed: Any, data: dict[str, Any]) -> "QuietAnswer | None":
        """The answer to give again, if `response` is a 204 (made in this request)."""
        if not isinstance(response, Response) or response.status_code != 204:
            return None
        return cls(record_digest(sealed), poll_asked(), float(data["expires_at_ts"]),
                   tuple(response.headers.items()), g.get("frame_ancestors"), g.get("run_locale"))

    @classmethod
    def after_look(cls, response: Any, run: Run | None, sealed: Any,
                   data: dict[str, Any]) -> "QuietAnswer | None":
        """The answer to give again after a poll made with the lock, from the record it left
        (`sealed`): only a sync's 204 that handed the page no message. A poll within the interval
        on that record then answers that same 204 (`Sync.poll`: not due, nothing new), where a
        challenge's or a form's wait may answer otherwise, and messages are handed once."""
        if run is None or run.step != Step.SYNCING or run.terms_pending or sealed is None:
            return None
        if not isinstance(response, Response) or "HX-Trigger" in response.headers:
            return None
        return cls.of(response, sealed, data)

    def replay(self) -> Response:
        """The same response again; the page's headers (after_request) made from the same g."""
        g.frame_ancestors, g.run_locale = self.frame_ancestors, self.run_locale
        return current_app.response_class(status=204, headers=list(self.headers))


class PollHints:
    """Session id -> (when its next poll may ask the API, its last quiet answer or None)."""

    def __init__(self, most: int = MOST_SESSIONS) -> None:
        self.most = most
        self._hints: OrderedDict[str, tuple[float, QuietAnswer | None]] = OrderedDict()
        # Session id -> (the poll as it reached the app, its quiet answer, the status and headers
        # the app gave it): the answer given again before the app (widget/views/quiet_polls.py).
        self._as_served: dict[str, tuple[tuple[Any, ...], QuietAnswer, str, list[Any]]] = {}
        self._lock = threading.Lock()

    def not_due(self, session_id: str, now: float) -> bool:
        """True when this session's poll is known not to ask the API now: its next look is
        later (the widget's clock). False when it is due, or this process knows nothing of the
        session."""
        hint = self._hints.get(session_id)
        return hint is not None and now < hint[0]

    def quiet(self, session_id: str, sealed: Any, wall_time: float,
              asked: tuple[str, ...]) -> QuietAnswer | None:
        """The answer to give again to the poll `asked` (poll_asked()), when its record is the one
        it was made from and the session has not expired since (`not_due` said no look is
        due)."""
        hint = self._hints.get(session_id)
        answer = hint and hint[1]
        return answer if answer and _holds(answer, sealed, wall_time, asked) else None

    def remember(self, session_id: str, run: Run | None,
                 quiet: QuietAnswer | None = None) -> None:
        """After a poll: when the run's next look is due (none if it waits on no look), and the
        204 it answered without the lock, if it did."""
        at = next_look_at(run) if run is not None and run.step in LOOKING_STEPS else None
        hint = None if at is None else (at, quiet)
        if self._hints.get(session_id) == hint and (
                hint is not None or session_id not in self._as_served):
            return  # as the last poll left it
        with self._lock:
            if hint is None:
                self._hints.pop(session_id, None)
                self._as_served.pop(session_id, None)
                return
            self._hints[session_id] = hint
            self._hints.move_to_end(session_id)
            while len(self._hints) > self.most:
                self._as_served.pop(self._hints.popitem(last=False)[0], None)

    def keep_as_served(self, session_id: str, quiet: QuietAnswer, asked: tuple[Any, ...],
                       status: str, headers: list[Any]) -> None:
        """Keep what the app answered (`status`, `headers`: its after_request functions' work
        done) to the poll `asked` that it answered `quiet`, while that is the session's answer."""
        with self._lock:  # against a `remember` that drops the hint meanwhile
            hint = self._hints.get(session_id)
            if hint is None or hint[1] is None or (hint[1] is not quiet and hint[1] != quiet):
                return
            self._as_served[session_id] = (asked, hint[1], status, headers)

    def as_served(self, session_id: str, asked: tuple[Any, ...], now: float, wall_time: float,
                  sealed: Callable[[str], Any]) -> tuple[str, list[Any]] | None:
        """(status, headers) the app gave this same poll, when it would give them again: its
        quiet answer is still the session's, no look is due (`now`, the widget's clock), and
        that answer holds for the record `sealed(session_id)` reads."""
        served = self._as_served.get(session_id)
        hint = self._hints.get(session_id)  # one reading: the look's time and answer together
        if served is None or hint is None or served[1] is not hint[1] or served[0] != asked:
            return None
        # The poll reached the app as `asked` then: what the app read of it is as it was then.
        quiet = served[1]
        if not now < hint[0] or not _holds(quiet, sealed(session_id), wall_time, quiet.asked):
            return None
        return served[2], list(served[3])


def _holds(answer: QuietAnswer, sealed: Any, wall_time: float, asked: tuple[str, ...]) -> bool:
    """`answer` is the one for the poll `asked` on the record `sealed`, and the session lives."""
    return bool(sealed) and wall_time < answer.expires_at and answer.asked == asked \
        and answer.digest == record_digest(sealed)


def init_app(app: Flask) -> None:
    app.extensions["poll_hints"] = PollHints()


def poll_hints() -> PollHints:
    hints: PollHints = current_app.extensions["poll_hints"]
    return hints
