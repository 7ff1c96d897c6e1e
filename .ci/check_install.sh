#!/usr/bin/env bash
# The production install, as the image makes it: `pip install .` with no extras, in a fresh virtual
# environment, run from outside the source tree so every import comes from what was installed. It must
# import every module of the product packages and run the README's first command.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
prod="$(mktemp -d)"
trap 'rm -rf "$prod"' EXIT

python3 -m venv "$prod/venv"
"$prod/venv/bin/python" -m pip install --quiet --upgrade pip
"$prod/venv/bin/python" -m pip install --quiet "$repo"
cd "$prod"

"$prod/venv/bin/python" - <<'PY'
import importlib
import pkgutil

modules = 0
for package in ("kernel", "collectors", "analyzers", "prescribers", "bot"):
    root = importlib.import_module(package)
    if "site-packages" not in (root.__file__ or ""):
        raise SystemExit(f"{package} came from {root.__file__}, not from the installed packages")
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        importlib.import_module(info.name)
        modules += 1
print(f"production install: imported all {modules} modules of kernel, collectors, analyzers, prescribers, bot")
PY

"$prod/venv/bin/cloud-doctor" diagnose "$repo/examples/incidents/checkout-oom" >"$prod/report.txt"
grep -q "memory_exhaustion in checkout" "$prod/report.txt" || { cat "$prod/report.txt"; exit 1; }
echo "production install: cloud-doctor diagnose examples/incidents/checkout-oom works"
