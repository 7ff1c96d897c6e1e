"""The Terraform parse cache: a text parsed before comes back from disk exactly as a parse gives it, without
python-hcl2, and a new text still says when the parser must be built first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from prescribers import _hcltext
from tests.conftest import ROOT

TERRAFORM = sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix in (".tf", ".tfvars"))


def shape(node: _hcltext.Node) -> Any:
    attrs = {k: (s.start, s.end, s.value) for k, s in node.attrs.items()}
    fields = (node.header, node.start, node.end, node.kind, node.index, node.begin)
    return (fields, attrs, [shape(c) for c in node.children])


@pytest.mark.parametrize("path", TERRAFORM, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_cached_parse_is_the_parse(path: Path) -> None:
    text = path.read_text()
    parsed = _hcltext._parse(text)
    assert parsed is not None
    stored = json.loads(json.dumps(_hcltext._encode(parsed)))
    assert shape(_hcltext._decode(text, stored)) == shape(parsed)


def test_a_text_parsed_before_is_read_back_without_python_hcl2(tmp_path: Path) -> None:
    path = ROOT / "examples/incidents/checkout-oom/terraform/apps/checkout.tf"
    text = path.read_text()
    code = (  # not importing tests.conftest, which gives each process a cache of its own
        "import json, sys\n"
        "from prescribers._hcltext import parse_root\n"
        "def shape(n):\n"
        "    attrs = {k: (s.start, s.end, s.value) for k, s in n.attrs.items()}\n"
        "    return ((n.header, n.start, n.end, n.kind, n.index, n.begin), attrs, [shape(c) for c in n.children])\n"
        f"root = parse_root(open({str(path)!r}).read())\n"
        "print(json.dumps([shape(root), 'hcl2' in sys.modules, 'lark' in sys.modules]))\n"
    )
    env = {**os.environ, "CLOUD_DOCTOR_CACHE_DIR": str(tmp_path)}

    def run() -> list[Any]:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    cold, warm = run(), run()
    assert cold[1:] == [True, True] and warm[1:] == [False, False]
    assert warm[0] == cold[0] == json.loads(json.dumps(shape(_hcltext._parse(text))))


def test_a_text_that_does_not_parse_is_cached_with_its_complaint(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = f'resource "aws_s3_bucket" "b{uuid.uuid4().hex}" {{\n  bucket = \n'
    assert _hcltext.parse_root(broken) is None
    said = _hcltext.parse_error(broken)
    assert said and "Unexpected" in said  # python-hcl2's own words
    _hcltext._parsed.cache_clear()
    monkeypatch.setattr(_hcltext, "_parse", lambda _text: pytest.fail("parsed again"))
    assert _hcltext.parse_root(broken) is None and _hcltext.parse_error(broken) == said  # from disk this time


def test_the_cold_parser_notice_comes_once_and_only_when_the_parser_must_be_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    said: list[str] = []
    monkeypatch.setattr(_hcltext, "_parser_file", lambda: tmp_path / "absent.bin")
    _hcltext.on_cold_parser(lambda: said.append("building"))
    _hcltext.parse_root(f'locals {{ a = "{uuid.uuid4().hex}" }}\n')
    _hcltext.parse_root(f'locals {{ a = "{uuid.uuid4().hex}" }}\n')
    assert said == ["building"]
    monkeypatch.setattr(_hcltext, "_parser_file", lambda: tmp_path)  # the parser's cache is there
    _hcltext.on_cold_parser(lambda: said.append("again"))
    _hcltext.parse_root(f'locals {{ a = "{uuid.uuid4().hex}" }}\n')
    assert said == ["building"]
