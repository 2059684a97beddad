"""What htmx swaps where: a whole screen always replaces #screen, whichever element asked (a
poll refreshing the sync's progress, the search box), with its <title> and the top bar's Exit;
the search refreshes only its results, and the bank count in place."""
import re

from tests.widget_driver import HTMX, expire_session, open_widget, screen, text

WHOLE_SCREEN = {"HX-Retarget": "#screen", "HX-Reswap": "innerHTML"}


def swapped_whole(response):
    return {key: response.headers.get(key) for key in WHOLE_SCREEN} == WHOLE_SCREEN


def exit_slot(response):
    """The top bar's Exit, as an htmx answer carries it out of band."""
    found = re.search(r'<div id="exit-slot" hx-swap-oob="true">(.*?)</div>', text(response), re.S)
    assert found, text(response)[:300]
    return found.group(1)


def syncing(client, user, **options):
    w, _ = open_widget(client, user, provider_id="web", **options)
    w.post("/widget/add_connection/credentials", login="demo", password="pw", htmx=True)
    assert screen(w.post("/widget/add_connection/consent", htmx=True)) == "syncing"
    return w


def test_the_end_of_a_sync_replaces_the_whole_syncing_screen(client, user, clock):
    """No redirect URL: the result page, not inside the progress area the poll refreshes."""
    w = syncing(client, user, redirect_url=None, locale="en")
    clock.advance(60)
    done = w.poll("sync-progress")
    assert done.status_code == 200 and screen(done) == "result" and swapped_whole(done)
    assert "<title>All done · Passerelle</title>" in text(done)
    assert text(done).count("<h1") == 1 and "spinner" not in text(done)
    assert "<form" not in exit_slot(done)  # the run is over: no Exit left in the top bar


def test_a_poll_still_running_refreshes_only_the_progress(client, user, clock):
    w = syncing(client, user, redirect_url=None)
    clock.advance(2)
    poll = w.poll("sync-progress")
    assert poll.status_code == 200 and text(poll).lstrip().startswith('<div id="sync-detail">')
    assert "HX-Retarget" not in poll.headers and "<title>" not in text(poll)


def test_a_poll_of_an_expired_session_replaces_the_whole_screen(app, client, user):
    w = syncing(client, user, redirect_url=None)
    expire_session(app, w.session_id)
    gone = w.poll("sync-progress")
    assert screen(gone) == "session_missing" and swapped_whole(gone)


def test_a_screen_swapped_in_carries_its_title_and_the_exit(client, user):
    w, _ = open_widget(client, user, locale="en")
    picked = w.post("/widget/add_connection/provider", htmx=True, provider_id="web")
    assert screen(picked) == "credentials" and swapped_whole(picked)
    assert "<title>Sign in to Banque en Ligne · Passerelle</title>" in text(picked)
    assert 'action="/widget/cancel"' in exit_slot(picked)


def test_a_search_refreshes_its_results_and_the_count_in_place(client, user):
    w, page = open_widget(client, user, locale="en")
    count = re.search(r'<p class="count" id="provider-count" role="status" aria-live="polite">'
                      r'(\d+ banks)</p>', text(page))
    assert count, "the bank count's live region is on the page, outside the results"
    found = w.get("/widget/add_connection/providers", q="en ligne",
                  headers={**HTMX, "HX-Target": "provider-results"})
    assert found.status_code == 200 and "HX-Retarget" not in found.headers
    assert "<title>" not in text(found) and 'data-screen' not in text(found)
    # The new count goes into the live region that stays (out of band), so it is announced.
    assert re.search(r'<p id="provider-count" hx-swap-oob="innerHTML">1 bank</p>', text(found))
    assert text(found).count('role="status"') == 0
