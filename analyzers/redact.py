"""Redaction of secrets and personal data before any text reaches a digest or a model.

Secrets are found three ways: by the shape providers give their tokens (documented prefixes such as
GitHub's `ghp_`/`github_pat_`, Slack's `xox?-`/`xapp-`, Stripe's `sk_live_`, AWS `AKIA`), by the name they
are given (`DB_PASSWORD=`, `"api_key": "…"`, `--password …`, a Kubernetes env entry), and, for two kinds
no regular expression can see, by a check in code (a bare 40-character AWS secret key; a base64 blob
holding a private key). Text is read through its JSON escapes (`\\"`, `\\/`, `\\u0070`) first, so an
escaped secret is found like a plain one. `tests/analyzers/secret_corpus.py` holds the rules to account.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable, Iterable

# Names that say a value is a secret: DB_PASSWORD, pgpassword, aws_session_token, stripe_secret_key, api-key.
_SECRET_NAME = (
    r"[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|credential|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|auth[_-]?key|[_-]key)(?:[_.-][A-Za-z0-9]+)*"  # after the word only whole parts: not `evicted_keys`
)
_VALUE = r"(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?!<)[^\s\"',;&}]+)"  # a quoted value (spaces and all) or a bare one

# (kind, pattern, replacement). Order matters: shapes (whole tokens) before names (key = value).
BUILTIN: tuple[tuple[str, str, str], ...] = (
    (
        "private_key",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
        "<PRIVATE_KEY>",
    ),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", "<JWT>"),
    ("bearer_token", r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9\-._~+/]{8,}=*", r"\1<TOKEN>"),
    ("aws_access_key", r"(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}(?![0-9A-Z])", "<AWS_ACCESS_KEY>"),
    ("aws_session_token", r"\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9/+=]{20,}", "<AWS_SESSION_TOKEN>"),
    ("slack_token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}", "<SLACK_TOKEN>"),
    ("slack_webhook", r"(https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/)[A-Za-z0-9]+", r"\1<TOKEN>"),
    ("github_token", r"\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}", "<GITHUB_TOKEN>"),
    ("gitlab_token", r"\bglpat-[A-Za-z0-9_-]{20,}", "<GITLAB_TOKEN>"),
    ("stripe_key", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", "<STRIPE_KEY>"),
    ("npm_token", r"\bnpm_[A-Za-z0-9]{36}\b", "<NPM_TOKEN>"),
    ("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b", "<SENDGRID_KEY>"),
    ("model_api_key", r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}", "<API_KEY>"),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{35}\b", "<GOOGLE_API_KEY>"),
    ("google_oauth_token", r"\bya29\.[A-Za-z0-9_-]{20,}", "<GOOGLE_TOKEN>"),
    (
        "aws_secret_key",
        r"(?i)(aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}",
        r"\1<AWS_SECRET_KEY>",
    ),
    ("url_password", r"\b([a-z][a-z0-9+.-]*://[^:/\s@]*:)[^@\s/]+@", r"\1<PASSWORD>@"),
    (
        "session_cookie",
        r"(?i)\b((?:JSESSIONID|PHPSESSID|ASP\.NET_SessionId|connect\.sid|session(?:id)?|sid)=)[^;\s]+",
        r"\1<REDACTED>",
    ),  # fmt: skip
    ("env_entry", rf"(?i)(\bname:\s*[\"']?{_SECRET_NAME}[\"']?\s*\n\s*value:\s*)\S+", r"\1<REDACTED>"),
    ("cli_flag", r"(?i)(--[a-z0-9-]*(?:password|passwd|secret|token|api-key)[a-z0-9-]*[= ])(?!<)\S+", r"\1<REDACTED>"),
    ("password", rf"(?i)(?<![A-Za-z0-9_.-])({_SECRET_NAME}[\"']?\s*[:=]\s*){_VALUE}", r"\1<REDACTED>"),
    ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", "<EMAIL>"),
)
IP = ("ip_address", r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b", "<IP>")
# A cheap first look: a line with none of these substrings cannot match any built-in rule.
_TRIGGER = re.compile(
    r"(?i)PRIVATE KEY|eyJ|ewog|bearer|basic|AKIA|ASIA|AROA|AIDA|IQoJ|FwoG|secret|xox|xapp|gh[pousr]_|github_pat"
    r"|glpat|[sr]k_|npm_|SG\.|sk-|AIza|ya29|://|@|pass|pwd|key|token|credential|sess|sid=|\\u00"
)
_ESCAPES = re.compile(r"\\u00([0-7][0-9a-fA-F])|\\([\"/])")
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_BLOB = re.compile(r"(?<![A-Za-z0-9+/])(?:ewog|eyJ0eXBl)[A-Za-z0-9+/]{96,}={0,2}")


def _unescaped(text: str) -> str:
    """JSON escapes a log line often carries read as the characters they stand for (ASCII only)."""
    return _ESCAPES.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


def _aws_secret(match: re.Match[str]) -> str | None:
    """40 base64 characters with upper, lower and a digit (a hex digest has no upper case): an AWS secret key."""
    value = match.group()
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value)
    return "<AWS_SECRET_KEY>" if mixed else None


def _key_blob(match: re.Match[str]) -> str | None:
    """A base64 blob that decodes to a private key (a service-account key file passed around encoded)."""
    try:
        decoded = base64.b64decode(match.group() + "=" * (-len(match.group()) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return "<PRIVATE_KEY>" if b"PRIVATE KEY" in decoded or b'"private_key"' in decoded else None


CHECKS: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    ("aws_secret_key", _AWS_SECRET, _aws_secret),
    ("private_key", _BLOB, _key_blob),
)


class Redactor:
    """Replaces secrets with typed placeholders and counts what it removed, by kind."""

    def __init__(self, extra_patterns: Iterable[str] = (), redact_ips: bool = False) -> None:
        extra = list(extra_patterns)
        rules = list(BUILTIN)
        if redact_ips:
            rules.append(IP)
        rules += [(f"custom_{i}", p, "<REDACTED>") for i, p in enumerate(extra)]
        self._rules = [(kind, re.compile(p), repl) for kind, p, repl in rules]
        self._always = redact_ips or bool(extra)
        self.counts: Counter[str] = Counter()

    def __call__(self, text: str) -> str:
        if not self._always and not _TRIGGER.search(text):
            return text
        found: Counter[str] = Counter()
        redacted = self._apply(text, found)
        if "\\" in text:  # read through JSON escapes too; keep that reading only when it finds more
            escaped: Counter[str] = Counter()
            unescaped = self._apply(_unescaped(text), escaped)
            if escaped.total() > found.total():
                redacted, found = unescaped, escaped
        self.counts.update(found)
        return redacted

    def _apply(self, text: str, found: Counter[str]) -> str:
        for kind, pattern, repl in self._rules:
            text, n = pattern.subn(repl, text)
            if n:
                found[kind] += n
        for kind, pattern, check in CHECKS:
            text = pattern.sub(_checker(kind, check, found), text)
        return text


def _checker(
    kind: str, check: Callable[[re.Match[str]], str | None], found: Counter[str]
) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub: the check's placeholder, counted, or the text unchanged."""

    def replace(match: re.Match[str]) -> str:
        replaced = check(match)
        if replaced is None:
            return match.group()
        found[kind] += 1
        return replaced

    return replace
