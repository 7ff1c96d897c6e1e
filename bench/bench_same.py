"""Whether two revisions give the same digest and the same diagnosis on every example and benchmark bundle.

Usage: python bench/bench_same.py save FILE [--lines 100000,1000000,3000000]
       python bench/bench_same.py compare FILE [--lines ...]
`save` runs this checkout over examples/incidents/* and bench/make_large_bundle.py's bundle at each size and
writes, per bundle, the whole digest (every finding with its attributes, in order, and the exact text a model
reads) and the diagnosis contract; `compare` runs this checkout again and prints, per bundle, whether both are
byte for byte the same JSON, and the first difference where not. Run `save` in a checkout of the revision
before a change and `compare` in the one after.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_large_bundle import make  # noqa: E402

from bot.pipeline import collect_bundle, diagnose  # noqa: E402


def outcome(bundle: Path) -> dict[str, Any]:
    report = diagnose(collect_bundle(bundle))
    digest = dataclasses.asdict(report.digest)
    return json.loads(json.dumps({"digest": digest, "report": report.to_json()}, default=str))


def bundles(sizes: list[int], scratch: Path) -> list[tuple[str, Path]]:
    found = [(p.name, p) for p in sorted((ROOT / "examples" / "incidents").iterdir()) if p.is_dir()]
    return found + [(f"bench-{n}", scratch / f"bench-{n}") for n in sizes]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("save", "compare"))
    parser.add_argument("file")
    parser.add_argument("--lines", default="100000,1000000,3000000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.lines.split(",") if n]
    saved = json.loads(Path(args.file).read_text()) if args.mode == "compare" else {}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in bundles(sizes, Path(tmp)):
            if name.startswith("bench-"):
                make(path, int(name.split("-")[1]))
            results[name] = outcome(path)
            if name.startswith("bench-"):
                shutil.rmtree(path)
            if args.mode == "compare":
                print(f"{name:<22} {_verdict(saved.get(name), results[name])}", flush=True)
    if args.mode == "save":
        Path(args.file).write_text(json.dumps(results))
        print(f"saved {len(results)} bundles' digests and diagnoses to {args.file}")


def _verdict(before: Any, after: Any) -> str:
    if before is None:
        return "not in the saved file"
    if json.dumps(before) == json.dumps(after):
        return "same digest, same diagnosis"
    return "DIFFERENT: " + _first_difference(before, after, "")


def _first_difference(a: Any, b: Any, path: str) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path or '.'} keys {list(a)[:8]} != {list(b)[:8]}"
        return next((_first_difference(a[k], b[k], f"{path}.{k}") for k in a if a[k] != b[k]), "")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} has {len(a)} items, now {len(b)}"
        pairs = enumerate(zip(a, b, strict=True))
        return next((_first_difference(x, y, f"{path}[{i}]") for i, (x, y) in pairs if x != y), "")
    return f"{path}: {str(a)[:200]!r} != {str(b)[:200]!r}"


if __name__ == "__main__":
    main()
