"""The benches' load generator and server: raw HTTP/1.1 keep-alive clients, `cloud-doctor serve`, the Slack stand-in.

Raw HTTP over asyncio streams: the load generator must cost far less CPU than the server it measures
(an httpx client per thread took a whole core of this 2-core machine).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Request = tuple[str, dict[str, str], bytes]  # path, headers, body


async def load(
    port: int, clients: int, requests: Callable[[int, int], Request], per_client: int
) -> tuple[list[float], int, float]:
    """`clients` connections, each sending `per_client` requests (`requests(client, k)`) as answers come back:
    every latency, how many answers were not 200, and the wall time."""
    latencies: list[float] = []
    errors = 0

    async def client(i: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for k in range(per_client):
            path, headers, payload = requests(i, k)
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            request = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(payload)}\r\n\r\n"
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
    hold the GIL while the jobs' messages arrive and delay the reading of answers. It stands for
    Slack's servers, which take no CPU from ours: it runs niced, behind the server under test."""
    sys.path.insert(0, str(ROOT))
    from tests.standins.slack_api import SlackStandIn

    os.nice(10)
    slack = SlackStandIn(token)
    conn.send(slack.url)
    conn.recv()  # until the bench is over
    slack.close()


@dataclass
class Served:
    port: int
    process: subprocess.Popen[bytes]
    started: float  # perf_counter just before the server process was started

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def bot_server(store: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`cloud-doctor serve` against the Slack stand-in (in a process of its own), on a free port; `env` adds
    to the environment (CLOUD_DOCTOR_CONFIG, say); none of the caller's SLACK_ or CLOUD_DOCTOR_ settings leak."""
    sys.path.insert(0, str(ROOT))
    from tests.bot.conftest import SECRET, TOKEN
    from tests.servers.postgres import free_port

    parent, child = multiprocessing.Pipe()
    slack = multiprocessing.get_context("spawn").Process(target=serve_slack, args=(TOKEN, child), daemon=True)
    slack.start()
    try:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLOUD_DOCTOR_"))}
        slack_url = parent.recv()
        environment |= {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": f"{slack_url}/api/",
                        "CLOUD_DOCTOR_STORE": store, **(env or {})}  # fmt: skip
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield Served(port, proc, started)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        parent.send("done")
        slack.join(timeout=10)


def latency_line(latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=100)
    return (
        f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (its threads, not its worker processes), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
