"""Acknowledgement latency under load, and cold start to the first acknowledgement.

Usage: python bench/bench_slack.py [--clients 50] [--requests 40] [--store sqlite|URL]
Starts `cloud-doctor serve` (uvicorn) against the Slack stand-in, sends signed /analyze-logs commands
from N concurrent clients (every one a new job, so the workers run diagnoses meanwhile) and prints
p50/p95/p99 acknowledgement latency, errors and the cold start.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.store import Store  # noqa: E402
from tests.bot.conftest import SECRET, TOKEN, sign  # noqa: E402
from tests.postgres import free_port  # noqa: E402
from tests.standins.slack_api import SlackStandIn  # noqa: E402


def body(user: str, trigger: str, text: str = "checkout") -> bytes:
    from urllib.parse import urlencode

    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C0BENCH",
            "user_id": user,
            "command": "/analyze-logs",
            "text": text,
            "trigger_id": trigger,
            "response_url": "http://127.0.0.1:9/x",
            "api_app_id": "A1",
        }
    ).encode()


async def load(port: int, clients: int, requests: int) -> tuple[list[float], int, float]:
    """N keep-alive connections sending pre-signed commands as fast as answers come back.

    Raw HTTP/1.1 over asyncio streams: the load generator must cost far less CPU than the server it
    measures (an httpx client per thread took a whole core of this 2-core machine).
    """
    latencies: list[float] = []
    errors = 0

    async def client(i: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for k in range(requests):
            payload = body(f"U{i:04d}", f"t{i}-{k}", text=f"checkout since={k + 1}m")
            head = "".join(f"{name}: {value}\r\n" for name, value in sign(payload).items())
            request = (
                f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(payload)}\r\n\r\n"
            ).encode() + payload
            t = time.perf_counter()
            writer.write(request)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t)
            errors += b" 200 " not in status
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors, time.perf_counter() - started


def serve_slack(token: str, conn: Any) -> None:
    """The Slack stand-in in a process of its own: in the load generator's process its threads would
    hold the GIL while the jobs' messages arrive and delay the reading of acknowledgements. It stands
    for Slack's servers, which take no CPU from ours: it runs niced, behind the server under test."""
    os.nice(10)
    slack = SlackStandIn(token)
    conn.send(slack.url)
    conn.recv()  # until the bench is over
    slack.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (its threads, not its worker processes), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--store", default="sqlite")
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    slack = multiprocessing.get_context("spawn").Process(target=serve_slack, args=(TOKEN, child), daemon=True)
    slack.start()
    slack_url = parent.recv()
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    store = f"sqlite:///{work / 'bench.db'}" if args.store == "sqlite" else args.store
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{slack_url}/api/",
        "CLOUD_DOCTOR_STORE": store,
    }
    env.pop("CLOUD_DOCTOR_CONFIG", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        cold = None
        while cold is None and time.perf_counter() - started < 30:
            try:
                payload = body("U0COLD", "cold")
                if httpx.post(f"{url}/slack/events", content=payload, headers=sign(payload), timeout=2).is_success:
                    cold = time.perf_counter() - started
            except httpx.HTTPError:
                time.sleep(0.01)
        # Measure the steady state: the worker processes are up once the cold command's job is done.
        jobs = Store(store)
        while time.perf_counter() - started < 60 and any(j.state != "done" for j in jobs.recent(1)):
            time.sleep(0.1)
        jobs.engine.dispose()
        cpu = _cpu_seconds(proc.pid)
        latencies, errors, wall = asyncio.run(load(port, args.clients, args.requests))
        cpu = _cpu_seconds(proc.pid) - cpu
        q = statistics.quantiles(latencies, n=100)
        print(f"store:            {store.split(':')[0]}")
        print(
            f"cold start:       {cold:.2f} s from process start to the first acknowledgement"
            if cold
            else "cold start:       no acknowledgement within 30 s"
        )
        print(
            f"requests:         {len(latencies)} from {args.clients} concurrent clients in {wall:.1f} s, "
            f"{errors} errors"
        )
        print(
            f"ack latency:      p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
        print(f"server CPU:       {cpu / len(latencies) * 1000:.2f} ms per acknowledgement (web process, all threads)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        parent.send("done")
        slack.join(timeout=10)


if __name__ == "__main__":
    main()
