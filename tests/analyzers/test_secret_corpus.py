"""The redactor against a corpus of secrets written as systems print them, and of lines that only look so.

Figures (README): every secret in `secret_corpus.secret_lines()` is removed; of the benign lines, and of
every log line of the example bundles, none is altered beyond the secrets seeded there.
"""

from __future__ import annotations

import pytest

from analyzers import Redactor
from collectors import BundleCollector
from tests.analyzers.secret_corpus import benign_lines, secret_lines
from tests.conftest import BUNDLES

SECRETS = secret_lines()


@pytest.mark.parametrize("kind,line,value", SECRETS, ids=[f"{k}-{i}" for i, (k, _l, _v) in enumerate(SECRETS)])
def test_no_secret_survives(kind: str, line: str, value: str) -> None:
    redact = Redactor()
    out = redact(line)
    assert value not in out, out
    assert sum(redact.counts.values()) >= 1  # counted, so the digest reports it


def test_at_most_one_benign_line_in_a_hundred_is_altered() -> None:
    lines = benign_lines()
    altered = [line for line in lines if Redactor()(line) != line]
    assert len(altered) <= len(lines) // 100, altered


def test_example_log_lines_are_altered_only_where_a_secret_was_seeded() -> None:
    """51,000 lines of the example bundles: the ones altered each carry one of the generator's secrets."""
    seeded = ("AKIA", "sk_live_", "password", "Bearer", "postgres://", "eyJ", "xoxb-", "@", "PRIVATE KEY")
    redact = Redactor()
    for bundle in BUNDLES:
        for record in BundleCollector(bundle).collect().logs:
            if redact(record.message) != record.message:
                assert any(s in record.message for s in seeded), record.message
