"""bad_deploy: new errors from the pods of a rollout that started just before the onset (scored in rules.py)."""

from __future__ import annotations

from analyzers.signatures.base import Signature
from analyzers.signatures.shared import rollout_images

SIGNATURE = Signature(
    category="bad_deploy",
    advice=("started failing right after a new version rolled out", "roll back to the last good version"),
    facts=rollout_images,
    example="cart-bad-deploy",
)
