"""Point the workload's image back from the bad (or missing) tag to the previous one that ran."""

from __future__ import annotations

import re

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, replace_literal
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, TerraformIndex


def retag(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    bad, good = diagnosis.details.get("bad_image"), diagnosis.details.get("previous_image")
    if not bad or not good or bad == good:
        return None
    bad_tag, good_tag = bad.rsplit(":", 1)[-1], good.rsplit(":", 1)[-1]
    for block in blocks:
        text = index.files[block.file]
        for literal in re.finditer(r'"[^"\n]*"', text[block.node.start : block.node.end]):
            if literal.group(0).strip('"') == bad:
                start = block.node.start + literal.start()
                return _retag_patch(
                    block, Edit(block.file, start, start + len(literal.group(0)), f'"{good}"'), bad, good, diagnosis
                )
        for var in re.findall(r"var\.([\w-]+)", text[block.node.start : block.node.end]):
            found = index.variable(var, [])
            if found and found.span and unquote(found.span.value) in (bad, bad_tag):
                index.fed.add(found.owner)
                new = good if unquote(found.span.value) == bad else good_tag
                return _retag_patch(block, replace_literal(found.file, found.span, new), bad, good, diagnosis)
    return None


def _retag_patch(block: Block, edit: Edit, bad: str, good: str, diagnosis: Diagnosis) -> Patch:
    verb = "Roll back" if diagnosis.category == "bad_deploy" else "Point at an image that exists"
    return Patch(f"{verb}: {block.address} image {bad} → {good}", "low", [edit])
