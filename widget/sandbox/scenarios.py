"""The login scenarios of the test banks: the login typed at the bank decides what happens."""
from dataclasses import dataclass

from widget.sandbox.texts import TEXTS, in_every_language

SMS_CODE = "SMS_CODE"
APP_VALIDATION = "APP_VALIDATION"
QUESTION = "QUESTION"

# What the bank shows for each challenge type, in each language of the sandbox.
CHALLENGE_LABELS = {kind: in_every_language("challenges", kind)
                    for kind in (SMS_CODE, APP_VALIDATION, QUESTION)}

# Accepted answers, compared after trimming and case folding; the question also takes "blue"
# in each language of the sandbox ("bleu", "blau"...).
CHALLENGE_ANSWERS = {
    SMS_CODE: {"123456"},
    QUESTION: {"blue", *(texts["question_answer"] for texts in TEXTS.values())},
}

WRONG_PASSWORD = "wrong"


@dataclass(frozen=True)
class Scenario:
    """How a channel authenticated with a given login behaves."""

    name: str
    challenge: str | None = None
    slow_sync: bool = False
    sync_fails: bool = False
    locked: bool = False
    professional_accounts: int = 0
    token_expires_after_sync: bool = False
    account_count: int | None = None  # None: the usual accounts of the definition's types


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario("demo"),
        Scenario("otp", challenge=SMS_CODE),
        Scenario("app", challenge=APP_VALIDATION),
        Scenario("question", challenge=QUESTION),
        Scenario("slow", slow_sync=True),
        Scenario("fail", sync_fails=True),
        Scenario("locked", locked=True),
        Scenario("pro", professional_accounts=2),
        Scenario("expired", token_expires_after_sync=True),
        Scenario("many", account_count=25),
    )
}


def scenario_named(name):
    """The scenario of that name; any unknown login is a plain success."""
    return SCENARIOS.get(name.strip().casefold(), SCENARIOS["demo"])


def is_right_answer(challenge_type, answer):
    """Whether `answer` solves a challenge of that type."""
    return answer.strip().casefold() in CHALLENGE_ANSWERS.get(challenge_type, set())
