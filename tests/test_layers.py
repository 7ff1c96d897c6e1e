"""The layering rules hold: nothing imports to its right, no private module across packages, no cycle."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_no_import_to_the_right_no_private_module_across_packages_no_cycle() -> None:
    done = subprocess.run([sys.executable, ".ci/check_layers.py"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout
    assert "0 breach(es)" in done.stdout


def test_the_checker_catches_each_kind_of_breach(tmp_path) -> None:
    """A collector importing the bot, a bot module importing a collector's private module, and a cycle."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_layers", ROOT / ".ci" / "check_layers.py")
    assert spec and spec.loader
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    for package in checker.LAYERS:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "collectors" / "_wire.py").write_text("")
    (tmp_path / "collectors" / "leak.py").write_text("from bot.cli import main\n")
    (tmp_path / "bot" / "peek.py").write_text("from collectors._wire import x\n")
    (tmp_path / "analyzers" / "a.py").write_text("from analyzers import b\n")
    (tmp_path / "analyzers" / "b.py").write_text("def f():\n    from analyzers.a import g\n")
    checker.ROOT = tmp_path
    breaches = "\n".join(checker.check())
    assert "collectors/leak.py:1: collectors imports bot.cli, to its right" in breaches
    assert "bot/peek.py:1: bot imports collectors._wire, a private module of collectors" in breaches
    assert "import cycle among: analyzers.a, analyzers.b" in breaches
