"""Reading bundles: every source in its native format, and clear refusals for malformed ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from collectors import BundleCollector
from kernel import InputError
from tests.conftest import run_cli


def test_reads_every_source_of_a_bundle(copy_bundle) -> None:
    evidence = BundleCollector(copy_bundle("checkout-oom")).collect()
    sources = {r.source for r in evidence.logs}
    assert sources == {"loki"}
    assert {m.source for m in evidence.metrics} == {"prometheus"}
    assert {k.kind for k in evidence.kubernetes} >= {"Pod", "Event"}
    assert evidence.alert["alerts"][0]["labels"]["alertname"] == "HighErrorRate"
    assert evidence.terraform_dir and evidence.terraform_dir.endswith("terraform")
    assert [r.ts for r in evidence.logs] == sorted(r.ts for r in evidence.logs)


def test_plain_and_json_lines_are_normalised_alike(copy_bundle) -> None:
    evidence = BundleCollector(copy_bundle("checkout-oom")).collect()
    structured = [r for r in evidence.logs if r.resource == "frontend" and "upstream checkout" in r.message]
    assert structured and structured[0].message.startswith("upstream checkout unavailable")
    assert all(r.level == "error" for r in structured)
    assert "upstream=http://checkout" in structured[0].message  # context fields kept for the reader
    plain = [r for r in evidence.logs if "OutOfMemoryError" in r.message]
    assert plain and all(r.level == "error" and r.resource == "checkout" for r in plain)


def test_cloudwatch_logs_and_metrics_are_named_by_their_resource(copy_bundle) -> None:
    evidence = BundleCollector(copy_bundle("thumbnailer-timeout")).collect()
    assert {r.resource for r in evidence.logs} == {"thumbnailer", "upload-api"}
    duration = next(m for m in evidence.metrics if m.metric == "Duration")
    assert duration.resource == "thumbnailer"
    assert [t for t, _ in duration.points] == sorted(t for t, _ in duration.points)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output + (result.stderr if hasattr(result, "stderr") else "")


@pytest.mark.parametrize(
    ("damage", "names"),
    [
        (lambda b: (b / "incident.json").unlink(), ["incident.json", "missing"]),
        (lambda b: (b / "incident.json").write_text('{"title": "x", "window": '), ["incident.json", "broken JSON"]),
        (
            lambda b: (b / "incident.json").write_text(
                json.dumps({"title": 3, "window": {"start": "yesterday", "end": 5}})
            ),
            ["incident.json: title", "window.start", "window.end"],
        ),
        (
            lambda b: (b / "loki" / "shop.json").write_text(
                json.dumps(
                    {"query": "{}", "response": {"status": "success", "data": {"resultType": "matrix", "result": []}}}
                )
            ),
            ["loki/shop.json", "resultType"],
        ),
        (
            lambda b: (b / "terraform" / "apps" / "checkout.tf").write_text('resource "x" "y" {\n  a = \n}\n'),
            ["terraform/apps/checkout.tf", "does not parse as HCL2"],
        ),
    ],
    ids=["missing-incident", "broken-json", "wrong-types", "wrong-result-type", "bad-terraform"],
)
def test_malformed_bundle_exits_2_naming_file_and_problem(copy_bundle, damage, names) -> None:
    bundle = copy_bundle("checkout-oom")
    damage(bundle)
    for command in (["diagnose", str(bundle)], ["validate", str(bundle)]):
        code, output = _cli(*command)
        assert code == 2, output
        for name in names:
            assert name in output
        assert "Traceback" not in output


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "incident.json").write_text("[1, 2]")
    proc = run_cli("diagnose", str(tmp_path))
    assert proc.returncode == 2
    assert "incident.json" in proc.stderr and "must be a JSON object" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_lists_every_problem_at_once(copy_bundle) -> None:
    bundle = copy_bundle("search-cpu")
    (bundle / "incident.json").write_text(json.dumps({"window": {"start": "2026-11-18T10:00:00"}}))
    (bundle / "cloudwatch" / "logs" / "web-bff.json").write_text("{")
    code, output = _cli("validate", str(bundle))
    assert code == 2
    for needle in ("title", "no time zone", "window.end", "cloudwatch/logs/web-bff.json"):
        assert needle in output
    with pytest.raises(InputError) as err:
        BundleCollector(bundle).collect()
    assert len(err.value.problems) >= 4


def test_valid_bundle_validates(copy_bundle) -> None:
    code, output = _cli("validate", str(copy_bundle("node-failure")))
    assert code == 0 and "valid" in output


def test_a_path_that_does_not_exist_is_said_so(tmp_path: Path) -> None:
    proc = run_cli("diagnose", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "nowhere: does not exist; pass the bundle's folder" in proc.stderr
    (tmp_path / "file.json").write_text("{}")
    proc = run_cli("diagnose", str(tmp_path / "file.json"))
    assert proc.returncode == 2 and "file.json: is a file, not a directory" in proc.stderr


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cyclic_collector_is_paused_while_reading_and_restored(monkeypatch, enabled: bool) -> None:
    import gc

    from collectors import loki

    seen: list[bool] = []
    reader = loki._read_stream  # each stream's lines, from a file streamed or decoded whole
    monkeypatch.setattr(loki, "_read_stream", lambda *a: (seen.append(gc.isenabled()), reader(*a))[1])
    (gc.enable if enabled else gc.disable)()
    try:
        evidence = BundleCollector(Path(__file__).parents[2] / "examples" / "incidents" / "checkout-oom").collect()
        assert seen and not any(seen) and evidence.logs  # paused while the lines were read
        assert gc.isenabled() is enabled  # and left as it was
    finally:
        gc.enable()
