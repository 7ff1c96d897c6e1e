"""What a worker does with an approval: the reviewed fix as one branch, one commit and one pull request, and the
thread told. Every step can be run again after a crash or an outage and arrives at the same one of each."""

from __future__ import annotations

import fcntl
import hashlib
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.repository.git import Checkout
from bot.repository.github import Credentials, GitHub
from bot.slack.blocks import escape

if TYPE_CHECKING:
    from bot.jobs.store import Job, Store
    from bot.settings import RepositorySettings, Settings


def branch_name(job: Job) -> str:
    service = re.sub(r"[^a-z0-9-]+", "-", job.service.lower()).strip("-") or "service"
    return f"cloud-doctor/{service}-{job.id[:8]}"


def thread_link(channel: str, ts: str | None) -> str:
    """Slack's own address of a message (it opens the thread in the workspace that holds it)."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}" if ts else ""


def credentials(repo: RepositorySettings) -> Credentials:
    return Credentials(repo.api_url, repo.app_id, repo.installation_id, repo.private_key_env, repo.token_env)


def open_pull_request(settings: Settings, store: Store, job: Job) -> None:
    """Open the approved fix's pull request (or find the one already opened) and queue the thread's note."""
    repo = settings.repository_for(job.service)
    fix = (job.result or {}).get("fix") or {}
    diff = str(fix.get("diff", ""))
    sha = hashlib.sha256(diff.encode()).hexdigest()
    decision = store.decision(job.id)
    if repo is None or decision is None or decision["action"] != "approve":
        return
    if decision["diff_sha256"] != sha:  # the stored fix is not what was reviewed: nothing goes out
        _refuse(store, job, repo, "", sha, "the stored fix is not the diff that was approved (its SHA-256 differs)")
        return
    if (known := store.pull_request(job.id)) is not None and known["state"] != "pending":
        return  # opened (or refused) before: the thread was told then
    branch = branch_name(job)
    creds = credentials(repo)
    github = GitHub(repo.api_url, repo.repo, creds)
    root = Path(settings.cloud_doctor_repos_dir or Path(tempfile.gettempdir()) / "cloud-doctor-repos")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    checkout = Checkout(root / repo.repo.replace("/", "__"), repo.git_url or f"https://github.com/{repo.repo}.git",
                        creds)  # fmt: skip
    with open(root / f"{repo.repo.replace('/', '__')}.lock", "w") as lock:  # one worker in a clone at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = checkout.build(branch, repo.base_branch, repo.path, diff, fix.get("files") or {},
                               _commit_message(job, fix, decision), (repo.committer_name, repo.committer_email),
                               float(decision["at"]))  # fmt: skip
        if built.sha is None:
            if known is not None and (earlier := github.find_pull(branch)) is not None:
                _opened(store, job, repo, branch, earlier, str(known.get("commit_sha") or ""), sha)
                return  # an earlier attempt opened it before the base moved: that one stands
            why = f"the fix no longer applies to `{repo.base_branch}` at `{built.base_sha[:7]}` (the base moved)"
            _refuse(store, job, repo, branch, sha, f"{why}: {built.problem}")
            return
        store.save_pull_request(job.id, repo=repo.repo, branch=branch, state="pending", commit_sha=built.sha)
        checkout.push(branch, built.sha)
    pull, _ = github.open_pull(
        f"Cloud Doctor: {fix.get('summary', 'fix')}"[:250], branch, repo.base_branch, _body(job, fix, decision)
    )
    _opened(store, job, repo, branch, pull, built.sha, sha)


def _opened(
    store: Store, job: Job, repo: RepositorySettings, branch: str, pull: dict[str, Any], commit: str, sha: str
) -> None:
    number, url = int(pull["number"]), str(pull.get("html_url", ""))
    note = (
        f"Pull request opened: <{url}|{escape(repo.repo)}#{number}> — branch `{branch}`, one commit "
        f"`{commit[:7]}` holding exactly the approved diff. Its plan is posted here when it comes."
    )
    store.save_pull_request(job.id, note=(job.channel, note), repo=repo.repo, branch=branch, number=number, url=url,
                            state="open", commit_sha=commit, detail="")  # fmt: skip
    if not any(e["action"] == "pr_opened" for e in store.audit_trail(job.id)):  # a retry found it: logged once
        store.record_event(job.id, "pr_opened", "cloud-doctor", sha)


def _refuse(store: Store, job: Job, repo: RepositorySettings, branch: str, sha: str, why: str) -> None:
    note = f"No pull request was opened: {escape(why)}. Ask for a fresh fix with `/terraform {escape(job.service)}`."
    store.save_pull_request(job.id, note=(job.channel, note), repo=repo.repo, branch=branch or branch_name(job),
                            state="refused", detail=why[:2000])  # fmt: skip
    store.record_event(job.id, "pr_refused", "cloud-doctor", sha)


def _commit_message(job: Job, fix: dict[str, Any], decision: dict[str, Any]) -> str:
    return (f"{fix.get('summary', 'Cloud Doctor fix')}"[:200] + f"\n\nApproved by Slack user {decision['user_id']} for "
            f"job {job.id}.\nReviewed diff SHA-256: {decision['diff_sha256']}\n")  # fmt: skip


def _fenced(text: Any) -> str:
    return "```\n" + str(text).replace("```", "ˋˋˋ") + "\n```"


def _body(job: Job, fix: dict[str, Any], decision: dict[str, Any]) -> str:
    """Diagnosis, evidence, checks, who approved and the thread; telemetry only inside fences (no @-mention or
    markdown of its own can act)."""
    diagnosis = (job.result or {}).get("diagnosis") or {}
    evidence = "\n".join(f"{e.get('source', '')} {e.get('ref', '')}: {e.get('line', '')}"
                         for e in (diagnosis.get("evidence") or [])[:6])  # fmt: skip
    checks = "\n".join(f"- {'✅' if c.get('passed') else '❌'} `{c.get('name')}`" for c in fix.get("checks") or [])
    link = thread_link(job.channel, job.message_ts)
    approved = (
        f"Approved in Slack by user `{decision['user_id']}`; the reviewed diff's SHA-256 is "
        f"`{decision['diff_sha256']}`, and this pull request's one commit holds exactly that diff."
    ) + (f"\n\n[The incident's thread]({link})" if link else "")
    return "\n\n".join([
        f"**{diagnosis.get('category', '?')}** in `{diagnosis.get('resource', job.service)}` "
        f"(confidence {float(diagnosis.get('confidence', 0)):.0%}, engine {diagnosis.get('engine', '?')})",
        "### Diagnosis\n" + _fenced(diagnosis.get("summary", "")),
        "### Evidence\n" + _fenced(evidence or "(none stored)"),
        "### The fix\n" + _fenced(fix.get("summary", "")) + f"\nRisk: {fix.get('risk', '?')}, written by "
        f"{fix.get('engine', '?')}.",
        "### Safety checks\n" + (checks or "(none)"),
        approved,
        "Opened by Cloud Doctor. It applies nothing itself: merge when the plan is what you expect.",
    ])  # fmt: skip
