"""Event ids (issue 13, part 4): `ev_<8-digit sequence>_<16 hex>`, numbered per session, never
reset by the list's trimming, given on both stores with the append, and `?after=` on the API."""
import json
import re

import pytest

from tests.client_backend import CLIENT, basic
from tests.test_session_events import STORES, new_session, track_in_requests
from tests.session_stores import make_app, redis_available
from tests.widget_driver import open_widget
from widget.events import LEGACY_SEQUENCE, MAX_EVENTS, after, sequence_of, track
from widget.parent_messages import parent_messages
from widget.store import widget_sessions
from widget.store_keys import events_key, live_key, stored_name

HTMX_SEARCH = {"HX-Request": "true", "HX-Target": "provider-results"}

EVENT_ID = re.compile(r"ev_[0-9]{8}_[0-9a-f]{16}")


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    if request.param and not redis_available():
        pytest.fail("Redis must run on 127.0.0.1:6379 for these tests")
    app = make_app(tmp_path, **request.param)
    with app.app_context():
        yield widget_sessions()


def read(store, session_id):
    return store.events(session_id, store.load(session_id))


def append_raw(store, session_id, entry):
    """An entry written into the session's events list as it is (another release's, a key's)."""
    with store.backend.lock(stored_name(session_id)) as fence:
        store.backend.write([], appends=[(events_key(session_id), [entry], 600, MAX_EVENTS)],
                            fence=fence)


def test_ids_number_the_events_from_one_and_survive_the_trimming(store):
    session_id = new_session(store)
    track_in_requests(store, session_id, 3)
    ids = [e["event_id"] for e in read(store, session_id)]
    assert all(EVENT_ID.fullmatch(i) for i in ids)
    assert [sequence_of(i) for i in ids] == [1, 2, 3]
    assert list(read(store, session_id)[0]) == ["event_id", "name", "date", "widget", "data"]
    track_in_requests(store, session_id, MAX_EVENTS, start=3)
    events = read(store, session_id)
    assert len(events) == MAX_EVENTS
    assert [sequence_of(e["event_id"]) for e in events] == list(range(4, MAX_EVENTS + 4))
    assert len({e["event_id"] for e in events}) == MAX_EVENTS


def test_several_events_of_one_request_and_a_failed_request(store):
    session_id = new_session(store)
    with store.transaction(session_id) as data:
        track(data, session_id, "OPEN", "add_connection")
        track(data, session_id, "SELECT_PROVIDER", "add_connection")
    with pytest.raises(RuntimeError):
        with store.transaction(session_id) as data:
            track(data, session_id, "SEARCH_PROVIDER", "add_connection")
            raise RuntimeError("the view failed")
    track_in_requests(store, session_id, 1)
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [1, 2, 3]


def test_events_of_the_previous_release_get_the_same_ids_at_every_read(store):
    session_id = new_session(store)
    old = [{"name": name, "date": "2026-12-03T10:00:00.000Z", "widget": "add_connection",
            "data": {}} for name in ("OPEN", "SEARCH_PROVIDER")]
    with store.transaction(session_id) as data:
        data["events"] = old
        data.pop("events_sequence", None)  # a record of a release before ids has none
    track_in_requests(store, session_id, 1)
    first, second = read(store, session_id), read(store, session_id)
    assert first == second
    assert [sequence_of(e["event_id"]) for e in first] == \
        [LEGACY_SEQUENCE - 1, LEGACY_SEQUENCE, LEGACY_SEQUENCE + 1]
    assert [e["name"] for e in first] == ["OPEN", "SEARCH_PROVIDER", "SEARCH_PROVIDER"]
    assert all(EVENT_ID.fullmatch(e["event_id"]) for e in first)
    assert [e["event_id"] for e in after(first, first[0]["event_id"])] == \
        [e["event_id"] for e in first[1:]]


@pytest.mark.parametrize("value", ["", "ev_1_abc", "ev_00000001_9F2C4E1A0B7D3E55",
                                   "ev_00000001_9f2c4e1a0b7d3e5", "00000001", "ev_0000000a_"
                                   "9f2c4e1a0b7d3e55", "ev_00000001_9f2c4e1a0b7d3e55x", "é"])
def test_a_malformed_after_is_a_400(client, user, value):
    w, _ = open_widget(client, user)
    answer = client.get("/widget_session/%s/events" % w.session_id, query_string={"after": value},
                        headers=basic(*CLIENT))
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_request"
    assert "after" in answer.get_json()["error_description"]


