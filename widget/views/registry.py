"""The widgets: one table from which the routes, the session API's links, the flows and the
waiting screens' pollers all come, so adding or renaming a widget is one line here."""
from dataclasses import dataclass

from widget import provider_results
from widget.flows.add_connection import AddConnectionFlow
from widget.flows.edit_credentials import EditCredentialsFlow
from widget.flows.manage_accounts import ManageAccountsFlow
from widget.flows.professional_account import ProfessionalAccountFlow
from widget.flows.terms import TermsFlow
from widget.flows.user_input import UserInputFlow


@dataclass(frozen=True)
class Poller:
    """A waiting screen's element that polls: htmx names it in HX-Trigger.

    A poll answered by the same screen keeps it (204), or refreshes only `fragment`.
    """
    id: str
    screen: str
    fragment: str | None = None


@dataclass(frozen=True)
class StepEndpoints:
    """Where the screens a widget shares with others (challenge, syncing) poll and post."""
    wait: str
    answer: str
    failed: str


@dataclass(frozen=True)
class WidgetSpec:
    name: str  # as the run, the events, the result and the session API's `_links` name it
    path: str  # as its URL spells it: /widget/<path>
    flow: type
    needs_connection: bool = False
    endpoints: StepEndpoints | None = None
    pollers: tuple = ()


SYNC = Poller("sync-progress", "syncing", "widget/screens/syncing_detail.html")
CHALLENGE = Poller("challenge-wait", "challenge")
USER_INPUT_WAIT = Poller("user-input-wait", "user_input_waiting")
# Not a widget's: the screen of a request that found its session busy (views/runs.py).
IN_PROGRESS = Poller("in-progress-wait", "in_progress")

CONNECTING_STEPS = StepEndpoints("add_connection.wait", "add_connection.submit_challenge",
                                 "add_connection.leave_failed")
USER_INPUT_STEPS = StepEndpoints("user_input.wait", "user_input.submit_challenge",
                                 "user_input.leave_failed")

SPECS = (
    WidgetSpec("add_connection", "add_connection", AddConnectionFlow,
               endpoints=CONNECTING_STEPS, pollers=(SYNC, CHALLENGE)),
    WidgetSpec("edit_credentials", "edit_credentials", EditCredentialsFlow, needs_connection=True,
               endpoints=CONNECTING_STEPS, pollers=(SYNC, CHALLENGE)),
    WidgetSpec("user_input", "user_input", UserInputFlow, needs_connection=True,
               endpoints=USER_INPUT_STEPS, pollers=(USER_INPUT_WAIT, CHALLENGE, SYNC)),
    WidgetSpec("terms", "terms", TermsFlow),
    # Link names as the public documentation spells them.
    WidgetSpec("professional_account", "professional-account", ProfessionalAccountFlow),
    WidgetSpec("manage_accounts", "manage_accounts", ManageAccountsFlow, needs_connection=True),
)
BY_NAME = {spec.name: spec for spec in SPECS}
BY_PATH = {spec.path: spec for spec in SPECS}
POLLERS = {poller.id: poller for spec in SPECS for poller in spec.pollers}
# The pollers of the widgets' waiting screens, whose answers are read in the session's data
# (not the busy screen's: it waits for the lock).
SCREEN_POLLERS = frozenset(POLLERS)
POLLERS[IN_PROGRESS.id] = IN_PROGRESS
# The widgets whose steps are add_connection's routes (edit_credentials connects a channel too).
CONNECTING = tuple(spec.name for spec in SPECS if spec.endpoints is CONNECTING_STEPS)
# The element the provider search refreshes alone (providers.html targets it).
PROVIDER_RESULTS = "provider-results"
# Screens' parts that a request refreshes alone, in place (the search's results), each rendered by
# its function from the screen's context.
PARTS = {"provider_results": provider_results.results}


def init_app(app):
    """Templates take the element ids from here, so Python and HTML cannot drift apart."""
    app.jinja_env.globals.update(
        poller_ids={poller.screen: poller.id for poller in POLLERS.values()},
        provider_results_id=PROVIDER_RESULTS)
