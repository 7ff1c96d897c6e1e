"""Point the workload's image back from the bad (or missing) tag to the previous one that ran.

The image may be one literal, or built from parts: `"repo/app:${var.tag}"`, a Helm `image.tag`, a for_each
entry's `tag`, a module's `image_tag`, `image.tag` in a values file the release reads; the edit goes where the bad
tag is written, for the failing entry only."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, focused, helm_set_path, replace_literal, requoted, value_scalars
from prescribers._hcltext import Node, unquote
from prescribers.tfindex import Block, TerraformIndex


def retag(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    bad, good = diagnosis.details.get("bad_image"), diagnosis.details.get("previous_image")
    if not bad or not good or bad == good:
        return None
    bad_tag, good_tag = bad.rsplit(":", 1)[-1], good.rsplit(":", 1)[-1]
    for block in blocks:
        for node in focused(index, block):
            for key in node.attrs:
                for found in index.reads(block, node, key):
                    span = found.span
                    assert span is not None  # reads() yields literals only
                    value = unquote(span.value)
                    read = span != node.attrs[key]  # through a variable, local, entry or interpolation
                    tag = read or "tag" in key.lower() or _is_tag(index, block, node)
                    if value == bad or (value == bad_tag and tag):
                        edit = replace_literal(found.file, span, good if value == bad else good_tag)
                        return _retag_patch(block, edit, bad, good, diagnosis)
        for rel, path, span in value_scalars(index, block):  # image.tag (or image) in a values file
            value = span.value.strip("'\"")
            if value == bad or (value == bad_tag and path[-1].lower().endswith("tag")):
                edit = Edit(rel, span.start, span.end, requoted(span, good if value == bad else good_tag))
                return _retag_patch(block, edit, bad, good, diagnosis, rel)
    return None


def _is_tag(index: TerraformIndex, block: Block, node: Node) -> bool:
    """A Helm `set { name = "image.tag" ... }`."""
    path = helm_set_path(index, block, node)
    return bool(path) and path[-1].lower().endswith("tag")


def _retag_patch(block: Block, edit: Edit, bad: str, good: str, diagnosis: Diagnosis, where: str = "") -> Patch:
    verb = "Roll back" if diagnosis.category == "bad_deploy" else "Point at an image that exists"
    return Patch(f"{verb}: {block.address} image {bad} → {good}" + (f" (in {where})" if where else ""), "low", [edit])
