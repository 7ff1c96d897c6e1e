"""Secrets as they appear in logs, and lines that only look like them: the corpus the redactor is held to.

Each secret value is written in the places real systems print one: environment dumps (`KEY=value`,
`export KEY="value"`), structured JSON logs (plain and JSON-escaped inside a message), URLs, HTTP headers
and CLI flags. Token shapes are the providers' documented formats (GitHub's `ghp_`/`github_pat_`, Slack's
`xoxb-`/`xapp-`/webhook URLs, Stripe's `sk_live_`/`rk_live_`, AWS `AKIA`/`ASIA` ids and 40-character
secrets, Google `AIza` keys and `ya29.` OAuth tokens, GitLab `glpat-`, npm `npm_`, SendGrid `SG.`, OpenAI
`sk-`, Anthropic `sk-ant-`, PEM private keys, GCP service-account JSON); the values are made up.
"""

from __future__ import annotations

import base64
import json

# (kind, the secret value itself): each is placed in every context below that fits it.
VALUES: list[tuple[str, str]] = [
    ("password", "Hunter2-correct-horse"),
    ("aws_secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws_session", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleSessionTokenValue0123456789"),
    ("github", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github_pat", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"),
    ("slack_bot", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("slack_app", "xapp-1-A0123ABCDEF-1234567890123-0123456789abcdef0123456789abcdef"),
    ("stripe", "sk_live_51H8exampleABCDEFGHIJKLMNOPQRSTUVWXyz0123456789"),
    ("stripe_restricted", "rk_live_51H8exampleABCDEFGHIJKLMNOPQRSTUVWX"),
    ("gitlab", "glpat-xY1zAbCdEfGhIjKlMnOp"),
    ("npm", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("sendgrid", "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"),
    ("openai", "sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"),
    ("anthropic", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH-abcdefAA"),
    ("google_oauth", "ya29.a0AfH6SMBexampleexampleexampleexampleexample"),
    ("session_cookie", "9F1A2B3C4D5E6F708192A3B4C5D6E7F8"),
    ("basic_auth", base64.b64encode(b"deploy:S3cr3t-Passw0rd").decode()),
]

# Where a value appears; {name} is the variable/field name, {v} the value.
ENV_NAMES = {
    "password": ["DB_PASSWORD", "POSTGRES_PASSWORD", "PGPASSWORD", "MYSQL_ROOT_PASSWORD", "REDIS_PASSWORD"],
    "aws_secret": ["AWS_SECRET_ACCESS_KEY"],
    "aws_session": ["AWS_SESSION_TOKEN"],
    "github": ["GITHUB_TOKEN", "GH_TOKEN"],
    "github_pat": ["GITHUB_TOKEN"],
    "slack_bot": ["SLACK_BOT_TOKEN"],
    "slack_app": ["SLACK_APP_TOKEN"],
    "stripe": ["STRIPE_SECRET_KEY"],
    "stripe_restricted": ["STRIPE_KEY"],
    "gitlab": ["GITLAB_TOKEN"],
    "npm": ["NPM_TOKEN"],
    "sendgrid": ["SENDGRID_API_KEY"],
    "openai": ["OPENAI_API_KEY"],
    "anthropic": ["ANTHROPIC_API_KEY"],
    "google_oauth": ["GOOGLE_OAUTH_ACCESS_TOKEN"],
}


def secret_lines() -> list[tuple[str, str, str]]:
    """(kind, line, value that must not survive; for a base64 blob, its first 40 characters)."""
    out: list[tuple[str, str, str]] = []
    for kind, v in VALUES:
        for name in ENV_NAMES.get(kind, []):
            out += [
                (kind, f"{name}={v}", v),
                (kind, f'export {name}="{v}"', v),
                (kind, f"  - name: {name}\n    value: {v}", v),
                (kind, json.dumps({"level": "info", "msg": "config loaded", name.lower(): v}), v),
                (kind, json.dumps({"msg": json.dumps({name.lower(): v})}), v),  # JSON inside a JSON message
            ]
        if kind == "password":
            out += [
                (kind, f"password={v}", v),
                (kind, f"token={v}", v),
                (kind, f"--password {v}", v),
                (kind, f"--db-password={v}", v),
                (kind, f"redis://:{v}@cache.internal:6379/0", v),
                (kind, f"amqp://celery:{v}@rabbitmq:5672//", v),
                (kind, f"mongodb+srv://app:{v}@cluster0.mongodb.net/shop", v),
                (kind, f'{{"user": "app", "password": "{v}"}}', v),
                (kind, '{\\"password\\":\\"' + v + '\\"}', v),  # JSON-escaped in a message
                (kind, f'password: "{v} and more"', "and more"),  # quoted, with spaces: the tail too
                (kind, f"PGPASSWORD='{v} and more' psql -h db", "and more"),
                (kind, json.dumps({"msg": "login", "passwd": v}).replace("/", "\\/"), v),
            ]
        if kind == "basic_auth":
            out.append((kind, f"GET /api HTTP/1.1 Authorization: Basic {v}", v))
            out.append((kind, f'"headers": {{"authorization": "Basic {v}"}}', v))
        if kind == "session_cookie":
            out += [(kind, f"Cookie: JSESSIONID={v}; Path=/", v), (kind, f"Set-Cookie: session={v}; HttpOnly", v)]
        if kind not in ("password", "basic_auth", "session_cookie"):
            out.append((kind, f"ERROR request failed with key {v} (401)", v))  # the bare token
    out += [
        ("aws_access_key", "keyAKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_access_key", "aws_access_key_id=ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"),
        ("slack_webhook", "posting to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
         "XXXXXXXXXXXXXXXXXXXXXXXX"),
        ("private_key", '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END'
         ' PRIVATE KEY-----\\n"}', "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
        ("gcp_service_account", base64.b64encode(json.dumps(
            {"type": "service_account", "project_id": "p", "private_key_id": "0123456789abcdef0123456789abcdef01234567",
             "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"}
        ).encode()).decode(), None),
        ("json_unicode_escape", '{"\\u0070assword": "Hunter2-correct-horse"}', "Hunter2-correct-horse"),
    ]  # fmt: skip
    return [(kind, line, value if value is not None else line[:40]) for kind, line, value in out]


def benign_lines() -> list[str]:
    """Lines a redactor must leave alone: ids, hashes, trace ids, and words that sound like secrets."""
    lines = [
        "token bucket refilled: 100 tokens/s, burst 200",
        "password reset requested for user 18231",
        "secret rotation completed for 3 secrets",
        "using tokenizer cl100k_base",
        "all 212 tests passed; bypass cache disabled",
        "keyspace hits=1203 misses=12 evicted_keys=0",
        "mounted secretRef app-config into /etc/app",
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b merged",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 pulled",
        "request_id=7c9e6679-7425-40de-944b-e07fc1f90ae7 status=200 duration_ms=12",
        "GET /api/v1/orders/8812?page=2 -> 200 in 154ms",
        "kafka consumer group payments-settle lag=1203 partition=7",
        "x-amzn-trace-id: Root=1-5759e988-bd862e3fe1be46a994272793",
        "OOMKilled: container checkout exceeded memory limit 512Mi",
        "dial tcp 10.0.3.17:5432: connect: connection refused",
        "Authorization header missing; returning 401",
        "token expired at 2026-11-20T05:43:39Z; refreshing",
        "api key rotated by operator U0123",
        "ssh-keygen finished; key type ed25519",
        "s3://acme-logs/2026/11/20/app.log.gz uploaded",
        "celery task tasks.send_invoice[8f2a1c34-58b1-4a5e-9c1d-1e0f6a7b2c3d] succeeded in 0.12s",
        "redis://cache.internal:6379/0 connected",
        "jdbc:postgresql://db.internal:5432/app pool started",
        "mongo replica set rs0 primary is mongo-1.mongo:27017",
    ]
    ids = [f"order {n} shipped to warehouse {n % 7}, parcel {n * 7919 % 100000:05d}" for n in range(100)]
    hashes = [f"object etag {n:032x} stored" for n in range(0, 5_000_000, 50_000)]
    return lines + ids + hashes
