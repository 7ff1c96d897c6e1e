"""Write the test-incident corpus: `python -m tests.corpus.generate OUT [--seed 7]`.

Every family in `tests.corpus.scenarios.FAMILIES` is drawn `variants` times, each from its own
`random.Random(f"{seed}:{family}:{variant}")`, so a seed always gives the same bundles, byte for byte, and adding a
family does not change the others. Each bundle is a folder `<family>-<n>` with `incident.json`, the telemetry, and
`expected.json` (`category`, `resource`, `platform`, and `decisive`: an exact substring of the line, event or
status message that carries the cause; healthy controls have `category: unknown` and no `decisive`).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from tests.corpus.build import Bundle, Window
from tests.corpus.scenarios import FAMILIES


def generate(out: Path, seed: int = 7) -> list[Path]:
    """Write every bundle into `out` (created if missing; bundles already there are replaced) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fam in FAMILIES:
        for v in range(fam.variants):
            rng = random.Random(f"{seed}:{fam.slug}:{v}")
            bundle = Bundle(f"{fam.slug}-{v + 1}", rng, Window.draw(rng))
            fam.make(bundle, v)
            written.append(bundle.write(out))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the bundles into")
    parser.add_argument("--seed", type=int, default=7, help="the seed every variant is drawn from (default 7)")
    parser.add_argument("--clean", action="store_true", help="empty OUT first")
    args = parser.parse_args(argv)
    if args.clean and args.out.exists():
        shutil.rmtree(args.out)
    paths = generate(args.out, args.seed)
    healthy = sum(1 for p in paths if p.name.startswith("healthy-"))
    sys.stdout.write(
        f"{len(paths)} bundles in {args.out} ({len(paths) - healthy} incidents, {healthy} healthy controls)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
