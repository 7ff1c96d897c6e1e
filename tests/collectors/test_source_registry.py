"""The source registry: every module's folders are listed, and a bundle imports only the sources it holds."""

from __future__ import annotations

import json
import subprocess
import sys

from collectors import sources
from collectors.base import SourceKind
from tests.conftest import ROOT


def test_every_source_module_reads_the_folders_the_registry_lists() -> None:
    registered = sources.SOURCES  # imports them all, checking each module's readers against FOLDERS
    assert list(registered) == list(sources.FOLDERS)
    assert all(isinstance(kind, SourceKind) and kind.name == name for name, kind in registered.items())
    assert list(sources.READERS) == list(sources.BUNDLE_FOLDERS)
    assert set(sources.TEXT_READERS) == {"loki"}
    modules = {p.stem for p in (ROOT / "collectors").glob("*.py") if "\nSOURCE = SourceKind(" in p.read_text()}
    assert modules == set(sources.FOLDERS)  # a source module the registry forgot would never be read


def test_a_bundle_imports_only_the_sources_whose_folders_it_has() -> None:
    code = (
        "import json, sys\n"
        "from collectors import BundleCollector\n"
        "evidence = BundleCollector('examples/incidents/checkout-oom').collect()\n"
        "print(json.dumps([m.split('.')[1] for m in sys.modules if m.startswith('collectors.')]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout))
    assert {"loki", "prometheus", "kubernetes"} <= imported
    assert not imported & {"cloud_logging", "cloud_monitoring", "cloudwatch", "tempo"}
