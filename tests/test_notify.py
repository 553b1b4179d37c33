"""`check --notify URL`: one message per run with findings at or above --fail-on, through apprise, to a
webhook on 127.0.0.1; none when there is nothing to say or the network is down; a failing notifier is a
warning, never a lost run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import Runner
from test_review import change_intel
from world import Site

pytest.importorskip("apprise")


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("content-length", "0"))
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"json://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_one_message_with_the_counts_the_worst_claims_and_the_review_link(run: Runner, world: Site,
                                                                          hook: tuple[str, list[Any]]) -> None:
    url, received = hook
    first = run("check", "--notify", url, "--fail-on", "warning")
    assert first.exit_code == 0 and received == []  # nothing at or above warning: nothing sent
    change_intel(world)
    result = run("check", "--notify", url, "--fail-on", "warning", "--review-url", "http://127.0.0.1:8000/",
                 now="2026-11-26T12:00:00Z")
    assert result.exit_code == 1
    assert len(received) == 1
    note = received[0]
    assert note["title"].startswith("claimcheck: 3 warnings in ")
    assert "- intel-emib-foveros: changed (intel-2023-packaging)" in note["message"]
    assert "Review: http://127.0.0.1:8000/" in note["message"]
    assert "verified" in note["message"].splitlines()[-1]  # the run's counts, last


def test_below_fail_on_nothing_is_sent(run: Runner, world: Site, hook: tuple[str, list[Any]]) -> None:
    url, received = hook
    run("check")
    change_intel(world)
    assert run("check", "--notify", url, now="2026-11-26T12:00:00Z").exit_code == 0  # changed < error
    assert received == []


def test_network_down_sends_nothing(run: Runner, world: Site, hook: tuple[str, list[Any]]) -> None:
    url, received = hook
    run("check")
    world.close()  # every host now refuses connections
    result = run("check", "--notify", url, "--fail-on", "notice", now="2026-11-26T12:00:00Z")
    assert result.exit_code == 3 and received == []


def test_a_failing_notifier_is_a_warning_and_the_run_stands(run: Runner, world: Site) -> None:
    run("check")
    change_intel(world)
    result = run("check", "--notify", "json://127.0.0.1:1/closed", "--notify", "nope://nowhere",
                 "--fail-on", "warning", now="2026-11-26T12:00:00Z")
    assert result.exit_code == 1  # the findings' exit code, not an error's
    assert "changed" in result.stdout  # the report was written
    assert "warning: notification failed: json://127.0.0.1:1/...: the notification was not delivered" in result.stderr
    assert "nope://nowhere/...: not a notification URL apprise knows" in result.stderr
