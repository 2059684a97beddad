"""SANDBOX_PROVIDER_STATUS read from the environment by the Procfile's command, as deployed:
the list over HTTP says which banks are down or disrupted (issue 13, part 6)."""
import re
from types import SimpleNamespace

import requests

from tests.client_backend import CLIENT, sandbox_user
from tests.procfile_server import ProcfileServer


def test_the_setting_marks_banks_in_the_served_list(tmp_path):
    with ProcfileServer(INSTANCE_PATH=str(tmp_path / "instance"), WEB_CONCURRENCY="1",
                        SANDBOX_PROVIDER_STATUS="web:DEGRADED, psd2:down") as server:
        user = sandbox_user(SimpleNamespace(live_url=server.url), accept_terms=True)
        created = requests.post(server.url + "/widget_session", auth=CLIENT, timeout=30, data={
            "access_token": user["access_token"], "refresh_token": user["refresh_token"],
            "redirect_url": server.url + "/playground/return", "locale": "en"})
        assert created.status_code == 201, created.text
        page = requests.get(server.url + "/widget/add_connection", timeout=30,
                            params={"session_id": created.json()["session_id"]}).text
    buttons = {provider_id: " ".join(re.sub(r"<[^>]+>", " ", inside).split())
               for provider_id, inside in re.findall(
                   r'value="([^"]+)" class="provider">(.*?)</button>', page, re.S)}
    assert buttons["web"].endswith("Disrupted")
    assert buttons["psd2"].endswith("Unavailable") and buttons["down"].endswith("Unavailable")
    assert not buttons["demo"].endswith(("Disrupted", "Unavailable"))
