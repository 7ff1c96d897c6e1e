"""From approval to pull request, end to end against the Slack and GitHub stand-ins and a real git repository:
`/terraform checkout` → Approve → one branch, one commit whose files are the reviewed ones, one pull request →
Atlantis's plan by webhook → its summary in the thread → merged → "merged" in the thread and the audit log. And
the refusals: a non-reviewer, a fix the moved base no longer takes, a forged or unsigned webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
from pathlib import Path

import httpx

from bot.jobs.store import Store
from tests.bot.repository.conftest import REPO, TOKEN, push_to_main
from tests.bot.repository.test_units import ATLANTIS
from tests.standins.github import GitHubStandIn
from tests.standins.slack_api import SlackStandIn

HOOK_SECRET = "whsec_standin"


def _server(make_server, remote: Path, github: GitHubStandIn, tmp_path: Path):
    repository = {"repo": REPO, "path": "infra/live", "git_url": str(remote), "api_url": github.url,
                  "services": ["checkout"], "token_env": "GITHUB_TOKEN"}  # fmt: skip
    env = {"GITHUB_TOKEN": TOKEN, "CLOUD_DOCTOR_GITHUB_WEBHOOK_SECRET": HOOK_SECRET,
           "CLOUD_DOCTOR_REPOS_DIR": str(tmp_path / "clones")}  # fmt: skip
    return make_server(extra={"repositories": [repository]}, env=env)


def _fix_job(server, slack: SlackStandIn, store_url: str):
    assert server.command("checkout", command="/terraform").status_code == 200
    slack.wait_for(lambda: bool(slack.of("files.completeUploadExternal")), timeout=40)
    job = Store(store_url).recent()[0]
    final = [c for c in slack.of("chat.update") if c.args.get("ts") == job.message_ts][-1]
    return job, {"ts": job.message_ts, "blocks": final.args["blocks"]}


def _thread(slack: SlackStandIn, ts: str) -> list[str]:
    return [str(c.args.get("text", "")) for c in slack.of("chat.postMessage") if c.args.get("thread_ts") == ts]


def _git(remote: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(remote), *args], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def _hook(server, event: str, doc: dict, delivery: str, secret: str | None = HOOK_SECRET) -> httpx.Response:
    body = json.dumps(doc).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery}
    if secret is not None:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return httpx.post(f"{server.url}/webhooks/github", content=body, headers=headers, timeout=10)


def test_approve_opens_one_pull_request_and_the_plan_and_merge_come_back(
    make_server, slack: SlackStandIn, store_url: str, remote: Path, github: GitHubStandIn, tmp_path: Path
) -> None:
    server = _server(make_server, remote, github, tmp_path)
    job, message = _fix_job(server, slack, store_url)
    assert server.action("approve_fix", job.id, "U0STRANGER", message).status_code == 200  # not a reviewer
    for _ in range(3):  # a reviewer, a double click and Slack's retry of it
        assert server.action("approve_fix", job.id, "U0REVIEWER", message).status_code == 200
    slack.wait_for(lambda: any("Pull request opened" in t for t in _thread(slack, job.message_ts)), timeout=40)
    assert len(github.pulls) == 1
    pull = github.pulls[0]
    branch = pull["head"]["ref"]
    assert branch == f"cloud-doctor/checkout-{job.id[:8]}" and pull["base"]["ref"] == "main"
    assert _git(remote, "rev-list", f"main..{branch}").split() == [pull["head"]["sha"]]  # one commit
    fix = Store(store_url).get(job.id).result["fix"]  # type: ignore[union-attr]
    changed = _git(remote, "diff", "--name-only", "main", branch).split()
    assert changed == [f"infra/live/{p}" for p in sorted(fix["files"])]
    for rel, text in fix["files"].items():
        assert _git(remote, "show", f"{branch}:infra/live/{rel}") == text  # byte for byte what was reviewed
    reviewed = hashlib.sha256(fix["diff"].encode()).hexdigest()
    assert f"`{reviewed}`" in pull["body"] and "U0REVIEWER" in pull["body"] and "memory_exhaustion" in pull["body"]
    assert f"https://slack.com/archives/C0INCIDENT/p{job.message_ts.replace('.', '')}" in pull["body"]

    repository = {"full_name": REPO}
    issue = {"number": pull["number"], "pull_request": {"url": "x"}}
    comment = {"action": "created", "repository": repository, "sender": {"login": "atlantis-bot"}, "issue": issue,
               "comment": {"body": ATLANTIS}}  # fmt: skip
    quiet = "Ran Plan for dir: `infra/live`\n\nPlan: 0 to add, 0 to change, 0 to destroy."
    lookalike = {**comment, "sender": {"login": "mallory"}, "comment": {"body": quiet}}
    assert _hook(server, "issue_comment", lookalike, "d-0").json() == {"outcome": "not a plan author (mallory)"}
    assert _hook(server, "issue_comment", comment, "d-1").json() == {"outcome": "plan"}
    assert _hook(server, "issue_comment", comment, "d-1").json() == {"outcome": "already handled"}  # redelivered
    slack.wait_for(lambda: any("Plan for" in t for t in _thread(slack, job.message_ts)))
    (plan,) = [t for t in _thread(slack, job.message_ts) if "Plan for" in t]
    assert "plan: 0 to add, 1 to change, 0 to destroy" in plan and "atlantis-bot" in plan

    output = {"title": "Terraform plan: 1 to add, 0 to change, 1 to destroy.", "summary": ""}
    check = {"name": "Terraform Cloud/acme/infra-live", "app": {"name": "Terraform Cloud"}, "head_sha": "f" * 40,
             "pull_requests": [{"number": pull["number"]}], "output": output}  # fmt: skip
    run = {"action": "completed", "repository": repository, "sender": {"login": "tfc"}, "check_run": check}
    assert _hook(server, "check_run", run, "d-3").json() == {"outcome": "plan"}
    slack.wait_for(lambda: any("DESTROYS" in t for t in _thread(slack, job.message_ts)))
    (loud,) = [t for t in _thread(slack, job.message_ts) if "DESTROYS" in t]
    assert loud.count(":rotating_light:") == 1 and "from Terraform Cloud" in loud
    assert "of commit `fffffff`, not the approved" in loud  # someone pushed to the branch after the approval

    merged = {"action": "closed", "repository": repository, "sender": {"login": "ann"},
              "pull_request": {"number": pull["number"], "merged": True, "merged_by": {"login": "ann"}}}  # fmt: skip
    assert _hook(server, "pull_request", merged, "d-2").json() == {"outcome": "merged"}
    slack.wait_for(lambda: any("was merged by ann" in t for t in _thread(slack, job.message_ts)))
    store = Store(store_url)
    assert [(e["action"], e["user_id"]) for e in store.audit_trail(job.id)] == [
        ("approve", "U0REVIEWER"), ("pr_opened", "cloud-doctor"), ("plan", "github:atlantis-bot"),
        ("plan", "github:Terraform Cloud"), ("pr_merged", "github:ann"),
    ]  # fmt: skip
    assert all(e["diff_sha256"] == reviewed for e in store.audit_trail(job.id))
    assert store.pull_request(job.id)["state"] == "merged"  # type: ignore[index]
    assert len([t for t in _thread(slack, job.message_ts) if "Pull request opened" in t]) == 1


def test_a_fix_the_moved_base_no_longer_takes_opens_nothing_and_says_so(
    make_server, slack: SlackStandIn, store_url: str, remote: Path, github: GitHubStandIn, tmp_path: Path
) -> None:
    server = _server(make_server, remote, github, tmp_path)
    job, message = _fix_job(server, slack, store_url)
    push_to_main(tmp_path, remote, "infra/live/apps/checkout.tf", 'memory = "512Mi"', 'memory = "768Mi"')
    assert server.action("approve_fix", job.id, "U0REVIEWER", message).status_code == 200
    slack.wait_for(lambda: any("No pull request was opened" in t for t in _thread(slack, job.message_ts)), timeout=40)
    (note,) = [t for t in _thread(slack, job.message_ts) if "No pull request" in t]
    assert "no longer applies to `main`" in note and "/terraform checkout" in note
    assert github.pulls == [] and "cloud-doctor/" not in _git(remote, "branch", "--list")
    assert [e["action"] for e in Store(store_url).audit_trail(job.id)] == ["approve", "pr_refused"]


def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing(
    make_server, remote: Path, github: GitHubStandIn, tmp_path: Path, store_url: str
) -> None:
    server = _server(make_server, remote, github, tmp_path)
    doc = {"action": "closed", "repository": {"full_name": REPO}, "pull_request": {"number": 1, "merged": True}}
    forged = _hook(server, "pull_request", doc, "d-9", secret="not-the-secret")
    assert forged.status_code == 401 and "does not match" in forged.json()["error"]
    unsigned = _hook(server, "pull_request", doc, "d-9", secret=None)
    assert unsigned.status_code == 401 and "X-Hub-Signature-256" in unsigned.json()["error"]
    assert _hook(server, "ping", {"zen": "Keep it logically awesome."}, "d-10").json() == {"outcome": "pong"}
    unknown = _hook(server, "pull_request", doc, "d-11")  # signed, but not a pull request Cloud Doctor opened
    assert unknown.json() == {"outcome": "not a pull request Cloud Doctor opened"}


def test_refused_credentials_tell_the_thread_once_and_keep_where_it_was_going(
    make_server, slack: SlackStandIn, store_url: str, remote: Path, github: GitHubStandIn, tmp_path: Path
) -> None:
    repository = {"repo": REPO, "path": "infra/live", "git_url": str(remote), "api_url": github.url,
                  "services": ["checkout"]}  # fmt: skip
    env = {"GITHUB_TOKEN": "ghp_revoked", "CLOUD_DOCTOR_REPOS_DIR": str(tmp_path / "clones")}
    server = make_server(extra={"repositories": [repository]}, env=env)
    job, message = _fix_job(server, slack, store_url)
    assert server.action("approve_fix", job.id, "U0REVIEWER", message).status_code == 200
    slack.wait_for(lambda: any("was not opened" in t for t in _thread(slack, job.message_ts)), timeout=40)
    (note,) = [t for t in _thread(slack, job.message_ts) if "not opened" in t]
    assert "GitHub answered 401" in note and "Bad credentials" in note and "ghp_revoked" not in note
    row = Store(store_url).pull_request(job.id)
    assert row is not None and row["state"] == "failed" and row["repo"] == REPO
    assert row["branch"] == f"cloud-doctor/checkout-{job.id[:8]}"  # pushed before GitHub refused: still named
    assert github.pulls == []
