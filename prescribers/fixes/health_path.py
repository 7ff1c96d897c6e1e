"""Correct the health check's path to the one the service answers on."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, replace_literal, walk
from prescribers._hcltext import attribute, unquote
from prescribers.tfindex import Block, TerraformIndex


def correct_health_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    good, bad = diagnosis.details.get("good_path"), diagnosis.details.get("bad_path")
    if not good:
        return None
    for block in blocks:
        text = index.files[block.file]
        for node in walk(block.node):
            if node.word not in ("health_check", "http_get", "readiness_probe", "liveness_probe"):
                continue
            span = attribute(text, node, "path")
            if span and unquote(span.value) != good and (bad is None or unquote(span.value) == bad):
                return Patch(
                    f"Correct the health check of {block.address}: path {unquote(span.value)} → {good}",
                    "low",
                    [replace_literal(block.file, span, good)],
                )
    return None
