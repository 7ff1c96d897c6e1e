"""Secrets never reach a digest: each kind is removed, counted, and the rest of the line survives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers import Redactor
from bot.pipeline import digest_bundle

SECRETS = {
    "aws_access_key": "AKIAIOSFODNN7EXAMPLE",
    "aws_secret_key": "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "bearer_token": "Authorization: Bearer abcDEF123456ghiJKL789",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlX3Rlc3Q",
    "url_password": "postgres://app:Hunter2Secret@db.internal:5432/app",
    "private_key": "-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA7x",
    "email": "jane.doe@example.com",
    "password": "password=correct-horse-battery",
    "slack_token": "xoxb-123456789012-abcdefghijkl",
}
SECRET_VALUES = {
    "aws_access_key": "AKIAIOSFODNN7EXAMPLE",
    "aws_secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "bearer_token": "abcDEF123456ghiJKL789",
    "jwt": "eyJhbGciOiJIUzI1NiJ9",
    "url_password": "Hunter2Secret",
    "private_key": "MIIEowIBAAKCAQEA7x",
    "email": "jane.doe@example.com",
    "password": "correct-horse-battery",
    "slack_token": "xoxb-123456789012",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_secret_kind_is_redacted(kind: str) -> None:
    redact = Redactor()
    out = redact(f"ERROR login failed for worker 7: {SECRETS[kind]} (retrying)")
    assert SECRET_VALUES[kind] not in out
    assert out.startswith("ERROR login failed for worker 7:")
    # a key with no END marker on the line may continue: everything after BEGIN goes
    assert out.endswith("<PRIVATE_KEY>" if kind == "private_key" else "(retrying)")
    assert redact.counts[kind] == 1


def test_extra_patterns_and_ips_when_asked() -> None:
    redact = Redactor(extra_patterns=[r"cust-\d{6}"], redact_ips=True)
    out = redact("customer cust-123456 from 10.1.2.3 failed")
    assert "cust-123456" not in out and "10.1.2.3" not in out
    assert redact.counts == {"custom_0": 1, "ip_address": 1}


def _bundle_with_secrets(root: Path) -> Path:
    lines = [
        [str(int((1795000000 + 1200 + i) * 1e9)), f"ERROR payment call failed: {SECRETS[k]}"]
        for i, k in enumerate(sorted(SECRETS))
    ]
    lines += [
        [
            str(int((1795000000 + 1300 + i) * 1e9)),
            json.dumps({"level": "error", "msg": "login failed", "error": SECRETS[k]}),
        ]
        for i, k in enumerate(sorted(SECRETS))
    ]
    (root / "loki").mkdir(parents=True)
    (root / "incident.json").write_text(
        json.dumps({"title": "t", "window": {"start": "2026-11-17T08:26:40Z", "end": "2026-11-17T09:26:40Z"}})
    )
    (root / "loki" / "a.json").write_text(
        json.dumps(
            {
                "query": "{}",
                "response": {
                    "status": "success",
                    "data": {"resultType": "streams", "result": [{"stream": {"app": "pay"}, "values": lines}]},
                },
            }
        )
    )
    return root


def test_digest_text_and_findings_carry_no_secret(tmp_path: Path) -> None:
    digest = digest_bundle(_bundle_with_secrets(tmp_path / "b"))
    payload = json.dumps(digest.to_json())
    for kind, value in SECRET_VALUES.items():
        assert value not in payload, kind
    assert "payment call failed" in digest.text
    assert sum(digest.redactions.values()) >= len(SECRETS)
