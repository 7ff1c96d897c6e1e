"""The pieces of the pull-request flow alone: plans read as Atlantis and Terraform Cloud write them, the GitHub
client against its stand-in (an existing pull request found, not doubled; rate limits and bad credentials told
apart), the App's JWT, and the git build (one commit holding exactly the files; a moved base refused)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.repository.git import Checkout
from bot.repository.github import Credentials, GitHub, GitHubError, app_jwt
from bot.repository.plan import read_plan
from tests.bot.repository.conftest import REPO, TOKEN, git, push_to_main
from tests.standins.github import GitHubStandIn

ATLANTIS = """Ran Plan for dir: `infra/live` workspace: `default`

<details><summary>Show Output</summary>

```diff
Terraform will perform the following actions:

  # kubernetes_deployment_v1.checkout will be updated in-place
  ~ resource "kubernetes_deployment_v1" "checkout" {
      ~ spec {
Plan: 0 to add, 1 to change, 0 to destroy.
```
</details>

* :arrow_forward: To **apply** this plan, comment:
    * `atlantis apply -d infra/live`
"""


@pytest.mark.parametrize(
    ("text", "summary", "destroy"),
    [
        (ATLANTIS, "plan: 0 to add, 1 to change, 0 to destroy", 0),
        (ATLANTIS.replace("0 to add, 1 to change, 0 to destroy", "1 to add, 0 to change, 1 to destroy"),
         "plan: 1 to add, 0 to change, 1 to destroy — it DESTROYS 1 resource(s): read it before merging", 1),
        ("Ran Plan for 2 projects:\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n\nPlan: 0 to add, 2 to change, 0 to"
         " destroy.", "plan: 1 to add, 2 to change, 0 to destroy", 0),
        ("Terraform plan: 0 to add, 3 to change, 0 to destroy.", "plan: 0 to add, 3 to change, 0 to destroy", 0),
        ("Ran Plan for dir: `infra/live`\n\nNo changes. Your infrastructure matches the configuration.",
         "the plan changes nothing", 0),
        ("Ran Plan for dir: `infra/live` workspace: `default`\n\n**Plan Error**\n```\n│ Error: Unsupported argument\n"
         "```",
         "the plan failed: Unsupported argument", 0),
        ("Ran Plan for 2 projects:\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n\n**Plan Error**\n"
         "Error: Invalid reference", "the plan failed: Invalid reference", 0),
        ("Terraform plan: 2 to import, 0 to add, 1 to change, 0 to destroy.",
         "plan: 0 to add, 1 to change, 0 to destroy", 0),
    ],
    ids=["atlantis", "destroy", "projects", "terraform-cloud", "no-changes", "error", "one-project-failed", "import"],
)  # fmt: skip
def test_a_plan_is_read_as_its_tool_writes_it(text: str, summary: str, destroy: int) -> None:
    plan = read_plan(text)
    assert plan is not None and plan.summary() == summary and plan.destroy == destroy


def test_a_persons_comment_is_not_a_plan() -> None:
    assert read_plan("LGTM, but can we wait for the freeze to end?") is None


def test_an_existing_pull_request_is_found_not_doubled(remote: Path, tmp_path: Path, github: GitHubStandIn,
                                                       monkeypatch) -> None:  # fmt: skip
    monkeypatch.setenv("GH_TEST_TOKEN", TOKEN)
    seed = tmp_path / "w"
    git(tmp_path, "clone", "--quiet", str(remote), str(seed))
    git(seed, "checkout", "--quiet", "-b", "cloud-doctor/x")
    git(seed, "commit", "--quiet", "--allow-empty", "-m", "x")
    git(seed, "push", "--quiet", "origin", "cloud-doctor/x")
    client = GitHub(github.url, REPO, Credentials(github.url, None, None, None, "GH_TEST_TOKEN"))
    first, opened = client.open_pull("t", "cloud-doctor/x", "main", "b")
    again, opened_again = client.open_pull("t", "cloud-doctor/x", "main", "b")
    assert opened and not opened_again and first["number"] == again["number"] == 1 and len(github.pulls) == 1
    assert github.requests[0]["headers"]["X-GitHub-Api-Version"] == "2022-11-28"
    with pytest.raises(GitHubError) as missing:
        client.open_pull("t", "cloud-doctor/nope", "main", "b")
    assert missing.value.status == 422 and not missing.value.transient
    monkeypatch.setenv("GH_TEST_TOKEN", "ghp_wrong")
    with pytest.raises(GitHubError) as refused:
        client.open_pull("t", "cloud-doctor/x", "main", "b")
    assert refused.value.status == 401 and "Bad credentials" in str(refused.value) and not refused.value.transient
    github.budget = 0
    with pytest.raises(GitHubError) as limited:
        client.open_pull("t", "cloud-doctor/x", "main", "b")
    assert limited.value.status == 403 and limited.value.transient and limited.value.retry_after is not None


def test_a_github_app_installation_token_is_minted_from_a_verified_jwt(remote: Path, monkeypatch) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    standin = GitHubStandIn(REPO, remote, "unused", app=(314159, key.public_key()))
    try:
        monkeypatch.setenv("APP_PEM", pem)
        creds = Credentials(standin.url, 314159, 4242, "APP_PEM", None)
        token = creds()
        assert token == standin.installation_tokens[0] and creds() == token  # kept until near its expiry
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()  # fmt: skip
        monkeypatch.setenv("APP_PEM", forged)
        with pytest.raises(GitHubError) as refused:
            Credentials(standin.url, 314159, 4242, "APP_PEM", None)()
        assert refused.value.status == 401
        import base64
        import json

        claims = json.loads(base64.urlsafe_b64decode(app_jwt(314159, pem, now=1796000000).split(".")[1] + "=="))
        assert claims == {"iat": 1795999940, "exp": 1796000540, "iss": "314159"}  # a minute back, ten minutes long
    finally:
        standin.close()


def _fix(remote: Path, tmp_path: Path) -> tuple[str, dict[str, str]]:
    text = (tmp_path / "look").exists() or git(tmp_path, "clone", "--quiet", str(remote), str(tmp_path / "look"))
    del text
    old = (tmp_path / "look" / "infra/live/apps/checkout.tf").read_text()
    new = old.replace('memory = "512Mi"', 'memory = "1024Mi"', 1)
    assert new != old
    import difflib

    diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/apps/checkout.tf",
                                        "b/apps/checkout.tf"))  # fmt: skip
    return diff, {"apps/checkout.tf": new}


def test_the_build_is_one_commit_of_exactly_the_files_and_the_same_on_a_retry(remote: Path, tmp_path: Path) -> None:
    diff, files = _fix(remote, tmp_path)
    checkout = Checkout(tmp_path / "clone", str(remote))
    who = ("Cloud Doctor", "cd@example.com")
    built = checkout.build("cloud-doctor/checkout-1", "main", "infra/live", diff, files, "fix", who, 1796000000)
    again = checkout.build("cloud-doctor/checkout-1", "main", "infra/live", diff, files, "fix", who, 1796000000)
    assert built.sha and built.sha == again.sha  # the approval's time: a retry builds the very same commit
    checkout.push("cloud-doctor/checkout-1", built.sha)
    checkout.push("cloud-doctor/checkout-1", built.sha)
    log = subprocess.run(["git", "--git-dir", str(remote), "rev-list", "main..cloud-doctor/checkout-1"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert log == [built.sha]


def test_a_base_that_moved_under_the_fix_is_refused(remote: Path, tmp_path: Path) -> None:
    diff, files = _fix(remote, tmp_path)
    push_to_main(tmp_path, remote, "infra/live/apps/checkout.tf", 'memory = "512Mi"', 'memory = "640Mi"')
    built = Checkout(tmp_path / "clone", str(remote)).build("b", "main", "infra/live", diff, files, "m",
                                                            ("n", "e"), 0)  # fmt: skip
    assert built.sha is None and "patch does not apply" in built.problem


def test_the_credential_reaches_git_through_its_environment_never_its_command_line(tmp_path: Path,
                                                                                   monkeypatch) -> None:  # fmt: skip
    import base64

    import bot.repository.git as gitmod

    seen: list[tuple[list[str], dict[str, str]]] = []

    def run(args, **kwargs):
        seen.append((args, kwargs["env"]))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(gitmod.subprocess, "run", run)
    gitmod.Checkout(tmp_path, "https://github.com/acme/infra.git", lambda: "ghs_secret")._git("fetch", "origin")
    args, env = seen[0]
    assert not any("ghs_secret" in a or "Basic" in a for a in args)
    assert env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert base64.b64decode(env["GIT_CONFIG_VALUE_0"].split()[-1]) == b"x-access-token:ghs_secret"

    def hang(args, **kwargs):
        raise subprocess.TimeoutExpired(args, 120)

    monkeypatch.setattr(gitmod.subprocess, "run", hang)
    with pytest.raises(gitmod.GitError) as slow:
        gitmod.Checkout(tmp_path, "https://github.com/acme/infra.git", lambda: "ghs_secret")._git("fetch")
    assert "ghs_secret" not in str(slow.value) and "120 s" in str(slow.value)
