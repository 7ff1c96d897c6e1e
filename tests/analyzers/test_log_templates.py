"""Log templates: variables masked whole whatever they start with, dates masked, and lines that differ in a
state word kept apart, on lines in the formats of real systems (bench/template_corpus.py)."""

from __future__ import annotations

import sys

import pytest

from analyzers.log_stream import mine
from analyzers.log_templates import mask
from collectors import LogRecord
from collectors.naming import parse_line
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))


def records(*lines: str) -> list[LogRecord]:
    out = []
    for k, line in enumerate(lines):
        message, level, _ = parse_line(line)
        out.append(LogRecord(float(k), "test", "", "app", level, message, {}))
    return out


def templates(*lines: str) -> list[str]:
    return sorted(t.template for t in mine(records(*lines), 0.0))


# 1. Identifiers that start with letters.


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 "
            "terminating",
            "<*> <*> <*> INFO dfs.DataNode$PacketResponder: PacketResponder <*> for block <*> terminating",
        ),
        ("Verification succeeded for blk_-3886504906413966", "Verification succeeded for <*>"),
        (
            "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2915]: (root) CMD "
            "(run-parts /etc/cron.hourly)",
            "- <*> <*> <*> <*> <*> <*> <*>/<*> crond[<*>]: (root) CMD (run-parts /etc/cron.hourly)",
        ),
        (
            "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS "
            "KERNEL INFO instruction cache parity error corrected",
            "- <*> <*> <*> <*> <*> RAS KERNEL INFO instruction cache parity error corrected",
        ),
        ('"Node became not ready" node="ip-10-0-3-7.ec2.internal"', '"Node became not ready" node="<*>"'),
        ("connect to worker-3.prod failed", "connect to <*> failed"),
        ("E0516 18:34:04.558677 4052 prober.go:107] probe failed", "<*> <*> <*> prober.go:<*>] probe failed"),
    ],
)
def test_identifiers_that_start_with_letters_are_masked(line: str, masked: str) -> None:
    assert mask(line) == masked


def test_words_with_digits_are_not_identifiers() -> None:
    for line in (
        "x509: certificate has expired",
        "s3:PutObject denied",
        "ssh2 connection over ec2 via http2",
        "cannot unmarshal string into Go value of type int64",
        "jk2_init() Found child",
    ):
        assert mask(line) == line
    assert mask("image sha256:9f86d081884c7d659a2feaa0c55ad015") == "image sha256:<*>"


def test_one_event_with_letter_led_ids_is_one_template() -> None:
    lines = [f"Deleting block blk_{sign}{n} file /data/current/subdir{n % 64}/blk_{sign}{n}"
             for n in range(1000, 1040) for sign in ("", "-")]  # fmt: skip
    lines += [f"generating core.{n}" for n in range(1, 30)]
    assert templates(*lines) == [
        "Deleting block <*> file /data/current/<*>/<*>",
        "generating <*>",
    ]


# 2. Weekday and month names.


def test_dates_with_weekday_and_month_names_are_masked() -> None:
    lines = [
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
        "[Mon Jan 02 20:56:14 2006] [error] mod_jk child workerEnv in error state 7",
        "[Thu Jun 15 01:03:48 2006] [error] mod_jk child workerEnv in error state 2",
    ]
    assert templates(*lines) == ["[<*> <*> <*> <*> <*>] [error] mod_jk child workerEnv in error state <*>"]
    syslog = [f"{month} {day} 06:55:46 LabSZ sshd[24200]: Connection closed by 10.0.0.{day} [preauth]"
              for month in ("Jun", "Jul", "Aug", "Dec") for day in (1, 14)]  # fmt: skip
    assert templates(*syslog) == ["<*> <*> <*> LabSZ sshd[<*>]: Connection closed by <*> [preauth]"]
    assert mask('10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /" 200') == '<*> - - [<*>/<*>/<*> -<*>] "GET /" <*>'
    assert mask("Monitor 3 alerts in March") == "Monitor <*> alerts in March"


# 3. One extent for a variable, whatever it starts with.


