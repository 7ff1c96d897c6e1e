"""Give a full disk room: enable or raise the database's storage autoscaling, else double the volume."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, scale_keys, set_or_insert
from prescribers._hcltext import unquote
from prescribers.fixes.base import first, scaler
from prescribers.tfindex import Block, TerraformIndex


def grow_storage(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    db = first(blocks, "aws_db_instance")
    if db:
        allocated = index.resolve(db, db.node, "allocated_storage")
        if db.node.attr("max_allocated_storage") is None and allocated:
            size = int(unquote(allocated[1].value)) if unquote(allocated[1].value).isdigit() else 100
            edit = set_or_insert(index, db, db.node, "max_allocated_storage", str(size * 4))
            return Patch(f"Enable storage autoscaling on {db.address} up to {size * 4} GiB", "low", [edit])
        edits, notes = scale_keys(index, db, ("max_allocated_storage",), 2)
        if edits:
            return Patch(f"Raise the storage ceiling on {db.address}: {', '.join(notes)}", "low", edits)
    return scaler(
        (
            "aws_ebs_volume",
            "kubernetes_persistent_volume_claim",
            "kubernetes_persistent_volume_claim_v1",
            "google_compute_disk",
        ),
        ("size", "storage"),
        2,
        "Grow the volume",
    )(index, diagnosis, blocks)
