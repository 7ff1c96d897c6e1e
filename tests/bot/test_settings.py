"""Settings: environment plus YAML, validated at start-up with one message that lists every problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import load_settings
from kernel import CloudDoctorError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "CLOUD_DOCTOR_STORE",
        "CLOUD_DOCTOR_CONFIG",
        "CLOUD_DOCTOR_WEBHOOK_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_with_no_yaml_the_examples_are_the_incidents(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    bundles = settings.incident_bundles()
    assert bundles["checkout"].name == "checkout-oom" and bundles["checkout-oom"] == bundles["checkout"]
    assert settings.engines.diagnoser == "rules" and settings.engines.prescriber == "templates"
    assert settings.store_url == f"sqlite:///{tmp_path / 'cloud-doctor.db'}"


def test_yaml_and_environment_combine(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text("slack:\n  reviewers: [U1]\nincidents:\n  pay: bundles/pay\ndigest:\n  token_budget: 4000\n")
    (tmp_path / "bundles" / "pay").mkdir(parents=True)
    (tmp_path / "bundles" / "pay" / "incident.json").write_text("{}")
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    settings = load_settings()
    assert settings.slack.reviewers == ["U1"] and settings.digest.token_budget == 4000
    assert settings.incident_bundles() == {"pay": tmp_path / "bundles" / "pay"}
    assert settings.slack_signing_secret is not None and "s3cret" not in repr(settings)
    assert settings.store_url == f"sqlite:///{tmp_path / 'cloud-doctor.db'}"


def test_every_problem_is_listed_at_once(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text(
        "slack_bot_token: xoxb-in-yaml\nslack:\n  reviewers: U1\n  favourite: pizza\n"
        "engines:\n  diagnoser: magic\ndigest:\n  token_budget: 10\nincidents:\n  pay: nowhere\n"
    )
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    monkeypatch.setenv("CLOUD_DOCTOR_STORE", "mysql://x")
    with pytest.raises(CloudDoctorError) as err:
        load_settings(require_slack=True)
    message = str(err.value)
    for needle in (
        "slack_bot_token: secrets come only from the environment",
        "slack.reviewers",
        "slack.favourite",
        "engines.diagnoser",
        "digest.token_budget",
    ):
        assert needle in message, needle


def test_environment_problems_are_listed(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLOUD_DOCTOR_STORE", "mysql://x")
    with pytest.raises(CloudDoctorError) as err:
        load_settings(require_slack=True)
    message = str(err.value)
    assert "SLACK_BOT_TOKEN is required" in message and "SLACK_SIGNING_SECRET is required" in message
    assert "CLOUD_DOCTOR_STORE must be" in message


def test_webhooks_need_a_channel_and_sns_pins_need_sns_urls(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text(
        "webhooks:\n  cooldown: soon\n  sns_certificates:\n    https://example.com/cert.pem: missing.pem\n"
    )
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    monkeypatch.setenv("CLOUD_DOCTOR_WEBHOOK_TOKEN", "t")
    with pytest.raises(CloudDoctorError) as err:
        load_settings()
    assert "webhooks.cooldown" in str(err.value)
    config.write_text("webhooks:\n  sns_certificates:\n    https://example.com/cert.pem: missing.pem\n")
    with pytest.raises(CloudDoctorError) as err:
        load_settings()
    message = str(err.value)
    assert "slack.default_channel: alert webhooks are enabled" in message
    assert "https://example.com/cert.pem is not an https://sns.<region>.amazonaws.com/ URL" in message
    assert f"{tmp_path / 'missing.pem'} is not a file" in message
    config.write_text("slack:\n  default_channel: C0ALERTS\nwebhooks:\n  retention: 10m\n")
    with pytest.raises(CloudDoctorError, match="webhooks.retention: keep alert history at least as long"):
        load_settings()
    config.write_text("slack:\n  default_channel: C0ALERTS\n")
    assert load_settings().slack.default_channel == "C0ALERTS"


def test_broken_yaml_names_the_line(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text("slack:\n  reviewers: [U1\n")
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    with pytest.raises(CloudDoctorError, match=r"cd.yaml: line \d+ column \d+ is not valid YAML"):
        load_settings()


def test_serve_without_secrets_exits_2_with_the_list(monkeypatch) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "9"])
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN is required" in result.output and "Traceback" not in result.output


def test_workers_default_to_the_containers_cpu_quota(tmp_path: Path) -> None:
    from bot.settings import available_cpus

    quota = tmp_path / "cpu.max"
    quota.write_text("200000 100000\n")  # 2 CPUs, as a 2-vCPU Cloud Run instance on a bigger host
    assert available_cpus(quota) == 2
    quota.write_text("150000 100000\n")
    assert available_cpus(quota) == 2
    quota.write_text("max 100000\n")  # no quota: the CPUs the process may run on
    assert available_cpus(quota) == len(os.sched_getaffinity(0))
    assert available_cpus(tmp_path / "absent") == len(os.sched_getaffinity(0))


def test_a_secret_in_the_yaml_is_named_as_one_with_where_it_belongs(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text(
        "slack:\n  bot_token: xoxb-1\n  signing_secret: s\n"
        "clusters:\n  - name: eks\n    cloud: aws\n    loki: {url: 'http://loki', bearer_token: t}\n"
        "    prometheus: {url: 'http://prom', password: p}\n"
    )
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    with pytest.raises(CloudDoctorError) as err:
        load_settings()
    message = str(err.value)
    assert "Extra inputs are not permitted" not in message
    assert (
        "slack.bot_token: is a secret: secrets come only from the environment; remove it here and set SLACK_BOT_TOKEN"
        in message
    )
    assert "slack.signing_secret: is a secret" in message and "set SLACK_SIGNING_SECRET" in message
    assert "clusters.0.loki.bearer_token: is a secret" in message and "`bearer_token_env`" in message
    assert "`basic_auth_password_env`" in message


def test_a_misspelt_source_in_a_cluster_is_refused(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text("clusters:\n  - name: eks\n    cloud: aws\n    lokii: {url: 'http://loki'}\n")
    monkeypatch.setenv("CLOUD_DOCTOR_CONFIG", str(config))
    with pytest.raises(CloudDoctorError) as err:
        load_settings()
    message = str(err.value)
    assert "clusters.0.lokii: not a setting here (misspelt, or in the wrong section?)" in message
    assert (
        "this section takes: name, cloud, region, project, services, prometheus, loki, cloudwatch, kubernetes"
        in message
    )


def test_help_lists_one_name_per_bundle_and_says_how_many_more(monkeypatch, tmp_path: Path) -> None:
    from bot.slack.command_text import help_text

    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    listed = settings.listed_services()
    assert "checkout" in listed and "checkout-oom" not in listed  # the alias, once
    assert set(listed) <= set(settings.known_services()) and len(listed) == len(
        set(settings.incident_bundles().values())
    )
    text = help_text([], listed, limit=5)
    assert text.endswith(f"and {len(listed) - 5} more.") and text.count("`, `") == 4


def test_the_cli_uses_the_configured_token_budget_unless_told_otherwise(tmp_path: Path) -> None:
    from tests.conftest import INCIDENTS, run_cli

    config = tmp_path / "cd.yaml"
    config.write_text("digest:\n  token_budget: 1500\n")
    env = {**os.environ, "CLOUD_DOCTOR_CONFIG": str(config)}
    configured = run_cli("digest", str(INCIDENTS / "checkout-oom"), "--format", "text", env=env)
    assert configured.returncode == 0 and "(budget 1500)" in configured.stderr
    told = run_cli("digest", str(INCIDENTS / "checkout-oom"), "--format", "text", "--token-budget", "3000", env=env)
    assert told.returncode == 0 and "(budget 3000)" in told.stderr
