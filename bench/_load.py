"""The benches' load generator and server: raw HTTP/1.1 keep-alive clients, `cloud-doctor serve`, the Slack stand-in.

Raw HTTP over asyncio streams: the load generator must cost far less CPU than the server it measures
(an httpx client per thread took a whole core of this 2-core machine).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def slack_standin(token: str) -> Iterator[str]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=serve_slack, args=(token, child), daemon=True)
    process.start()
    try:
        yield parent.recv()
    finally:
        parent.send("done")
        process.join(timeout=10)


@contextmanager
def server(port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (its threads, not its worker processes), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
