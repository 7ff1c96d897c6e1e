#!/usr/bin/env bash
# Build, outside a container, the environment cloudrun/Dockerfile builds: for bench_cold_start.py here,
# where no Docker engine runs. Usage: bash bench/build_image_env.sh DIR   (then DIR/venv, DIR/app)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: build_image_env.sh DIR}"
rm -rf "$out" && mkdir -p "$out/app"
export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
/usr/bin/python3 -m venv "$out/venv"          # the system Python: readable by the non-root user, like the image's
export PATH="$out/venv/bin:$PATH"
cd "$out/app"
cp "$root/pyproject.toml" "$root/README.md" .
mkdir kernel bot analyzers prescribers collectors    # as the Dockerfile: dependencies first, without [dev]
touch kernel/__init__.py bot/__init__.py analyzers/__init__.py prescribers/__init__.py collectors/__init__.py
pip install -q . && pip uninstall -q -y cloud-doctor
rm -rf kernel bot analyzers prescribers collectors
cp -r "$root/kernel" "$root/bot" "$root/analyzers" "$root/prescribers" "$root/collectors" .
mkdir -p examples && cp -r "$root/examples/incidents" examples/
find . -name __pycache__ -prune -exec rm -rf {} +
pip install -q --no-deps -e .
python -c "import hcl2; hcl2.loads('warm = true\n')"
test -s "$(python -c 'import hcl2.parser as p; print(p.PARSER_FILE)')"
python -m compileall -q "$out/app" "$out/venv/lib"
echo "built: $out/venv/bin/python in $out/app"
