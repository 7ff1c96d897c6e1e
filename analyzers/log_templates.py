"""Log template mining: mask variables, group exact templates in one pass, merge near-duplicates with drain3.

Masking first and grouping by the masked text is a dictionary lookup per line; drain3 then only sees
the distinct masked templates (hundreds, not hundreds of thousands), which is where its similarity
merging pays off. bench/bench_digest.py measures this against drain3 over every line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from collectors import LogRecord

MAX_CHARS = 400
BASELINE_MARGIN = 120.0  # seconds before onset that still count as "before" only when older than this
_LEVEL_RANK = {"debug": 0, "info": 1, "warn": 2, "error": 3}
# Variables: tokens that start with a digit (numbers, times, IPs, sizes, durations) and hex ids or UUIDs.
# Anchoring every alternative on a digit or a hex run keeps this one pass ~5x faster than a list of
# per-kind patterns (bench/bench_digest.py).
_MASK = re.compile(r"\b\d[\w.:%+/-]*|\b[a-fA-F]{1,8}\d[0-9a-fA-F]{5,}(?:-[0-9a-fA-F]+)*\b")
# Masking drain3 applies when it runs alone over raw lines (the baseline the benchmark compares with).
DRAIN_MASKING = (
    ("UUID", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ("IP", r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?"),
    ("HEX", r"0x[0-9a-fA-F]+|\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b"),
    ("NUM", r"(?<![\w.])-?\d+(?:\.\d+)?"),
)


def mask(message: str) -> str:
    return _MASK.sub("<*>", message[:MAX_CHARS])


@dataclass(slots=True)
class LogTemplate:
    """One kind of log line and how it behaved around the incident's onset."""

    template: str
    level: str
    count: int = 0
    baseline: int = 0  # lines before the onset
    during: int = 0  # lines from the onset to the window's end
    first_seen: float = float("inf")
    last_seen: float = 0.0
    resources: Counter[str] = field(default_factory=Counter)
    pods: Counter[str] = field(default_factory=Counter)
    refs: set[tuple[str, str]] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)

    def add(self, record: LogRecord, before: bool) -> None:
        self.count += 1
        if before:
            self.baseline += 1
        else:
            self.during += 1
        self.first_seen = min(self.first_seen, record.ts)
        self.last_seen = max(self.last_seen, record.ts)
        self.resources[record.resource] += 1
        pod = record.labels.get("pod")
        if pod:
            self.pods[pod] += 1
        if len(self.refs) < 4:
            self.refs.add((record.source, record.ref))
        if len(self.examples) < 3 and (not before or not self.examples) and record.message not in self.examples:
            self.examples.append(record.message[:MAX_CHARS])

    def absorb(self, other: LogTemplate) -> None:
        self.count += other.count
        self.baseline += other.baseline
        self.during += other.during
        self.first_seen = min(self.first_seen, other.first_seen)
        self.last_seen = max(self.last_seen, other.last_seen)
        self.resources.update(other.resources)
        self.pods.update(other.pods)
        self.refs |= other.refs
        for example in other.examples:
            if len(self.examples) < 3 and example not in self.examples:
                self.examples.append(example)
        if _LEVEL_RANK[other.level] > _LEVEL_RANK[self.level]:
            self.level = other.level

    def change(self, baseline_seconds: float, during_seconds: float) -> float:
        """How many times its rate rose from before the onset to after it (new templates: inf)."""
        if self.baseline == 0:
            return float("inf") if self.during else 0.0
        before = self.baseline / max(baseline_seconds, 1.0)
        after = self.during / max(during_seconds, 1.0)
        return after / before


def mine(records: Iterable[LogRecord], onset: float, merge: bool = True) -> list[LogTemplate]:
    """Group records into templates; `merge` folds near-identical masked templates together with drain3."""
    cutoff = onset - BASELINE_MARGIN
    exact: dict[tuple[str, str], LogTemplate] = {}
    for record in records:
        key = (record.level, mask(record.message))
        template = exact.get(key)
        if template is None:
            template = exact[key] = LogTemplate(key[1], record.level)
        template.add(record, record.ts < cutoff)
    templates = list(exact.values())
    return _merge(templates) if merge and len(templates) > 1 else templates


def _merge(templates: list[LogTemplate]) -> list[LogTemplate]:
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.drain_sim_th = 0.7  # masked already: only merge lines that differ in a few free words
    config.drain_depth = 5
    config.parametrize_numeric_tokens = False
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    merged: dict[int, LogTemplate] = {}
    # Largest first, so a merged template keeps the examples of its most common member.
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


def drain3_only(messages: Iterable[str]) -> int:
    """drain3 over every raw line with its own masking: the baseline the benchmark compares against."""
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.masking_instructions = [MaskingInstruction(p, name) for name, p in DRAIN_MASKING]
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    for message in messages:
        miner.add_log_message(message)
    return len(miner.drain.clusters)
