"""Template grouping accuracy on labelled lines in the formats of real systems: ours before and after, drain3 alone.

Usage: python bench/bench_templates.py [--lines 24000] [--seed 11] [--days 300] [--repeat 3] [--worst 0]
Generates the lines with bench/template_corpus.py (one true event per line), then prints, per method:
grouping accuracy as Loghub defines it (a line is right when the lines of its predicted group are
exactly the lines of its true event), the groups found against the true events, and lines/s (best of
`--repeat`); then the accuracy per system. `--worst N` lists each method's N worst-grouped events.
The lines' timestamps span `--days`: ten months by default, so that month and weekday names vary as
they do in a long log; `--days 0.5` is an incident's window, where they do not.

- before: `mine` with the mask and the drain3 merge as they were before the letter-led ids, dates and
  our own merge (copies below), over today's bookkeeping;
- after: `analyzers.log_templates.mine` as it is;
- drain3 alone: drain3 over every line with its own masking (bench/_drain3.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from template_corpus import generate  # noqa: E402

import analyzers.log_templates as lt  # noqa: E402
from analyzers.log_stream import mine  # noqa: E402
from collectors import LogRecord  # noqa: E402
from collectors.naming import parse_line  # noqa: E402

# analyzers/log_templates.py's mask before letter-led ids and dates (commit baf7859).
OLD_MASK = re.compile(r"\b\d[\w.:%+/-]*|\b[a-fA-F]{1,8}\d[0-9a-fA-F]{5,}(?:-[0-9a-fA-F]+)*\b")


def old_mask(message: str) -> str:
    return OLD_MASK.sub("<*>", message[: lt.MAX_CHARS])


def old_merge(templates: list[lt.LogTemplate]) -> list[lt.LogTemplate]:
    """analyzers/log_templates.py's `_merge` before our own (commit baf7859): drain3 over the masked templates."""
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.drain_sim_th = 0.7
    config.drain_depth = 5
    config.parametrize_numeric_tokens = False
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    merged: dict[int, lt.LogTemplate] = {}
    for template in sorted(templates, key=lambda t: -t.count):
        cluster = miner.add_log_message(f"{template.level} {template.template}")
        cid = cluster["cluster_id"]
        if cid in merged:
            merged[cid].absorb(template)
        else:
            merged[cid] = template
    for cid, template in merged.items():
        cluster_template = miner.drain.id_to_cluster[cid].get_template()
        template.template = cluster_template.split(" ", 1)[1] if " " in cluster_template else template.template
    return list(merged.values())


@contextmanager
def before() -> Iterator[None]:
    saved = lt.mask, lt.merge_templates
    lt.mask, lt.merge_templates = old_mask, old_merge  # type: ignore[assignment]
    try:
        yield
    finally:
        lt.mask, lt.merge_templates = saved  # type: ignore[assignment]


def mined_groups(records: list[LogRecord], masker: Callable[[str], str]) -> tuple[list[int], float]:
    """Each record's template from `mine`, and the seconds it took. Every record's `ref` names its exact
    (level, masked text) group, so the refs a template carries say which lines it holds."""
    keys: dict[tuple[str, str], str] = {}
    for record in records:
        record.ref = keys.setdefault((record.level, masker(record.message)), str(len(keys)))
    t = time.perf_counter()
    templates = mine(records, 0.0)
    seconds = time.perf_counter() - t
    owner: dict[str, int] = {}
    for i, template in enumerate(templates):
        for _, ref in template.refs:
            assert ref not in owner, "one exact group in two templates: mine no longer groups by (level, mask)"
            owner[ref] = i
    return [owner[r.ref] for r in records], seconds


def drain3_groups(messages: list[str]) -> tuple[list[int], float]:
    """drain3 alone over every raw line, configured as bench/_drain3.py configures it."""
    from bench._drain3 import miner as drain3_miner

    miner = drain3_miner()
    t = time.perf_counter()
    ids = [miner.add_log_message(m)["cluster_id"] for m in messages]
    seconds = time.perf_counter() - t
    return ids, seconds


def grouping_accuracy(truth: list[str], predicted: list[int]) -> tuple[float, set[int]]:
    """Loghub's grouping accuracy, and the indexes of the lines grouped right."""
    sizes = Counter(truth)
    members: dict[int, list[int]] = defaultdict(list)
    for i, group in enumerate(predicted):
        members[group].append(i)
    right: set[int] = set()
    for lines in members.values():
        events = {truth[i] for i in lines}
        if len(events) == 1 and sizes[truth[lines[0]]] == len(lines):
            right.update(lines)
    return len(right) / len(truth), right


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=24_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--days", type=float, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worst", type=int, default=0)
    args = parser.parse_args()
    corpus = generate(args.lines, args.seed, args.days)
    lines = [line for line, _ in corpus]
    truth = [event for _, event in corpus]
    records = []
    for k, line in enumerate(lines):
        message, level, _ = parse_line(line)
        records.append(LogRecord(float(k), "bench", "", "bench", level, message, {}))

    results: dict[str, tuple[list[int], float]] = {}
    runs: list[tuple[str, Callable[[], tuple[list[int], float]]]] = [
        ("ours before", lambda: _with_old(records)),
        ("ours after", lambda: mined_groups(records, lt.mask)),
        ("drain3 alone", lambda: drain3_groups([r.message for r in records])),
    ]
    for name, run in runs:
        best: tuple[list[int], float] | None = None
        for _ in range(max(1, args.repeat)):
            groups, seconds = run()
            best = (groups, seconds) if best is None or seconds < best[1] else best
        assert best is not None
        results[name] = best

    events = len(set(truth))
    print(
        f"{len(lines)} lines, {events} true events over {args.days:g} days (bench/template_corpus.py, seed {args.seed})"
    )
    print(f"{'method':<14} {'accuracy':>8} {'groups':>7} {'lines/s':>10}")
    right: dict[str, set[int]] = {}
    for name, (groups, seconds) in results.items():
        accuracy, right[name] = grouping_accuracy(truth, groups)
        print(f"{name:<14} {accuracy:>8.3f} {len(set(groups)):>7} {len(lines) / seconds:>10,.0f}")

    systems = sorted({e.split("-")[0] for e in truth})
    print("\naccuracy per system (lines)")
    print(f"{'system':<10} {'lines':>6} " + " ".join(f"{name:>13}" for name in results))
    for system in systems:
        idx = [i for i, e in enumerate(truth) if e.split("-")[0] == system]
        cells = " ".join(f"{sum(i in right[name] for i in idx) / len(idx):>13.3f}" for name in results)
        print(f"{system:<10} {len(idx):>6} {cells}")

    if args.worst:
        sizes = Counter(truth)
        for name, (groups, _) in results.items():
            wrong = Counter(truth[i] for i in range(len(truth)) if i not in right[name])
            events_of: dict[int, set[str]] = defaultdict(set)
            for group, event in zip(groups, truth, strict=True):
                events_of[group].add(event)
            print(
                f"\n{name}: worst events (wrong lines / lines, groups holding them, of which shared with other events)"
            )
            for event, n in wrong.most_common(args.worst):
                held = {groups[i] for i in range(len(truth)) if truth[i] == event}
                shared = sum(len(events_of[g]) > 1 for g in held)
                print(f"  {event:<28} {n:>5} / {sizes[event]:<5} {len(held):>4} groups, {shared} shared")


def _with_old(records: list[LogRecord]) -> tuple[list[int], float]:
    with before():
        return mined_groups(records, old_mask)


if __name__ == "__main__":
    main()
