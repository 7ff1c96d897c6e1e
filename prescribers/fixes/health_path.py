"""Correct the health check's path to the one the service answers on: a target group's or probe's `path`, Helm
values' `httpGet`, or a module's `health_check_path`, wherever the literal behind it is written."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, focused, replace_literal
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, TerraformIndex

CHECKS = ("health_check", "http_get", "httpGet", "readiness_probe", "liveness_probe", "startup_probe",
          "readinessProbe", "livenessProbe", "startupProbe")  # fmt: skip
PATH_INPUTS = ("health_check_path", "health_path", "healthcheck_path")


def correct_health_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    good, bad = diagnosis.details.get("good_path"), diagnosis.details.get("bad_path")
    if not good:
        return None
    for block in blocks:
        for node in focused(index, block):
            keys = ["path"] if node.word in CHECKS else [k for k in node.attrs if k in PATH_INPUTS]
            if block.kind == "module" and node is block.node and "path" in node.attrs:
                keys.append("path")
            for key in keys:
                found = index.locate(block, node, key)
                if found is None or found.span is None:
                    continue
                value = unquote(found.span.value)
                if value.startswith("/") and value != good and (bad is None or value == bad):
                    return Patch(
                        f"Correct the health check of {block.address}: path {value} → {good}{found.where(block)}",
                        "low",
                        [replace_literal(found.file, found.span, good)],
                    )
    return None
