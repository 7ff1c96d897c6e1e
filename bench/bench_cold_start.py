"""The container's cold start, measured outside a container: import of the app, and process start → first /readyz.

Usage: python bench/bench_cold_start.py [--python PATH] [--app DIR] [--runs 5] [--user 10001]
`--python` is the interpreter of the environment to measure (default: this one) and `--app` the directory
it runs in (the image's /app; default this checkout); the README shows how to build both the way
cloudrun/Dockerfile does. Run as root, the server runs as `--user` (the image's
non-root user, who cannot write into site-packages). Also times python-hcl2's first parse with its
parser cache built (as the image does at build time) and without it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.servers.postgres import free_port  # noqa: E402

IMPORT = "import time; t = time.perf_counter(); import bot.app, bot.cli; print(time.perf_counter() - t)"
PARSE = "import time; t = time.perf_counter(); import hcl2; hcl2.loads('a = 1\\n'); print(time.perf_counter() - t)"


def as_user(uid: int | None) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] if uid is not None else []


def timed(python: str, code: str, uid: int | None, env: dict[str, str], app: Path = ROOT) -> float:
    out = subprocess.run([*as_user(uid), python, "-c", code], capture_output=True, text=True, env=env, cwd=app)
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def serve_to_ready(python: str, uid: int | None, env: dict[str, str], app: Path) -> float:
    work = Path(tempfile.mkdtemp(prefix="cd-cold-"))
    work.chmod(0o777)
    port = free_port()
    env = env | {"PORT": str(port), "CLOUD_DOCTOR_STORE": f"sqlite:///{work / 'cd.db'}"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*as_user(uid), python, "-m", "bot.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=app,
        stdout=subprocess.DEVNULL,
        stderr=(work / "log").open("wb"),
    )
    try:
        with httpx.Client(timeout=1) as client:
            while time.perf_counter() - started < 60:
                try:
                    if client.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        return time.perf_counter() - started
                except httpx.HTTPError:
                    time.sleep(0.005)
        raise SystemExit(f"no /readyz within 60 s: {(work / 'log').read_text()[-2000:]}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--app", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", type=int, default=10001)
    args = parser.parse_args()
    uid = args.user if os.geteuid() == 0 else None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLOUD_DOCTOR_", "PYTHON"))}
    # HOME as the image sets it (slack_sdk asks for a home directory on import).
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-cold",
        "SLACK_SIGNING_SECRET": "cold",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": "/tmp",
    }
    imports = [timed(args.python, IMPORT, uid, env, args.app) for _ in range(args.runs)]
    ready = [serve_to_ready(args.python, uid, env, args.app) for _ in range(args.runs)]
    warm_parse = [timed(args.python, PARSE, uid, env, args.app) for _ in range(args.runs)]
    # The same first parse with no parser cache: a copy of the package without it, first on the path.
    site = subprocess.run([args.python, "-c", "import hcl2, os; print(os.path.dirname(hcl2.__path__[0]))"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    bare = Path(tempfile.mkdtemp(prefix="cd-hcl2-"))
    shutil.copytree(Path(site) / "hcl2", bare / "hcl2", ignore=shutil.ignore_patterns(".lark_cache*"))
    bare.chmod(0o755)
    cold_parse = [timed(args.python, PARSE, uid, env | {"PYTHONPATH": str(bare)}, args.app) for _ in range(args.runs)]
    shutil.rmtree(bare, ignore_errors=True)

    def show(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"

    who = uid if uid is not None else os.geteuid()
    print(f"python:                        {args.python} in {args.app} (as uid {who})")
    print(f"import bot.app + bot.cli:      {show(imports)}")
    print(f"serve start → first /readyz:   {show(ready)}")
    print(f"first HCL parse, cache built:  {show(warm_parse)}")
    print(f"first HCL parse, no cache:     {show(cold_parse)}")


if __name__ == "__main__":
    main()
