"""Claude on AWS Bedrock as the fix writer: Converse with one forced tool, `propose_patch`.

The model sees the diagnosis, the Terraform blocks the locator found, their files and every file feeding their values.
Its patch goes through exactly the safety checks the templates do; a refused patch is sent back once
with the failures, and if it fails again no fix is offered. When Bedrock is unreachable the
templates answer.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from analyzers import Diagnosis
from collectors import Evidence
from kernel import CloudDoctorError
from kernel.cassette import Cassette
from kernel.prompts import fence, render
from kernel.resilience import CircuitBreaker, CircuitOpen, retry
from prescribers.base import Check, Fix, Prescription
from prescribers.locator import Location, locate
from prescribers.templates import TemplatePrescriber, finish
from prescribers.tfindex import TerraformIndex

log = logging.getLogger("cloud_doctor.bedrock")
PROMPTS = Path(__file__).parent / "prompts"
TOOL = {
    "toolSpec": {
        "name": "propose_patch",
        "description": "Propose the Terraform change: the whole new content of each changed file.",
        "inputSchema": {"json": {
            "type": "object",
            "properties": {
                "files": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                    "required": ["path", "content"]}},
                "rationale": {"type": "string"},
            },
            "required": ["files", "rationale"],
        }},
    }
}  # fmt: skip
_BREAKERS: dict[str, CircuitBreaker] = {}


def patch_prompt(diagnosis: Diagnosis, blocks: set[str], files: dict[str, str]) -> str:
    """The first user turn, exactly as sent: the diagnosis, then the implicated files fenced as data."""
    return render(
        PROMPTS,
        "patch_user.jinja2",
        category=fence(diagnosis.category),
        resource=fence(diagnosis.resource),
        confidence=diagnosis.confidence,
        blocks=sorted(blocks),
        summary=fence(diagnosis.summary),
        details=fence(json.dumps(diagnosis.details, default=str)),
        files={p: fence(t) for p, t in files.items()},
    )


def first_turn(diagnosis: Diagnosis, where: Location) -> str:
    """The first user turn for what the locator found: the blocks a fix may change and the files that hold them."""
    return patch_prompt(diagnosis, where.allowed, where.files())


def system_prompt() -> str:
    return render(PROMPTS, "patch_system.jinja2")


def retryable(exc: Exception) -> bool:
    """Throttling, 429 and 5xx (and connection trouble) are worth another try; other 4xx are not."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code", "")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return (
            code
            in (
                "ThrottlingException",
                "ServiceUnavailableException",
                "ModelNotReadyException",
                "InternalServerException",
            )
            or status == 429
            or status >= 500
        )
    return type(exc).__name__ in (
        "EndpointConnectionError",
        "ReadTimeoutError",
        "ConnectTimeoutError",
        "ConnectionClosedError",
    )


