"""A widget run: where the user stands in a widget, kept with the session between requests.

Only flows change a run (its methods here are what views may ask of it: start, end, wait for
the terms). The store keeps it as a record, a plain dict with a version: `to_record` writes it,
`from_record` reads it back, including the unversioned dicts written before runs were typed
(a deploy in the middle of a user's run goes on with that run).
"""
import types
import typing
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from widget.flows.steps import Finish, Id

VERSION = 1


class Step(StrEnum):
    """Where a run stands; a step's screen is shown again when the run is resumed there."""

    START = "start"
    PROVIDERS = "providers"
    CHANNEL_CHOICE = "channel_choice"
    EDIT_CHOICE = "edit_choice"
    DUPLICATE = "duplicate"  # the user already has a connection to the bank they picked
    BANK_NOTICE = "bank_notice"
    BANK = "bank"
    CREDENTIALS = "credentials"
    WAITING = "waiting"
    CHALLENGE = "challenge"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    ACCOUNTS = "accounts"
    NEXT_CHANNEL = "next_channel"
    SYNCING = "syncing"
    SYNC_FAILED = "sync_failed"
    CHOOSE = "choose"
    REVIEW = "review"
    FINISHING = "finishing"  # ended at the bank's callback, told once the widget is back
    DONE = "done"



@dataclass
class Run:
    """What a run of one widget knows; fields left at their default are not stored."""

    widget: str
    options: dict[str, Any] = field(default_factory=dict)
    locale: str | None = None
    step: Step | None = None
    ending: Finish | None = None
    result: str | None = None
    terms_pending: bool = False
    terms_version: str | None = None
    # Idempotency keys (flows/step_keys.py)
    key_seed: str | None = None
    answered_steps: dict[str, int] = field(default_factory=dict)
    # The bank, its channels, the connection
    provider_id: Id | None = None
    provider_name: str | None = None
    provider_degraded: bool = False  # the API reports the bank DEGRADED (issue 13, part 6)
    connection_id: Id | None = None
    existing_connection_id: Id | None = None  # DUPLICATE: the connection the user has there
    channel_id: Id | None = None
    choices: list[dict[str, Any]] = field(default_factory=list)
    edit_choices: list[dict[str, Any]] = field(default_factory=list)
    definition: dict[str, Any] | None = None
    queue: list[dict[str, Any]] = field(default_factory=list)
    adding_next: bool = False
    channel_error: str | None = None
    bank_state: str | None = None
    renew_channel_id: Id | None = None
    known_values: dict[str, str] = field(default_factory=dict)
    # Challenges and consent
    challenge_id: Id | None = None
    challenge: dict[str, Any] | None = None
    after_challenge: Step | None = None
    consented_ids: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    # The sync and the waits
    event_cursor: Id | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    polled_at: float = 0.0
    quiet_polls: int = 0  # looks at a sync in a row that found it where it was
    wait_until: float | None = None

    @classmethod
    def opened(cls, widget: str, options: dict[str, Any], locale: str | None = None) -> "Run":
        """A new run of `widget`, at its start."""
        return cls(widget, dict(options), locale, Step.START)

    @classmethod
    def refused(cls, widget: str, options: dict[str, Any]) -> "Run":
        """A run that ends before it starts (a link the widget cannot open)."""
        return cls(widget, dict(options), step=Step.DONE)

    @property
    def in_progress(self) -> bool:
        return self.step not in (None, Step.DONE)

    def goes_on_with(self, widget: str, options: dict[str, Any]) -> bool:
        """Whether a link opening `widget` with these options (`locale` among them) is this
        run's, in progress: it resumes; any other starts a new run."""
        return self.widget == widget and self.in_progress and all(
            (self.locale if k == "locale" else self.options.get(k)) == v
            for k, v in options.items())

    def wait_for_terms(self) -> None:
        """The API wants the current terms accepted before this run goes on."""
        self.terms_pending = True

    def end(self, outcome: Finish) -> None:
        """The run is over: its ending is told once, and again to a request that asks."""
        self.step, self.result, self.ending = Step.DONE, outcome.result, outcome

    def end_at_bank(self, outcome: Finish) -> None:
        """The bank's callback ended the run: told where the widget is opened again."""
        self.step, self.ending = Step.FINISHING, outcome

    def to_record(self) -> dict[str, Any]:
        """The run as the session stores it (JSON), with its version."""
        record: dict[str, Any] = {"v": VERSION}
        for name, default in _defaults(type(self)):
            value = getattr(self, name)
            if value == default and name != "widget":
                continue
            if isinstance(value, Finish):
                value = vars(value).copy()
            elif isinstance(value, Step):
                value = value.value
            record[name] = value
        return record

    @classmethod
    def from_record(cls, record: object) -> "Run | None":
        """The run of a stored record; None for one that is not a run (tampered, or from a
        version this code does not know): the widget then starts afresh or says it is stale."""
        if not isinstance(record, dict) or record.get("v", VERSION) != VERSION:
            return None
        kinds = _kinds(cls)
        values: dict[str, Any] = {}
        # The record's keys, not the class's fields: a record holds only those not at their
        # default, a few of the three dozen (anything else in it, "v" included, is ignored).
        for name, stored in record.items():
            if stored is None or name not in kinds:
                continue
            value = _parsed(stored, kinds[name])
            if value is _INVALID:
                return None
            values[name] = value
        if "widget" not in values:
            return None
        return cls(**values)


_INVALID = object()


# Every request reads its run, and one that may have changed it writes it back: resolving the
# annotations each time was a tenth of a poll's cost, making each default again a fiftieth of a
# search's.
_FIELDS: dict[type, tuple[tuple[tuple[str, Any], ...], dict[str, Any]]] = {}


def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field, in their order (a record's keys keep it). A default made
    by a factory is made once: it is only compared with, never handed out."""
    return _described(cls)[0]


def _kinds(cls: type) -> dict[str, Any]:
    return _described(cls)[1]


def _described(cls: type) -> tuple[tuple[tuple[str, Any], ...], dict[str, Any]]:
    described = _FIELDS.get(cls)
    if described is None:
        # Each field's hint as the classes it may hold (a union's members, `dict` for
        # `dict[str, Any]`), for `_parsed`.
        hints, specs = typing.get_type_hints(cls), fields(cls)
        kinds: dict[str, tuple[Any, ...]] = {}
        for spec in specs:  # the fields only: a ClassVar's hint is no field of a record
            hint = hints[spec.name]
            members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
            kinds[spec.name] = tuple(typing.get_origin(kind) or kind for kind in members)
        defaults = tuple((spec.name, spec.default_factory() if callable(spec.default_factory)
                          else spec.default) for spec in specs)
        described = _FIELDS[cls] = (defaults, kinds)
    return described


def _parsed(value: object, kinds: tuple[Any, ...]) -> object:
    """`value` as a field of one of the classes `kinds` holds it; _INVALID if it cannot be one.

    A step this code does not know (an older or a tampered record) reads as no step.
    """
    for kind in kinds:
        if kind is Step:
            return Step._value2member_map_.get(value) if isinstance(value, str) else None
        if kind is Finish:
            if isinstance(value, dict) and isinstance(value.get("result"), str):
                return Finish(value["result"], value.get("error"), value.get("connection_id"))
            return _INVALID
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, bool):
            continue
        if isinstance(value, kind):
            return value
    return _INVALID
