"""Questions in an incident's thread: the events' acknowledgement latency, and the time to each answer.

Usage: python bench/bench_thread.py [--clients 10] [--questions 20]
Starts `cloud-doctor serve` against the Slack stand-in, diagnoses `checkout` once, then sends signed
`message` events in its thread (each a new question, from N concurrent clients) and prints the
acknowledgement latency and the time from a question's arrival to its answer (offline engine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench._load import Request, bot_server, latency_line, load  # noqa: E402
from bench.bench_slack import body  # noqa: E402
from bot.jobs.store import Store  # noqa: E402
from tests.bot.conftest import sign  # noqa: E402

QUESTIONS = ("why?", "what changed?", "what's the timeline?", "what else could it be?", "show me checkout")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--questions", type=int, default=20, help="per client")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    store_url = f"sqlite:///{work / 'bench.db'}"
    config = work / "bench.yaml"
    config.write_text("jobs:\n  max_open_per_user: 1000000\n")
    with bot_server(store_url, env={"CLOUD_DOCTOR_CONFIG": str(config)}) as served:
        while True:
            try:
                payload = body("U0ASK", "first")
                if httpx.post(f"{served.url}/slack/events", content=payload, headers=sign(payload)).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        store = Store(store_url)
        deadline = time.time() + 60
        while time.time() < deadline and not (store.recent(1) and store.recent(1)[0].message_ts):
            time.sleep(0.1)
        parent = store.recent(1)[0]
        assert parent.message_ts, "the diagnosis was not posted"

        def question(i: int, k: int) -> Request:
            ts = f"{time.time():.6f}{i:02d}{k:03d}"
            event = {"type": "message", "user": f"U{i:04d}", "text": QUESTIONS[k % len(QUESTIONS)], "ts": ts,
                     "channel": "C0BENCH", "thread_ts": parent.message_ts, "event_ts": ts}  # fmt: skip
            envelope = {"type": "event_callback", "event_id": f"Ev{i}-{k}", "event": event, "team_id": "T1",
                        "api_app_id": "A1", "event_time": int(time.time())}  # fmt: skip
            payload = json.dumps(envelope).encode()
            return "/slack/events", sign(payload) | {"Content-Type": "application/json"}, payload

        latencies, errors, wall = asyncio.run(load(served.port, args.clients, question, args.questions))
        asked = args.clients * args.questions
        deadline = time.time() + 300
        while time.time() < deadline:
            answered = [j for j in store.recent(asked + 10) if j.kind == "question" and j.state == "done"]
            if len(answered) >= asked:
                break
            time.sleep(0.2)
        waits = sorted((j.finished_at or 0) - j.created_at for j in answered)
    print(f"questions:        {len(latencies)} from {args.clients} concurrent clients in {wall:.1f} s, {errors} errors")
    print(f"event ack:        {latency_line(latencies)}")
    if len(waits) >= 2:
        q = statistics.quantiles(waits, n=20)
        print(f"to the answer:    p50 {statistics.median(waits):.2f} s, p95 {q[18]:.2f} s, max {waits[-1]:.2f} s "
              f"({len(waits)} answered, one worker)")  # fmt: skip
    else:
        print(f"to the answer:    {len(waits)} answered")


if __name__ == "__main__":
    main()
