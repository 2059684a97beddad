"""add_connection's steps once the bank accepted: challenges, accounts and consent, sync."""
from widget.flows.account_choice import account_choice
from widget.flows.run import Step
from widget.flows.step_keys import attempt
from widget.flows.steps import Finish, Screen
from widget.flows.syncing import SyncSteps
from widget.upstream import Conflict, Forbidden

MAX_ANSWER = 256
BLOCKED = {"USER_ACTION_REQUIRED": "user_action_required",
           "PASSWORD_CHANGE_REQUIRED": "user_action_required",
           "TOKEN_EXPIRED": "token_expired", "AUTH_FAILED": "challenge_failed"}


class UncountedAttempts:
    """A flow built outside a request (its unit tests) counts no wrong answers."""

    def exhausted(self):
        return False

    def wrong(self):
        return False


class ConnectedSteps(SyncSteps):
    """Mixed into AddConnectionFlow: everything that follows a created connection or channel."""

    # A request's flow counts wrong answers against LIMIT_CHALLENGE_ANSWERS (widget/limits.py).
    challenge_attempts = UncountedAttempts()

    def _channel(self, connection):
        channels = connection.get("channels") or [{}]
        wanted = self.run.channel_id
        return next((c for c in channels if c.get("id") == wanted), channels[-1])

    def after_connection(self, connection):
        """Next screen from the connection's state: challenge, accounts, sync or the end."""
        channel = self._channel(connection)
        status = channel.get("status")
        connection_id = connection["id"]
        challenge = channel.get("challenge") or {}
        if status == "CHALLENGE_REQUIRED" and challenge.get("status") == "PENDING":
            return self._challenge_screen(connection_id, challenge)
        if status in ("CHALLENGE_REQUIRED", "AUTH_FAILED") and challenge.get("status") == "EXPIRED":
            return Finish("error", "challenge_expired", connection_id)
        if status in BLOCKED or status == "CHALLENGE_REQUIRED":
            return Finish("error", BLOCKED.get(status, "challenge_failed"), connection_id)
        step = self.run.step
        if step == Step.CHALLENGE and self.run.after_challenge:
            step = self.run.step = self.run.after_challenge
            self.run.after_challenge = None
        if step == Step.SYNCING:
            return self.syncing_screen()
        if step == Step.NEXT_CHANNEL:
            return self.next_channel_screen()
        if step == Step.ACCOUNTS:
            return self.accounts_screen()
        return self._authenticated()

    def _authenticated(self):
        """The bank let the user in: consent to the accounts (on screen, or as said before)."""
        if not self.options.get("captive_mode", True) and not self.options.get("select_accounts"):
            # Non-captive: consenting by connecting (stated before), the Client polls.
            self._consent(all_accounts=True)
            return self._after_consent()
        self.run.step = Step.ACCOUNTS
        return self.accounts_screen()

    # Challenges
    def _challenge_screen(self, connection_id, challenge, error=None, status=200):
        if self.run.step == Step.SYNCING:  # the bank asks again mid-sync: back to it after
            self.run.after_challenge = Step.SYNCING
        if self.run.step != Step.CHALLENGE or self.run.challenge_id != challenge["id"]:
            self.track("CHALLENGE_REQUIRED", connection_id=connection_id,
                       challenge_type=challenge.get("type"))
        shown = {k: challenge.get(k) for k in ("id", "type", "label", "expires_at")}
        self.run.step, self.run.challenge_id, self.run.challenge = \
            Step.CHALLENGE, challenge["id"], shown
        return Screen("challenge", {"challenge": shown, "error": error,
                                    "provider_name": self.run.provider_name}, status=status)

    def submit_challenge(self, answer):
        if self.run.step != Step.CHALLENGE:
            return self.resume()  # answered already, or never asked: where the run stands
        if not answer.strip() or len(answer) > MAX_ANSWER:
            return self._challenge_again("required")
        if self.challenge_attempts.exhausted():
            return self.too_many_attempts()
        self.track("SUBMIT_CHALLENGE", connection_id=self.run.connection_id)
        try:
            with attempt(self.run, "challenge", self.run.challenge_id) as key:
                connection = self.api.answer_challenge(
                    self.run.connection_id, self.run.channel_id, self.run.challenge_id,
                    answer, idempotency_key=key)
        except Forbidden as exc:
            self.track("ERROR", error=exc.code)
            if self.challenge_attempts.wrong():  # ours stops guessing even if the bank allows more
                return self.too_many_attempts()
            return self._challenge_again(exc.code)
        except Conflict:  # no longer pending (approved meanwhile, or expired): read where it stands
            connection = self.api.connection(self.run.connection_id)
        return self.after_connection(connection)

    def too_many_attempts(self):
        self.run.step = Step.TOO_MANY_ATTEMPTS
        return self.too_many_attempts_screen()

    def too_many_attempts_screen(self):
        return Screen("too_many_attempts", status=429)

    def _challenge_again(self, error):
        screen = self.after_connection(self.api.connection(self.run.connection_id))
        if isinstance(screen, Screen) and screen.name == "challenge":
            screen.context["error"] = error
            screen.status = 422
        return screen

    # Accounts and consent
    def _channel_accounts(self):
        accounts = self.api.accounts(connection_id=self.run.connection_id)
        channel_id = self.run.channel_id
        return [a for a in accounts if not channel_id or a.get("channel_id") in (None, channel_id)]

    def accounts_screen(self, error=None, chosen=None, status=200, accounts=None):
        accounts = self._channel_accounts() if accounts is None else accounts
        select = bool(self.options.get("select_accounts"))
        return Screen("accounts", {
            "accounts": accounts, "provider_name": self.run.provider_name, "select": select,
            "chosen": set(chosen if chosen is not None else [a["id"] for a in accounts]),
            "error": error}, status=status)

    def consent(self, account_ids=()):
        """The user consents (to the accounts they checked, with select_accounts)."""
        if self.run.step != Step.ACCOUNTS:
            return self.resume()
        accounts = self._channel_accounts() if self.options.get("select_accounts") else []
        known = {a["id"] for a in accounts}
        if not known:  # nothing to choose from: the consent covers the accounts yet to come
            self._consent(all_accounts=True)
            return self._after_consent()
        choice = account_choice(account_ids, known)
        if choice.error:
            return self.accounts_screen(choice.error, choice.shown, 422, accounts)
        chosen = choice.ids
        self.track("SELECT_ACCOUNTS", connection_id=self.run.connection_id,
                   account_ids=chosen, count=len(chosen))
        self.run.consented_ids = self.run.consented_ids + chosen
        self._consent(account_ids=self.run.consented_ids)
        return self._after_consent()

    def _consent(self, **which):
        self.api.set_consents(self.run.connection_id, **which)
        self.track("CONSENT_ACCEPTED", connection_id=self.run.connection_id)

    def _after_consent(self):
        if self.run.queue:
            self.run.step = Step.NEXT_CHANNEL
            return self.next_channel_screen()
        return self._start_sync()

    # multiple_channels: the provider's other channel
    def next_channel_screen(self):
        error, self.run.channel_error = self.run.channel_error, None  # said once
        return Screen("next_channel", {"provider_name": self.run.provider_name,
                                       "definition": self.run.queue[0], "error": error})

    def add_next_channel(self):
        if self.run.step != Step.NEXT_CHANNEL:
            return self.resume()
        self.run.adding_next = True
        return self.use_definition(self.run.queue.pop(0))

    def skip_next_channel(self):
        if self.run.step != Step.NEXT_CHANNEL:
            return self.resume()
        self.run.queue = []
        return self._start_sync()
