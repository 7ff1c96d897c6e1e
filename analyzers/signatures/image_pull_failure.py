"""image_pull_failure: a container image that cannot be pulled."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log
from analyzers.signatures.shared import rollout_images

SIGNATURE = Signature(
    category="image_pull_failure",
    logs=(
        log(
            r"CannotPullContainerError|ErrImagePull|ImagePullBackOff|manifest unknown|"
            r"pull access denied|failed to pull (and unpack )?image",
            5,
        ),
    ),
    kube_reasons={"ImagePullBackOff": 6, "ErrImagePull": 6, "InvalidImageName": 6},
    advice=("cannot pull its container image", "point at an image that exists"),
    facts=rollout_images,
    example="recommender-image",
)
