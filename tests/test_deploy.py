"""The deploy: Terraform for GCP and AWS, the Cloud Run image and service, the Slack manifest.

Every .tf file parses with python-hcl2, and policy checks over the parsed Terraform hold (each check is
also shown catching the mistake it is for). No cloud is called: these read the files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest
import yaml

from tests.conftest import ROOT
from tests.deploy_policy import (
    clean,
    iam_violations,
    knative_secret_violations,
    load_dir,
    named,
    plain_secret_violations,
    public_invoker_violations,
    trust_violations,
)

TERRAFORM = ROOT / "terraform"
GCP, AWS = TERRAFORM / "gcp", TERRAFORM / "aws"


@pytest.mark.parametrize("path", sorted(TERRAFORM.rglob("*.tf")), ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_tf_file_parses(path: Path) -> None:
    assert hcl2.loads(path.read_text())


def test_aws_least_privilege_and_no_keys() -> None:
    doc = load_dir(AWS)
    assert iam_violations(doc) == []
    policy = dict(named(doc, "data", "aws_iam_policy_document"))["read_and_invoke"]
    actions = {a for d in policy["dynamic"] for c in d["statement"]["content"] for a in c["actions"]}
    actions |= {a for s in policy.get("statement", []) for a in s["actions"]}
    assert "bedrock:InvokeModel" in actions and "logs:FilterLogEvents" in actions
    assert not any(a.startswith(("logs:Put", "logs:Delete", "logs:Create", "iam:", "s3:")) for a in actions)


def test_aws_trust_is_pinned_to_the_service_accounts_unique_id() -> None:
    doc = load_dir(AWS)
    assert trust_violations(doc) == []
    [variable] = [
        b["google_service_account_unique_id"] for b in doc["variable"] if "google_service_account_unique_id" in b
    ]
    assert "default" not in variable  # it must be given: no role that trusts a placeholder


def test_gcp_no_public_invoker_unless_asked_and_no_plain_secrets() -> None:
    doc = load_dir(GCP)
    assert public_invoker_violations(doc) == []
    assert plain_secret_violations(doc) == []
    assert iam_violations(doc) == []
    roles = {body["role"] for _, body in named(doc, "resource", "google_project_iam_member")}
    assert roles == {
        "roles/aiplatform.user",
        "roles/cloudsql.client",
        "roles/container.viewer",
        "roles/logging.viewer",
        "roles/monitoring.viewer",
    }  # viewers and a client: no owner, editor or admin


def test_gcp_cloud_run_service_shape() -> None:
    doc = load_dir(GCP)
    [(_, service)] = list(named(doc, "resource", "google_cloud_run_v2_service"))
    [template] = service["template"]
    [container] = template["containers"]
    assert container["resources"][0]["cpu_idle"] is False  # CPU stays allocated for background jobs
    assert container["startup_probe"][0]["http_get"][0]["path"] == "/readyz"
    assert template["scaling"][0]["min_instance_count"] == "${var.min_instances}"
    assert template["max_instance_request_concurrency"] == "${var.concurrency}"
    assert template["service_account"] == "${google_service_account.runtime.email}"
    secret_envs = [d for d in container["dynamic"] if "env" in d and "value_source" in str(d)]
    assert secret_envs and "secret_key_ref" in str(secret_envs[0])


def test_the_checks_catch_what_they_are_for() -> None:
    bad = clean(
        hcl2.loads("""
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["accounts.google.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "accounts.google.com:oaud"
      values   = ["cloud-doctor"]
    }
  }
}
data "aws_iam_policy_document" "perms" {
  statement {
    sid       = "All"
    actions   = ["*"]
    resources = ["arn:aws:s3:::x"]
  }
  statement {
    sid       = "WriteEverywhere"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}
resource "aws_iam_access_key" "k" {
  user = "u"
}
resource "google_cloud_run_v2_service_iam_member" "public" {
  role   = "roles/run.invoker"
  member = "allUsers"
}
resource "google_cloud_run_v2_service" "s" {
  template {
    containers {
      env {
        name  = "SLACK_BOT_TOKEN"
        value = "xoxb-123"
      }
      env {
        name  = "CLOUD_DOCTOR_STORE"
        value = "postgresql://bot:hunter2@10.0.0.3/db"
      }
    }
  }
}
""")
    )
    assert len(iam_violations(bad)) == 3  # "*", a write on "*", an access key
    assert any("accounts.google.com:aud is not pinned" in v for v in trust_violations(bad))
    assert public_invoker_violations(bad) == ["google_cloud_run_v2_service_iam_member.public: public invoker "
                                              "without var.allow_public_invoker"]  # fmt: skip
    assert len(plain_secret_violations(bad)) == 2


def test_terraform_is_formatted() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed (python-hcl2 has parsed every file above)")
    result = subprocess.run([terraform, "fmt", "-check", "-recursive", str(TERRAFORM)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cloud_run_service_yaml() -> None:
    spec = yaml.safe_load((ROOT / "cloudrun" / "service.yaml").read_text())
    template = spec["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["run.googleapis.com/cpu-throttling"] == "false"
    assert int(annotations["autoscaling.knative.dev/minScale"]) >= 1
    assert int(annotations["autoscaling.knative.dev/maxScale"]) >= 1
    body = template["spec"]
    assert body["containerConcurrency"] > 0 and body["serviceAccountName"].startswith("cloud-doctor@")
    [container] = body["containers"]
    assert container["startupProbe"]["httpGet"]["path"] == "/readyz"
    secrets = {e["name"] for e in container["env"] if "valueFrom" in e}
    assert secrets == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLOUD_DOCTOR_WEBHOOK_TOKEN"}
    assert knative_secret_violations(spec) == []


def test_dockerfile_is_multi_stage_non_root_and_warms_the_hcl_parser() -> None:
    text = (ROOT / "cloudrun" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(stages) == 2 and all(re.fullmatch(r"python:3\.\d+-slim-\w+", s) for s in stages)
    runtime = text.split("\nFROM " + stages[1] + "\n")[1]
    user = re.search(r"^USER (\S+)", runtime, re.M)
    assert user and not user.group(1).startswith(("root", "0"))
    assert "hcl2.loads" in text and "PARSER_FILE" in text
    # the workers' charts: matplotlib's font cache built at build time, where the runtime user can write
    assert "import matplotlib.font_manager" in text and re.search(r"^ENV MPLCONFIGDIR=/tmp/", runtime, re.M)
    assert re.search(r"apt-get install -y --no-install-recommends git ", runtime)  # pull requests need real git
    installs = re.findall(r"pip install ([^&\n]+)", text)
    assert installs and not any("[dev]" in i or "pytest" in i for i in installs)  # runtime dependencies only
    assert re.search(r'^ENTRYPOINT \["cloud-doctor", "serve", "--host", "0.0.0.0"\]', runtime, re.M)
    build = yaml.safe_load((ROOT / "cloudrun" / "cloudbuild.yaml").read_text())
    assert any("cloudrun/Dockerfile" in step.get("args", []) for step in build["steps"])


def test_serve_takes_its_port_from_the_environment() -> None:
    from bot.cli import main

    option = next(p for p in main.commands["serve"].params if p.name == "port")
    assert option.envvar == "PORT"


def test_slack_manifest() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text())
    commands = {c["command"]: c["url"] for c in manifest["features"]["slash_commands"]}
    from bot.slack.slash import COMMANDS

    assert set(commands) == {"/analyze-logs", "/terraform", "/postmortem"} == set(COMMANDS)  # each one is served
    assert all(url.endswith("/slack/events") for url in commands.values())
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "files:write",
        "usergroups:read",
        "channels:history",
        "groups:history",
        "app_mentions:read",
        "reactions:write",
    }
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"].endswith("/slack/events")
    assert set(events["bot_events"]) == {"app_mention", "message.channels", "message.groups"}  # thread questions
