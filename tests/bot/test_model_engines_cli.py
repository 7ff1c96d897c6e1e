"""`cloud-doctor diagnose --diagnoser gemini --prescriber bedrock` end to end, against both stand-ins."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

from kernel.prompts import DATA_CLOSE, DATA_OPEN
from tests.conftest import INCIDENTS, run_cli
from tests.standins.models import BedrockStandIn, VertexStandIn


def test_cli_with_both_models(tmp_path: Path) -> None:
    vertex, claude = VertexStandIn("ya29.cli", "acme-ops", "europe-west4"), BedrockStandIn("eu-west-1")
    try:

        def diagnose(request):
            prompt = request["body"]["contents"][0]["parts"][0]["text"]
            category, resource = re.search(r"^- (\w+), ([\w.-]+), ", prompt, re.M).groups()
            data = prompt.split(DATA_OPEN, 1)[1].split(DATA_CLOSE, 1)[0]
            line = next(x for x in data.splitlines() if "Task timed out" in x)
            return VertexStandIn.reply(
                {
                    "category": category,
                    "resource": resource,
                    "summary": "thumbnailer hits its 30 s timeout on HEIC files; raise it.",
                    "confidence": 0.8,
                    "evidence": [{"source": "cloudwatch", "ref": "/aws/lambda/thumbnailer", "text": line.strip("- ")}],
                    "hypotheses": [],
                },
                3400,
                260,
            )

        lambda_tf = (INCIDENTS / "thumbnailer-timeout" / "terraform" / "lambda.tf").read_text()
        vertex.answer = diagnose
        claude.answer = lambda r: BedrockStandIn.tool_reply(
            {"lambda.tf": lambda_tf.replace("timeout       = 30 # seconds", "timeout       = 90 # seconds")},
            rationale="p99 duration is pinned at the 30 s limit; 90 s leaves headroom",
            tokens=(5100, 900),
        )
        config = tmp_path / "cd.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "engines": {
                        "gemini": {"project": "acme-ops", "location": "europe-west4", "base_url": vertex.url},
                        "bedrock": {
                            "region": "eu-west-1",
                            "model_id": "anthropic.claude-sonnet-4-v1:0",
                            "endpoint_url": claude.url,
                        },
                    }
                }
            )
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUD_DOCTOR_", "GEMINI_"))}
        env |= {
            "CLOUD_DOCTOR_CONFIG": str(config),
            "GEMINI_ACCESS_TOKEN": "ya29.cli",
            "AWS_ACCESS_KEY_ID": "AKIDCLI",
            "AWS_SECRET_ACCESS_KEY": "cli-secret",
        }
        proc = run_cli(
            "diagnose", str(INCIDENTS / "thumbnailer-timeout"), "--diagnoser", "gemini", "--prescriber", "bedrock",
            "--format", "json", env=env,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        d, fix = out["diagnosis"], out["fix"]
        assert (d["engine"], d["category"], d["resource"]) == ("gemini", "timeout", "thumbnailer")
        assert d["usage"]["input_tokens"] == 3400 and d["usage"]["output_tokens"] == 260
        assert fix["engine"] == "bedrock" and all(c["passed"] for c in fix["checks"])
        assert "+  timeout       = 90 # seconds" in fix["diff"]
        assert fix["usage"]["input_tokens"] == 5100 and fix["usage"]["output_tokens"] == 900
        assert len(vertex.requests) == 1 and len(claude.requests) == 1
    finally:
        vertex.close()
        claude.close()


def test_eval_records_then_replays_without_the_network(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "bundles"
    for name in ("checkout-oom", "thumbnailer-timeout"):
        shutil.copytree(INCIDENTS / name, folder / name)
    vertex = VertexStandIn("ya29.eval", "acme-ops", "us-central1")

    def agree_with_rules(request):
        prompt = request["body"]["contents"][0]["parts"][0]["text"]
        category, resource = re.search(r"^- (\w+), ([\w.-]+), ", prompt, re.M).groups()
        data = prompt.split(DATA_OPEN, 1)[1].split(DATA_CLOSE, 1)[0]
        line = next(x for x in data.splitlines() if x.startswith("- ["))
        return VertexStandIn.reply(
            {
                "category": category,
                "resource": resource,
                "summary": "s",
                "confidence": 0.7,
                "evidence": [{"source": "logs", "ref": "r", "text": line[2:]}],
                "hypotheses": [],
            },
            2000,
            150,
        )

    vertex.answer = agree_with_rules
    config = tmp_path / "cd.yaml"
    config.write_text(yaml.safe_dump({"engines": {"gemini": {"project": "acme-ops", "base_url": vertex.url}}}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUD_DOCTOR_", "GEMINI_"))}
    env |= {"CLOUD_DOCTOR_CONFIG": str(config), "GEMINI_ACCESS_TOKEN": "ya29.eval"}
    tapes = tmp_path / "tapes"

    def run(*flags: str) -> dict:
        proc = run_cli("eval", str(folder), "--diagnoser", "gemini", "--format", "json", *flags, env=env)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    try:
        recorded = run("--record", str(tapes))
    finally:
        vertex.close()
    assert len(vertex.requests) == 2 and len(list(tapes.glob("*.json"))) == 2
    assert recorded["diagnosis_accuracy"] == 1.0 and recorded["input_tokens"] == 4000
    assert {r["engines"] for r in recorded["results"]} == {"gemini+templates"}
    replayed = run("--replay", str(tapes))  # the stand-in is gone: every answer comes from the tapes
    assert replayed == recorded
    (folder / "checkout-oom" / "incident.json").write_text(
        (folder / "checkout-oom" / "incident.json").read_text().replace("frontend 5xx spike", "changed title")
    )
    proc = run_cli("eval", str(folder), "--diagnoser", "gemini", "--replay", str(tapes), env=env)
    assert proc.returncode == 2 and "no recorded answer" in proc.stderr