def test_after_gives_only_the_later_events(client, user):
    w, _ = open_widget(client, user)
    for term in ("caisse", "credit", "banque"):
        w.get("/widget/add_connection/providers", q=term)
    url = "/widget_session/%s/events" % w.session_id
    everything = client.get(url, headers=basic(*CLIENT)).get_json()
    assert [sequence_of(e["event_id"]) for e in everything] == [1, 2, 3, 4]
    later = client.get(url, query_string={"after": everything[1]["event_id"]},
                       headers=basic(*CLIENT)).get_json()
    assert later == everything[2:]
    assert client.get(url, query_string={"after": everything[-1]["event_id"]},
                      headers=basic(*CLIENT)).get_json() == []
    # An id the session never had still says where to start: its sequence number.
    assert client.get(url, query_string={"after": "ev_00000003_0000000000000000"},
                      headers=basic(*CLIENT)).get_json() == everything[3:]
    assert client.get("/widget/widget_session/%s/events" % w.session_id,
                      query_string={"after": everything[0]["event_id"]},
                      headers=basic(*CLIENT)).get_json() == everything[1:]


def test_an_event_handed_over_at_once_is_appended_and_the_record_left_alone(store):
    """A search's only news is its event, which its own answer hands to the page: the record
    (sealed afresh, so different bytes, whenever it is written) is not written at all."""
    session_id = new_session(store)
    track_in_requests(store, session_id, 2)
    with store.transaction(session_id) as data:
        parent_messages(data, {})  # the page hands the two over
    sealed = store.backend.get(live_key(session_id))
    for _ in range(3):
        with store.transaction(session_id) as data:
            track(data, session_id, "SEARCH_PROVIDER", "add_connection")
            parent_messages(data, {})
    assert store.backend.get(live_key(session_id)) == sealed
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [1, 2, 3, 4, 5]


def test_searches_leave_the_record_alone(app, client, user):
    w, _ = open_widget(client, user)
    w.get("/widget/add_connection/providers", q="caisse", headers=HTMX_SEARCH)
    with app.app_context():
        sealed = widget_sessions().backend.get(live_key(w.session_id))
    for term in ("credit", "banque", "lyon"):
        answer = w.get("/widget/add_connection/providers", q=term, headers=HTMX_SEARCH)
        assert answer.status_code == 200
    with app.app_context():
        assert widget_sessions().backend.get(live_key(w.session_id)) == sealed
    events = client.get("/widget_session/%s/events" % w.session_id,
                        headers=basic(*CLIENT)).get_json()
    assert [e["name"] for e in events] == ["OPEN"] + ["SEARCH_PROVIDER"] * 4
    assert [sequence_of(e["event_id"]) for e in events] == [1, 2, 3, 4, 5]


def test_numbers_go_on_after_the_newest_event_a_key_opens(store):
    """An event sealed under a key no longer set reads as missing: the next number comes after
    the newest one that opens, never one given before."""
    session_id = new_session(store)
    track_in_requests(store, session_id, 3)
    append_raw(store, session_id, b"sealed-under-an-old-key")
    track_in_requests(store, session_id, 1)
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [1, 2, 3, 4]


def test_each_entry_carries_its_number_before_the_sealed_event(store):
    session_id = new_session(store)
    track_in_requests(store, session_id, 2)
    entries = store.backend.read_list(events_key(session_id), MAX_EVENTS)
    numbers, sealed = zip(*(entry.split(b":", 1) for entry in entries))
    assert numbers == (b"1", b"2")
    assert [json.loads(store.cipher.open(s))["event_id"][:11] for s in sealed] == [
        "ev_00000001", "ev_00000002"]


def test_the_number_is_read_without_opening_the_event(store):
    """Even an event no key opens any more numbers the next one after it (it is not read)."""
    session_id = new_session(store)
    track_in_requests(store, session_id, 2)
    append_raw(store, session_id, b"7:sealed-under-an-old-key")
    track_in_requests(store, session_id, 1)
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [1, 2, 8]


def test_entries_of_the_previous_release_are_read_and_numbered_after(store):
    """Until 2026-12-05 an entry was the sealed event alone."""
    session_id = new_session(store)
    event = {"event_id": "ev_00000004_0123456789abcdef", "name": "OPEN",
             "date": "2026-12-04T10:00:00.000Z", "widget": "add_connection", "data": {}}
    append_raw(store, session_id, store.cipher.seal(json.dumps(event)).encode())
    track_in_requests(store, session_id, 1)
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [4, 5]


def test_a_record_of_the_previous_release_drops_its_counter(store):
    """Until 2026-12-05 the record kept the last number: the list says it now."""
    session_id = new_session(store)
    track_in_requests(store, session_id, 2)
    with store.transaction(session_id) as data:
        data["run"] = {"widget": "add_connection"}
    record = json.loads(store.cipher.open(store.backend.get(live_key(session_id))))
    record["events_sequence"] = 2
    with store.backend.lock(stored_name(session_id)) as fence:
        store.backend.write([(live_key(session_id), store.cipher.seal(json.dumps(record)), 600)],
                            fence=fence)
    track_in_requests(store, session_id, 1)
    with store.transaction(session_id) as data:
        data["run"] = {"widget": "add_connection", "step": "providers"}
    assert "events_sequence" not in store.load(session_id)
    assert [sequence_of(e["event_id"]) for e in read(store, session_id)] == [1, 2, 3]


def test_tracking_outside_the_stores_transaction_is_refused():
    with pytest.raises(RuntimeError):
        track({}, "sid", "OPEN", "add_connection")