class BedrockPrescriber:
    name = "bedrock"

    def __init__(
        self,
        region: str = "us-east-1",
        model_id: str | None = None,
        endpoint_url: str | None = None,
        timeout_seconds: float = 120.0,
        attempts: int = 4,
        cassette: Cassette | None = None,
    ) -> None:
        self.region, self.model_id, self.endpoint_url = region, model_id, endpoint_url
        self.timeout, self.attempts, self.cassette = timeout_seconds, attempts, cassette
        self.breaker = _BREAKERS.setdefault(
            f"{endpoint_url}:{region}:{model_id}", CircuitBreaker(f"Bedrock ({model_id})")
        )

    def prescribe(self, diagnosis: Diagnosis, evidence: Evidence) -> Prescription:
        templates = TemplatePrescriber()
        if not evidence.terraform_dir or not self.model_id:
            result = templates.prescribe(diagnosis, evidence)
            reason = "no terraform/ to patch" if not evidence.terraform_dir else "no Bedrock model_id configured"
            return self._note_fallback(result, reason, 0, time.monotonic())
        where = locate(evidence, diagnosis)
        index, blocks = where.index, where.blocks
        if not blocks:
            return Prescription(None, f"No fix offered: {where.nothing_found()}.")
        allowed = where.allowed
        started = time.monotonic()
        usage: dict[str, Any] = {
            "engine": self.name,
            "model": self.model_id,
            "input_tokens": 0,
            "output_tokens": 0,
            "calls": 0,
        }
        messages: list[dict[str, Any]] = [{"role": "user", "content": [{"text": first_turn(diagnosis, where)}]}]
        try:
            fix = None
            for _turn in range(2):
                tool_use = self._converse(messages, usage)
                fix = self._fix(index, tool_use, allowed, usage)
                if fix is None or fix.safe:
                    break
                messages += [
                    {"role": "assistant", "content": [{"toolUse": tool_use}]},
                    {
                        "role": "user",
                        "content": [
                            {
                                "toolResult": {
                                    "toolUseId": tool_use["toolUseId"],
                                    "status": "error",
                                    "content": [
                                        {
                                            "text": render(
                                                PROMPTS,
                                                "patch_retry.jinja2",
                                                failed=[
                                                    Check(c.name, c.passed, fence(c.detail))
                                                    for c in fix.checks
                                                    if not c.passed
                                                ],
                                            )
                                        }
                                    ],
                                }
                            }
                        ],
                    },
                ]
        except CloudDoctorError:
            raise  # configuration (a replay without the answer): a person must act, not a fallback
        except CircuitOpen as exc:
            return self._note_fallback(templates.prescribe(diagnosis, evidence), str(exc), 0, started)
        except Exception as exc:  # botocore's error types vary by failure; all mean "no answer"
            log.warning("Bedrock call failed: %s", exc)
            reason = f"Bedrock unavailable ({type(exc).__name__}: {str(exc)[:200]})"
            return self._note_fallback(templates.prescribe(diagnosis, evidence), reason, usage["calls"], started)
        usage["latency_ms"] = round((time.monotonic() - started) * 1000)
        if fix is None:
            return Prescription(None, "No fix offered: Claude proposed no change.")
        fix.usage = usage
        if not fix.safe:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in fix.checks if not c.passed)
            return Prescription(
                None, f"No fix offered: Claude's patch failed the safety checks twice ({failed}).", refused=fix
            )
        return Prescription(fix, fix.summary)

    def _converse(self, messages: list[dict[str, Any]], usage: dict[str, Any]) -> dict[str, Any]:
        key = Cassette.key(self.model_id, system_prompt(), messages)
        if self.cassette and self.cassette.replaying:
            response = self.cassette.get(key, "Bedrock")
        else:
            client = self._client()

            def call() -> Any:
                return client.converse(
                    modelId=self.model_id, messages=messages, system=[{"text": system_prompt()}],
                    toolConfig={"tools": [TOOL], "toolChoice": {"tool": {"name": "propose_patch"}}},
                    inferenceConfig={"temperature": 0, "maxTokens": 8192},
                )  # fmt: skip

            response = self.breaker.call(lambda: retry(call, retryable, attempts=self.attempts))
            response = {k: response[k] for k in ("output", "usage", "stopReason") if k in response}
            if self.cassette:
                self.cassette.put(key, response)
        usage["calls"] += 1
        usage["input_tokens"] += int(response.get("usage", {}).get("inputTokens", 0))
        usage["output_tokens"] += int(response.get("usage", {}).get("outputTokens", 0))
        for block in response.get("output", {}).get("message", {}).get("content", []):
            if "toolUse" in block and block["toolUse"].get("name") == "propose_patch":
                return dict(block["toolUse"])
        raise ValueError("Claude did not call propose_patch")

    def _client(self) -> Any:
        from botocore.config import Config

        from kernel.aws import session  # the default chain, or the keyless web identity on Cloud Run

        config = Config(read_timeout=self.timeout, connect_timeout=10, retries={"total_max_attempts": 1})  # ours retry
        return session(self.region).client("bedrock-runtime", endpoint_url=self.endpoint_url, config=config)

    def _fix(
        self, index: TerraformIndex, tool_use: dict[str, Any], allowed: set[str], usage: dict[str, Any]
    ) -> Fix | None:
        proposal = tool_use.get("input") or {}
        changed = {}
        for entry in proposal.get("files") or []:
            if isinstance(entry, dict) and isinstance(entry.get("path"), str) and isinstance(entry.get("content"), str):
                changed[entry["path"]] = entry["content"]
        if not changed:
            return None
        rationale = str(proposal.get("rationale", ""))[:500] or "Claude's patch"
        fix = finish(index, changed, rationale, "medium", self.name, allowed)
        unknown = [p for p in changed if p not in index.files]
        if unknown:  # a model may not create files: everything it changes must already be ours
            fix.checks.append(Check("only_existing_files", False, f"new files: {unknown}"))
        return fix

    def _note_fallback(self, result: Prescription, reason: str, calls: int, started: float) -> Prescription:
        usage = {
            "engine": self.name,
            "model": self.model_id,
            "input_tokens": 0,
            "output_tokens": 0,
            "calls": calls,
            "latency_ms": round((time.monotonic() - started) * 1000),
            "fallback": "templates",
            "reason": reason,
        }
        if result.fix is not None:
            result.fix.usage = usage
        result.advice = f"{result.advice} (The templates answered: {reason}.)"
        return result
