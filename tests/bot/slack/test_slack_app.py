"""The Slack app over real HTTP: signatures, acknowledgements, jobs, messages, buttons and restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.jobs.args import JobArgs
from bot.jobs.store import Store
from tests.bot.conftest import Server
from tests.conftest import ROOT
from tests.standins.slack_api import SlackStandIn


def _final(slack: SlackStandIn) -> list:
    return [
        c
        for c in slack.of("chat.update")
        if str(c.args.get("text", "")).startswith("Cloud Doctor: ") and " in " in c.args["text"]
    ]


def test_signed_command_is_acknowledged_and_the_diagnosis_posted(
    make_server, slack: SlackStandIn, store_url: str
) -> None:
    server: Server = make_server()
    response = server.command("checkout since=30m")
    assert response.status_code == 200
    assert "On it" in response.json()["text"]
    assert len(Store(store_url).recent()) == 1  # stored before the acknowledgement went out
    slack.wait_for(lambda: len(_final(slack)) == 1)
    posted = slack.of("chat.postMessage")
    assert len(posted) == 1 and posted[0].args["channel"] == "C0INCIDENT"
    stages = [c.args["text"] for c in slack.of("chat.update")]
    assert [s for s in stages if not s.startswith("Cloud Doctor: memory")] == [
        "Cloud Doctor: digesting (checkout)", "Cloud Doctor: diagnosing (checkout)",
        "Cloud Doctor: writing fix (checkout)",
    ]  # each stage shown once, in order  # fmt: skip
    final = _final(slack)[0].args
    assert final["text"].startswith("Cloud Doctor: memory_exhaustion in checkout")
    assert "Diagnosis of `checkout`" in str(final["blocks"]) and "Analyzing" not in str(final["blocks"])
    job = Store(store_url).recent()[0]  # read as soon as the final message is seen: it must say done
    assert final["ts"] == job.message_ts and all(c.args["ts"] == job.message_ts for c in slack.of("chat.update"))
    blocks = final["blocks"]
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["write_fix", "show_evidence", "postmortem", "feedback_up", "feedback_down"]
    assert job.state == "done" and job.result["diagnosis"]["resource"] == "checkout"


def test_terraform_command_uploads_the_diff(make_server, slack: SlackStandIn) -> None:
    server: Server = make_server()
    assert server.command("checkout", command="/terraform").status_code == 200
    slack.wait_for(lambda: bool(slack.of("files.completeUploadExternal")))
    upload = slack.of("upload")[0]
    assert upload.args["bytes"] > 0
    content = slack.uploads[upload.args["file_id"]].decode()
    assert content.startswith("--- a/apps/checkout.tf") and '+              memory = "1024Mi"' in content
    final = _final(slack)[-1].args
    actions = [e["action_id"] for b in final["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["show_evidence", "approve_fix", "reject_fix", "postmortem", "feedback_up", "feedback_down"]


def test_bad_signatures_are_refused_and_store_nothing(make_server, store_url: str) -> None:
    server: Server = make_server()
    assert server.command("checkout", secret="wrong").status_code == 401
    assert server.command("checkout", timestamp=int(time.time()) - 6 * 60).status_code == 401
    bare = httpx.post(
        f"{server.url}/slack/events",
        content=b"command=/analyze-logs&text=checkout",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bare.status_code == 401
    assert Store(store_url).recent() == []


def test_retries_make_one_job_and_one_message(make_server, slack: SlackStandIn, store_url: str) -> None:
    server: Server = make_server()
    answers = [server.command("search-cpu", retry=n).json()["text"] for n in (None, 1, 2)]
    assert "On it" in answers[0] and all("Already on it" in a for a in answers[1:])
    slack.wait_for(lambda: len(_final(slack)) == 1)
    time.sleep(0.5)
    assert len(Store(store_url).recent()) == 1
    assert len(slack.of("chat.postMessage")) == 1 and len(_final(slack)) == 1


def test_killed_mid_job_the_job_finishes_once_after_restart(make_server, slack: SlackStandIn, store_url: str) -> None:
    hung: list[str] = []

    def hang_once_while_diagnosing(method: str, args: dict) -> float:
        """Block the worker inside its first 'diagnosing' update, long enough to kill the server."""
        if "diagnosing" in str(args.get("text", "")) and not hung:
            hung.append(method)
            return 30.0
        return 0.0

    slack.hang = hang_once_while_diagnosing
    server: Server = make_server(lease_seconds=5)
    assert server.command("reports-disk").status_code == 200
    slack.wait_for(lambda: bool(hung))  # the worker is now blocked mid-job, inside a Slack call
    server.kill()
    assert Store(store_url).recent()[0].state == "running"
    make_server(lease_seconds=5)
    slack.wait_for(lambda: len(_final(slack)) == 1, timeout=40)
    job = Store(store_url).recent()[0]
    assert job.state == "done" and job.attempts == 2
    assert len(slack.of("chat.postMessage")) == 1  # the restarted worker edited the same message
    assert _final(slack)[0].args["text"].startswith("Cloud Doctor: disk_full in reports-db")


def test_only_reviewers_may_approve(make_server, slack: SlackStandIn, store_url: str) -> None:
    server: Server = make_server()
    server.command("checkout", command="/terraform")
    slack.wait_for(lambda: len(_final(slack)) == 1)
    job = Store(store_url).recent()[0]
    message = {"ts": job.message_ts, "blocks": _final(slack)[0].args["blocks"]}
    assert server.action("approve_fix", job.id, "U0STRANGER", message).status_code == 200
    slack.wait_for(lambda: bool(slack.of("response_url")))
    assert "Only Cloud Doctor's configured reviewers" in slack.of("response_url")[0].args["text"]
    assert Store(store_url).audit_trail(job.id) == []
    assert server.action("approve_fix", job.id, "U0REVIEWER", message).status_code == 200
    slack.wait_for(lambda: len(Store(store_url).audit_trail(job.id)) == 1)
    slack.wait_for(lambda: any(c.args.get("text") == "Fix approved by <@U0REVIEWER>" for c in slack.of("chat.update")))
    for _ in range(3):  # a double click and Slack's retries of it
        assert server.action("approve_fix", job.id, "U0REVIEWER", message).status_code == 200
    server.action("reject_fix", job.id, "U0GROUPREVIEWER", message)  # a later reject does not undo it
    slack.wait_for(lambda: sum("already approved" in str(c.args.get("text")) for c in slack.of("response_url")) == 4)
    later = [c.args["text"] for c in slack.of("response_url") if "already approved" in str(c.args.get("text"))]
    assert all(t.startswith("This fix was already approved by <@U0REVIEWER> at ") for t in later)
    trail = Store(store_url).audit_trail(job.id)
    assert [(t["action"], t["user_id"]) for t in trail] == [("approve", "U0REVIEWER")]
    decided = [c.args["text"] for c in slack.of("chat.update") if str(c.args.get("text")).startswith("Fix ")]
    assert decided == ["Fix approved by <@U0REVIEWER>"]


def test_help_unknown_flags_and_unknown_services_get_a_short_answer(make_server) -> None:
    server: Server = make_server()
    listed = server.command("help").json()["text"]
    assert "Services I know: `cart-bad`, `catalog`, `checkout`," in listed  # one name per bundle: no aliases twice
    assert "checkout-oom" not in listed and listed.endswith("`thumbnailer`.")
    assert "Unknown option `colour`" in server.command("checkout colour=red", trigger="t2").json()["text"]
    assert "no incident source for `billing-x`" in server.command("billing-x", trigger="t3").json()["text"]


def test_commands_outside_the_allowed_channels_are_refused(make_server, store_url: str) -> None:
    server: Server = make_server(channels=["C0ONLYHERE"])
    assert "takes commands in <#C0ONLYHERE> only" in server.command("checkout").json()["text"]
    assert Store(store_url).recent() == []


def test_command_groups_are_asked_once_then_answered_from_memory(
    make_server, slack: SlackStandIn, store_url: str
) -> None:
    """A cold group cache is filled from Slack (off the event loop); later commands use the cache."""
    server: Server = make_server(command_groups=["S0REVIEWERS"])
    outsider = server.command("checkout", user="U0OUTSIDER", trigger="t1").json()["text"]
    assert "not on Cloud Doctor's list" in outsider
    assert "On it" in server.command("checkout", user="U0GROUPREVIEWER", trigger="t2").json()["text"]
    assert "On it" in server.command("payments", user="U0GROUPREVIEWER", trigger="t3").json()["text"]
    assert "not on Cloud Doctor's list" in server.command("checkout", user="U0OUTSIDER", trigger="t4").json()["text"]
    assert len(slack.of("usergroups.users.list")) == 1
    assert sorted(j.user_id for j in Store(store_url).recent()) == ["U0GROUPREVIEWER", "U0GROUPREVIEWER"]


def test_health_readiness_and_metrics(make_server, slack: SlackStandIn) -> None:
    server: Server = make_server()
    ready = httpx.get(f"{server.url}/readyz").json()
    assert ready["status"] == "ready" and ready["workers"] >= 1
    server.command("checkout")
    slack.wait_for(lambda: len(_final(slack)) == 1)
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'cloud_doctor_jobs{state="done"} 1.0' in metrics
    assert 'cloud_doctor_diagnoses_total{category="memory_exhaustion"} 1.0' in metrics
    assert "cloud_doctor_slack_ack_seconds_count" in metrics
    assert 'cloud_doctor_stage_seconds_count{stage="diagnosing"}' in metrics


def test_a_service_served_by_a_cluster_is_diagnosed_from_live_telemetry(
    make_server, slack: SlackStandIn, store_url: str
) -> None:
    from tests.bot.test_live_cli import _recent_streams
    from tests.standins.loki import LokiStandIn

    loki = LokiStandIn({"prod": _recent_streams()})
    try:
        server: Server = make_server(
            extra={
                "clusters": [
                    {
                        "name": "eks-prod",
                        "cloud": "aws",
                        "services": ["checkout-live"],
                        "loki": {"url": loki.url, "tenant": "prod", "selector": '{namespace="shop"}'},
                    }
                ]
            }
        )
        assert "On it" in server.command("checkout-live since=45m").json()["text"]
        slack.wait_for(lambda: len(_final(slack)) == 1, timeout=40)
    finally:
        loki.close()
    assert loki.requests and all(r["tenant"] == "prod" for r in loki.requests)
    assert _final(slack)[0].args["text"].startswith("Cloud Doctor: memory_exhaustion in checkout")
    assert Store(store_url).recent()[0].args == JobArgs(since="45m")


def test_serve_says_serving_only_once_it_answers_and_a_busy_port_is_one_line(make_server, tmp_path) -> None:
    server: Server = make_server()
    log = server.log.read_text()
    assert f"cloud-doctor serving on http://127.0.0.1:{server.port}" in log
    assert "will be unused" not in log  # Bolt's token warning is not printed at every start
    busy = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(server.port)],
        env=server.env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert busy.returncode == 3
    assert f"cannot listen on 127.0.0.1:{server.port}: Address already in use" in busy.stderr
    assert "Traceback" not in busy.stderr and "serving on" not in busy.stderr
    # A fresh start: the moment it says it is serving, it answers (no retry).
    fresh = Server(server.env, tmp_path / "fresh.log")
    with fresh.log.open("ab") as out:
        fresh.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(fresh.port)], env=server.env, cwd=ROOT,
            stdout=out, stderr=out,
        )  # fmt: skip
    try:
        deadline = time.time() + 30
        while "serving on" not in fresh.log.read_text():
            assert time.time() < deadline and fresh.proc.poll() is None, fresh.log.read_text()
            time.sleep(0.02)
        assert httpx.get(f"{fresh.url}/healthz", timeout=5).json() == {"status": "ok"}
    finally:
        fresh.stop()


def _workers(server: Server) -> set[int]:
    """The pids of the server's worker processes (spawned children; not multiprocessing's resource tracker)."""
    assert server.proc is not None
    tasks = Path(f"/proc/{server.proc.pid}/task").iterdir()  # a child belongs to the thread that started it
    children = {int(pid) for task in tasks for pid in (task / "children").read_text().split()}
    found = set()
    for pid in children:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            found.add(pid)
    return found


def test_a_killed_worker_is_replaced_and_the_next_job_is_done(make_server, slack: SlackStandIn, store_url: str) -> None:
    server: Server = make_server(extra={"jobs": {"workers": 1, "poll_seconds": 0.2}})
    [first] = _workers(server)
    os.kill(first, signal.SIGKILL)
    deadline = time.time() + 20
    while not (_workers(server) - {first}):
        assert time.time() < deadline, "no worker replaced the killed one"
        time.sleep(0.1)
    assert server.proc is not None and server.proc.poll() is None  # serve itself was never restarted
    assert "On it" in server.command("checkout").json()["text"]
    slack.wait_for(lambda: len(_final(slack)) == 1, timeout=40)
    assert Store(store_url).recent()[0].state == "done"
    ready = httpx.get(f"{server.url}/readyz").json()
    assert ready == {"status": "ready", "workers": 1}
    assert "died with exit code -9; starting another" in server.log.read_text()


def test_readyz_says_not_ready_while_no_worker_is_alive(tmp_path, monkeypatch) -> None:
    """The app before its lifespan has started the workers: acknowledged jobs would never run."""
    from fastapi.testclient import TestClient

    from bot.app import create_app
    from bot.settings import load_settings

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-t")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("CLOUD_DOCTOR_STORE", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.delenv("CLOUD_DOCTOR_CONFIG", raising=False)
    client = TestClient(create_app(load_settings(require_slack=True)))  # no `with`: no lifespan, no workers
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json() == {"status": "no worker alive", "workers": 0}


def test_a_worker_killed_with_its_first_post_in_flight_leaves_one_message(
    make_server, slack: SlackStandIn, store_url: str
) -> None:
    """Slack took the post, the worker died before it learnt the ts: the next worker (started by the same
    `serve`, which is never restarted) finds the message by its metadata and edits it; no second post."""
    in_flight: list[str] = []

    def die_with_the_first_post(method: str, args: dict) -> float:
        if method == "chat.postMessage" and not in_flight:
            in_flight.append(str(args.get("text")))
            return 30.0
        return 0.0

    slack.hang_after = die_with_the_first_post
    server: Server = make_server(
        lease_seconds=5, extra={"jobs": {"workers": 1, "poll_seconds": 0.2, "lease_seconds": 5}}
    )
    assert server.command("checkout").status_code == 200
    slack.wait_for(lambda: bool(in_flight))
    [worker] = _workers(server)
    os.kill(worker, signal.SIGKILL)
    slack.wait_for(lambda: len(_final(slack)) == 1, timeout=60)
    posted = slack.of("chat.postMessage")
    assert len(posted) == 1 and posted[0].args["metadata"]["event_payload"]["job_id"]
    job = Store(store_url).recent()[0]
    assert job.state == "done" and job.attempts == 2 and job.message_ts == _final(slack)[0].args["ts"]
    assert slack.of("conversations.history")  # it looked before posting
    assert server.proc is not None and server.proc.poll() is None
