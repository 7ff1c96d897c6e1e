"""Redaction of secrets and personal data before any text reaches a digest or a model."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# (kind, pattern, replacement). Order matters: whole-structure patterns (keys, JWTs, DSNs) before key=value.
BUILTIN: tuple[tuple[str, str, str], ...] = (
    (
        "private_key",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
        "<PRIVATE_KEY>",
    ),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", "<JWT>"),
    ("bearer_token", r"(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/]{8,}=*", r"\1<TOKEN>"),
    ("aws_access_key", r"\b(?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}\b", "<AWS_ACCESS_KEY>"),
    (
        "aws_secret_key",
        r"(?i)(aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}",
        r"\1<AWS_SECRET_KEY>",
    ),
    ("slack_token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", "<SLACK_TOKEN>"),
    ("github_token", r"\bgh[pousr]_[A-Za-z0-9]{30,}", "<GITHUB_TOKEN>"),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{35}\b", "<GOOGLE_API_KEY>"),
    ("url_password", r"\b([a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@", r"\1<PASSWORD>@"),
    (
        "password",
        r"(?i)\b((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)"
        r"[\"']?\s*[:=]\s*[\"']?)(?!<)[^\s\"',;&}]+",
        r"\1<REDACTED>",
    ),
    ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", "<EMAIL>"),
)
IP = ("ip_address", r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b", "<IP>")
# A cheap first look: a line with none of these substrings cannot match any built-in pattern.
_TRIGGER = re.compile(
    r"(?i)PRIVATE KEY|eyJ|bearer|AKIA|ASIA|AROA|AIDA|secret|xox|gh[pousr]_|AIza|://|@|pass|pwd|key|token"
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
        for kind, pattern, repl in self._rules:
            text, n = pattern.subn(repl, text)
            if n:
                self.counts[kind] += n
        return text
