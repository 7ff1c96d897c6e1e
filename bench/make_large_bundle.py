"""Write a large incident bundle: the checkout-oom incident buried in ~240,000 lines from 40 services.

Usage: python bench/make_large_bundle.py [OUT_DIR] [--lines N]
The culprit's own lines (OutOfMemoryError in checkout) stay a tiny fraction of the total.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "examples" / "incidents" / "checkout-oom"
VERBS = ("fetched", "stored", "validated", "published", "indexed", "expired", "synced", "rendered", "scored")
NOUNS = ("order", "cart", "session", "invoice", "sku", "profile", "coupon", "shipment", "review", "token batch")
LEVELS = ("info",) * 12 + ("debug",) * 4 + ("warn",) * 2 + ("error",)


def line(rng: random.Random, service: str, fmt: int, ts: float, template: int) -> str:
    verb, noun = VERBS[template % len(VERBS)], NOUNS[(template // 3) % len(NOUNS)]
    level = LEVELS[(template * 7) % len(LEVELS)]
    n, ms = rng.randint(1, 5000), rng.randint(1, 900)
    ident = f"{rng.getrandbits(48):012x}"
    if fmt == 0:
        return json.dumps(
            {
                "ts": ts,
                "level": level,
                "msg": f"{verb} {noun}",
                "service": service,
                "id": ident,
                "count": n,
                "took_ms": ms,
            }
        )
    if fmt == 1:
        return f'level={level} msg="{verb} {noun} {ident}" items={n} duration={ms}ms worker={template % 8}'
    if fmt == 2:
        return (
            f"{level.upper():<5} [pool-{template % 4}] {service}.{noun.replace(' ', '_')} - {verb} {n} rows in {ms} ms"
        )
    return f'10.{n % 255}.{ms % 255}.{template} - - "GET /api/{noun.replace(" ", "-")}/{n} HTTP/1.1" 200 {ms} "-"'


def make(out: Path, total: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(BASE, out)
    incident = json.loads((out / "incident.json").read_text())
    from datetime import datetime

    start = datetime.fromisoformat(incident["window"]["start"]).timestamp()
    end = datetime.fromisoformat(incident["window"]["end"]).timestamp()
    services = [f"svc-{i:02d}" for i in range(40)]
    per_file = total // 8
    written = 0
    for part in range(8):
        streams = []
        for service in services[part * 5 : part * 5 + 5]:
            fmt = services.index(service) % 4
            count = per_file // 5
            values = []
            for k in range(count):
                ts = start + (end - start) * k / count + rng.random()
                values.append([str(int(ts * 1e9)), line(rng, service, fmt, ts, rng.randint(0, 24))])
            values.reverse()
            streams.append(
                {
                    "stream": {"namespace": "shop", "app": service, "pod": f"{service}-5c6d7e8f9-ab{part}cd"},
                    "values": values,
                }
            )
            written += count
        doc = {
            "query": '{namespace="shop"}',
            "cluster": "eks-prod",
            "response": {"status": "success", "data": {"resultType": "streams", "result": streams}},
        }
        (out / "loki" / f"bulk-{part}.json").write_text(json.dumps(doc))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "bench" / "out" / "large-bundle"))
    parser.add_argument("--lines", type=int, default=240_000)
    args = parser.parse_args()
    path = make(Path(args.out), args.lines)
    print(f"wrote {path} with about {args.lines} extra log lines")


if __name__ == "__main__":
    main()
