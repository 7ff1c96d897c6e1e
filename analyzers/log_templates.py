"""Log template mining: mask variables, group exact templates in one pass (analyzers/log_stream.py, as lines are
read), merge near-duplicates.

Masking first and grouping by the masked text is a dictionary lookup per line; the merge then only sees
the distinct masked templates (hundreds, not hundreds of thousands) and folds those that differ in a
variable the mask could not tell (a user name, a pod without digits, a host in one line and its IP in
another), never in a state word (Started/Paused, opened/closed). bench/bench_templates.py measures the
grouping on labelled lines in the formats of real systems; bench/bench_digest.py the speed.

drain3 is no longer part of the mining; the benches run it alone as their baseline (bench/_drain3.py).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

MAX_CHARS = 400
_MASKED_CHARS = 2000  # of a message, masked before the template is cut to MAX_CHARS
BASELINE_MARGIN = 120.0  # seconds before onset that still count as "before" only when older than this
_LEVEL_RANK = {"debug": 0, "info": 1, "warn": 2, "error": 3}
# Names with digits that are words, not identifiers: never masked.
_KEEP = r"(?:x509|sha\d+|utf-?\d+|base64|u?int\d+|float\d+|amd64|arm64|x86_64|i[36]86|win32|ipv[46])\b"
_MONTH = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_DAY = r"Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?"
# Variables, each masked whole (a letter-led id and a digit-led one give the same `<*>`):
#  - tokens that start with a digit: numbers, times, IPs, sizes, durations, digit-led hex and UUIDs;
#  - identifiers that start with letters and carry digits as ids do: letters then two digits (dn228,
#    R02-M1-N0-C:J12-U11, E0516), a digit after `_`, `-` or `.` (blk_-3886, blk_3886, core.1234,
#    worker-3.prod, ip-10-0-3-7.ec2.internal, pool-3-thread-7, us-east-1), a version (v1.2.3); not
#    x509, s3:PutObject, ec2, ssh2 or reflector.go:424 (whose number alone is masked);
#  - hex ids and MAC addresses that start with a letter;
#  - month and weekday names in dates (`Sun Dec 04 06:33:12`, `Jun 14`, `04 Dec 2023`, `10/Oct/2000`).
# One pattern behind one `\b`, so it is tried only where a word starts; a word with no digit before its end
# fails the lookahead at once (the dates aside), and the possessive loops never backtrack. The mask costs
# ~20 % more than the digit-only one it replaced, the mining ~13 % (bench/bench_digest.py's bundle).
_MASK = re.compile(
    r"\b(?:(?=[A-Za-z_.:-]*+\d)(?:"
    r"\d[\w%+]*+(?:[.:-]++[\w%+]++)*+"
    rf"|(?!{_KEEP})[A-Za-z_][A-Za-z_]*+(?:[.:-]++[A-Za-z_]++)*+"
    r"(?:(?<=[A-Za-z])\d(?:\d|\d*+[._-]++\d)|(?<=_)\d|[.-]++\d)\w*+(?:[.:-]++\w++)*+"
    r"|[a-fA-F]{1,8}\d[0-9a-fA-F]{5,}(?:-[0-9a-fA-F]+)*\b"
    r"|[a-fA-F][0-9a-fA-F](?::[0-9a-fA-F]{2}){5}\b"
    rf")|(?:{_MONTH}|{_DAY})\b\.?,?(?= +(?:\d|(?:{_MONTH})\b)|/\d))"
)
# Merging: templates of one level and length that differ only where a variable can be.
_WORD_SHARE = 0.3  # at most this share of the tokens may differ in words (Drain's similarity of 0.7)
_MIN_VARIANTS = 4  # words that differ make a variable only when they take this many values (a user, a pod)
_MERGE_LIMIT = 5000  # templates considered for merging, largest first; the rest stay as they are
_MAX_CLUSTERS = 100  # clusters of one shape a template is compared with
_COMPARISONS = 60_000  # pairs of templates one merge compares at most (0.1-0.2 s on 20,000 unlike lines)
_STATE = frozenset(
    "start stop pause resume open close connect disconnect startup shutdown up down on off enable disable "
    "add remove delete create update kill restart ready success failure fail pass true false yes no ok "
    "accept reject allow deny begin end online offline active inactive healthy unhealthy alive dead "
    "get head post put patch options".split()  # HTTP methods: GET and POST lines are different requests
)
_WORDS = re.compile(r"[A-Za-z]+")
# Words that can be a variable's values: a name (a user, a host, a container), perhaps quoted, or the
# value of a field (`key=value`: structured logging keeps its variables there); not a path, a URL or a
# user agent in a message, where /health and /api/cart, or a load balancer's health checker and a
# browser, are different lines to the reader of a digest.
_NAME = re.compile(r"[\w.-]+=\S*|[\\\"'(\[{]*[\w.@-]+[\\\"')\]},;:]*")
_DIGIT = re.compile(r"\d")


def mask(message: str) -> str:
    """The message with its variables as `<*>`, cut to MAX_CHARS after masking (not before: a line cut
    first ends sooner the longer its variables, and lines of one event would end at different tokens)."""
    return _MASK.sub("<*>", message[:_MASKED_CHARS])[:MAX_CHARS]


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


@dataclass(slots=True)
class _Cluster:
    """Masked templates of one level and length that differ only in variables; the first is the largest."""

    tokens: tuple[str, ...]
    members: list[tuple[LogTemplate, tuple[str, ...]]]
    count: int


def merge_templates(templates: list[LogTemplate]) -> list[LogTemplate]:
    """Drain's similarity over the distinct masked templates, with what the mask already knows.

    First, templates whose tokens differ only as variables do (one is a masked pattern of the other, as
    `<*>` of `db.prod`, or both carry digits) are one. Then those groups that differ in a few words (at most
    `_WORD_SHARE` of the template, none naming a state) are one where those words take `_MIN_VARIANTS`
    values or more: user names and pods without digits do; Started/Paused, torus y+/z- and "Bad file
    descriptor"/"No child processes" do not. At most `_COMPARISONS` pairs are compared: lines that share
    no template (prose, random words) cost a bounded time and stay as they are."""
    ordered = sorted(templates, key=lambda t: -t.count)  # a merged template keeps its largest member's examples
    budget = [_COMPARISONS]
    shapes: dict[tuple[str, int], list[_Cluster]] = {}
    alike: dict[tuple[str, ...], _Cluster] = {}  # by the words the mask left: where a template's kin usually is
    for template in ordered[:_MERGE_LIMIT]:
        tokens = tuple(template.template.split())
        clusters = shapes.setdefault((template.level, len(tokens)), [])
        skeleton = (template.level, *(t if _plain(t) else "" for t in tokens))
        likely = alike.get(skeleton)
        home = likely if likely is not None and _differences(likely.tokens, tokens, 0) == [] else None
        for cluster in clusters[:_MAX_CLUSTERS] if home is None else ():
            budget[0] -= 1
            if budget[0] < 0:
                break
            if cluster is not likely and _differences(cluster.tokens, tokens, 0) == []:
                home = cluster
                break
        if home is None:
            home = _Cluster(tokens, [], 0)
            clusters.append(home)
        home.members.append((template, tokens))
        home.count += template.count
        alike.setdefault(skeleton, home)
    groups = [group for clusters in shapes.values() for group in _by_words(clusters, budget)]
    result = []
    for group in groups:
        head, tokens = group[0]
        for template, _ in group[1:]:
            head.absorb(template)
        if len(group) > 1:
            head.template = " ".join(_general([t[i] for _, t in group]) for i in range(len(tokens)))
        result.append(head)
    return result + ordered[_MERGE_LIMIT:]


def _general(values: list[str]) -> str:
    """One token for a merged template's position: the value all members share, else a masked value that
    matches them all (`<*>"` keeps its quote), else `<*>`."""
    first = values[0]
    if all(v == first for v in values):
        return first
    for candidate in dict.fromkeys(v for v in values if "<*>" in v and v != "<*>"):
        if all(v == candidate or _matches(candidate, v) for v in values):
            return candidate
    return "<*>"


def _by_words(clusters: list[_Cluster], budget: list[int]) -> list[list[tuple[LogTemplate, tuple[str, ...]]]]:
    """Clusters of one shape joined where they differ in words that take enough values to be a variable."""
    if len(clusters) < _MIN_VARIANTS:
        return [c.members for c in clusters]
    limit = int(len(clusters[0].tokens) * _WORD_SHARE)
    joined: list[tuple[list[_Cluster], set[int]]] = []  # the clusters joined, the first largest; where they differ
    for cluster in sorted(clusters, key=lambda c: -c.count):
        best: tuple[tuple[list[_Cluster], set[int]], list[int]] | None = None
        for entry in joined[:_MAX_CLUSTERS] if limit else ():
            budget[0] -= 1
            if budget[0] < 0:
                break
            differing = _differences(entry[0][0].tokens, cluster.tokens, limit)
            if differing is not None and (best is None or len(differing) < len(best[1])):
                best = (entry, differing)
        if best is None:
            joined.append(([cluster], set()))
        else:
            best[0][0].append(cluster)
            best[0][1].update(best[1])
    groups = []
    for parts, words in joined:
        positions = sorted(words)
        variants: dict[tuple[str, ...], list[tuple[LogTemplate, tuple[str, ...]]]] = {}
        for part in parts:
            variants.setdefault(tuple(part.tokens[p] for p in positions), []).extend(part.members)
        if len(variants) >= _MIN_VARIANTS:
            groups.append([m for part in parts for m in part.members])
        else:
            groups += variants.values()
    return groups


def _differences(first: tuple[str, ...], tokens: tuple[str, ...], limit: int) -> list[int] | None:
    """Where `tokens` differs from `first` in words, or None when they are not one event."""
    words: list[int] = []
    for i, (a, b) in enumerate(zip(first, tokens, strict=True)):
        if a == b or _variable(a, b):
            continue
        if len(words) == limit or not (_word(a) and _word(b)):
            return None
        words.append(i)
    return words


def _variable(a: str, b: str) -> bool:
    """Two tokens that differ as one variable's values: one is the other masked, or both carry digits (or one
    digits and the other a mask: `MININT-FNANLI5:<*>` and `<*>.`)."""
    digits_a, masked_a = _kind(a)
    digits_b, masked_b = _kind(b)
    if (masked_a and _matches(a, b)) or (masked_b and _matches(b, a)):
        return True
    return (digits_a or digits_b) and (digits_a or masked_a) and (digits_b or masked_b)


@functools.lru_cache(maxsize=1 << 16)
def _kind(token: str) -> tuple[bool, bool]:
    """Whether a token carries digits, and whether it carries a mask."""
    return _DIGIT.search(token) is not None, "<*>" in token


def _plain(token: str) -> bool:
    return _kind(token) == (False, False)


def _matches(pattern: str, token: str) -> bool:
    """Whether a masked token (`<*>`, `<*>,`, `pod="shop/<*>"`) could be `token` masked."""
    if "<*>" not in pattern:
        return False
    if pattern == "<*>":
        return True
    return _glob(pattern.split("<*>"), token)


def _glob(pieces: list[str], token: str) -> bool:
    """`token` is the literal pieces in order with at least one character between each two: matched left to
    right in linear time (a regex of `.+?` groups backtracks exponentially on long paths)."""
    first, last = pieces[0], pieces[-1]
    if not token.startswith(first) or not token.endswith(last) or len(token) < len(first) + len(last) + 1:
        return False
    at, end = len(first), len(token) - len(last)
    for piece in pieces[1:-1]:
        found = token.find(piece, at + 1, end - 1) if piece else at + 1
        if found < 0 or found + len(piece) > end - 1:
            return False
        at = found + len(piece)
    return end - at >= 1


@functools.lru_cache(maxsize=1 << 16)
def _word(token: str) -> bool:
    """Whether a token can be one value of a variable that takes words: a name, never a state word."""
    return _NAME.fullmatch(token) is not None and not _state_word(token)


def _state_word(token: str) -> bool:
    """A token with a word that names a state or a change of one (Started, closed, shutdown, DELETE, RUNNING)
    or an HTTP method."""
    for word in _WORDS.findall(token):
        word = word.lower()
        if word in _STATE or (len(word) > 3 and word.endswith(("ed", "ing"))):
            return True
    return False