def test_letter_led_and_digit_led_values_mask_alike() -> None:
    assert mask("host=worker-3.prod up") == mask("host=10.0.3.7 up") == "host=<*> up"
    assert mask("generating core.1234") == mask("generating 1234") == "generating <*>"
    assert mask("pod checkout-7d9f8b6c5d-x2x9k ready") == mask("pod 7d9f8b6c5d ready") == "pod <*> ready"
    # a value ends where a word does: the full stop stays whatever the host
    assert mask("connect to server: msra-sa-41:8030. Already tried") == "connect to server: <*>. Already tried"
    assert mask("connect to server: 04DN8IQ.fareast.corp:8030. Already tried") == (
        "connect to server: <*>. Already tried"
    )


# 4. Lines that differ in a state word are different events.


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Started", "Paused"),
        ("startup", "shutdown"),
        ("opened", "closed"),
        ("connected", "disconnected"),
    ],
)
def test_a_state_word_keeps_events_apart(first: str, second: str) -> None:
    lines = []
    for n in range(20):
        lines.append(f"[instance: 9c1a{n:04d}-51b2] VM {first} (Lifecycle Event)")
        lines.append(f"[instance: 9c1a{n:04d}-51b2] VM {second} (Lifecycle Event)")
        lines.append(f"cupsd {first} succeeded")
        lines.append(f"cupsd {second} succeeded")
    assert templates(*lines) == sorted(
        [
            f"[instance: <*>] VM {first} (Lifecycle Event)",
            f"[instance: <*>] VM {second} (Lifecycle Event)",
            f"cupsd {first} succeeded",
            f"cupsd {second} succeeded",
        ]
    )


def test_words_that_take_many_values_are_a_variable() -> None:
    users = ("admin", "oracle", "guest", "postgres", "ubuntu", "git")
    lines = [f"Invalid user {u} from 10.1.2.{n}" for n, u in enumerate(users)]
    lines += [
        f'I0516 18:34:0{n} 4052 prober.go:107] "Probe failed" probeType="Liveness" pod="{ns}/web" containerName="{c}"'
        for n, (ns, c) in enumerate((ns, c) for ns in ("shop", "pay") for c in ("api", "worker", "cron"))
    ]
    assert templates(*lines) == [
        '<*> <*> <*> prober.go:<*>] "Probe failed" probeType="Liveness" <*> <*>',
        "Invalid user <*> from <*>",
    ]


def test_few_values_or_paths_stay_apart() -> None:
    """Three values are not enough to call a word a variable (torus x+/y+/z+ wires are three events), and
    requests for different paths are different lines (the load balancer's /health is not /api/cart)."""
    lines = [f"warning for torus {axis} wire on link {n}" for axis in ("x+", "y+", "z+") for n in range(5)]
    assert len(templates(*lines)) == 3
    paths = ("/health", "/api/cart", "/api/items", "/static/app.js", "/favicon.ico")
    lines = [f'10.0.0.{n} - - "GET {p} HTTP/1.1" 200 {n}' for p in paths for n in range(3)]
    assert len(templates(*lines)) == len(paths)


def test_long_lines_of_one_event_are_cut_alike() -> None:
    """Masked before being cut: a long pod name does not push the end of the line past the cut."""
    base = 'err="back-off restarting failed container" ' + " ".join(f"field{i}=x" for i in range(40))
    short = f"pod=a-{'1' * 5} {base}"
    long = f"pod=a-{'1' * 200} {base}"
    assert mask(short) == mask(long)


def test_labelled_corpus_is_grouped_as_loghub_counts() -> None:
    """Grouping accuracy on the benchmark's labelled lines (bench/bench_templates.py has the full run)."""
    from bench_templates import grouping_accuracy, mined_groups
    from template_corpus import generate

    corpus = generate(6000, seed=3)
    lines = records(*(line for line, _ in corpus))
    groups, _ = mined_groups(lines, mask)
    accuracy, _ = grouping_accuracy([event for _, event in corpus], groups)
    assert accuracy >= 0.95


def test_a_masked_path_is_matched_in_linear_time() -> None:
    """A regex of `.+?` per variable backtracks exponentially: 40 path segments took hours; now none."""
    from analyzers.log_templates import _matches

    pattern = "/".join(["<*>"] * 41)
    assert not _matches(pattern, "/".join(["ab"] * 40))  # one segment fewer than the pattern needs
    assert _matches(pattern, "/".join(["ab"] * 41))
    assert _matches('pod="shop/<*>"', 'pod="shop/api-1"') and not _matches("a<*>b", "ab")
