"""image_pull_failure: a container image that cannot be pulled."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log
from analyzers.signatures.shared import rollout_images

# The registry refused the credentials (or their absence), as containerd and Docker print it; "pull access denied
# ... may require 'docker login'" is not here: Docker Hub says that of a repository that does not exist too.
_AUTH = re.compile(
    r"401 Unauthorized|403 Forbidden|no basic auth credentials|authentication required|failed to authorize|"
    r"denied: requested access to the resource is denied|unauthorized: authentication required"
)
_IMAGE = re.compile(r'(?:Failed to pull image|pulling image) \\?"([^"\\]+)\\?"')


def facts(case: Case) -> dict[str, Any]:
    """The rollout's images, and whether the registry refused the pull for want of credentials."""
    out = rollout_images(case)
    if any(_AUTH.search(t) for t in case.texts):
        out["registry_auth"] = True
        image = next((m.group(1) for t in case.texts if (m := _IMAGE.search(t))), None)
        if image and "bad_image" not in out:
            out["image"] = image
    return out


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
    facts=facts,
    example="recommender-image",
)
