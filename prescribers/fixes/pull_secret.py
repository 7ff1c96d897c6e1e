"""An image the registry refuses to hand over (401, "no basic auth credentials") needs credentials, not a new tag:
the pod spec gains the registry's `kubernetes.io/dockerconfigjson` Secret from this Terraform, wherever the pod spec
is written (`image_pull_secrets` blocks, Helm values' `imagePullSecrets`, a `kubernetes_manifest`). With no such
Secret for that registry in the Terraform, no fix: a credential is not something to invent. Any other pull failure
points the image back at a tag that exists (retag)."""

from __future__ import annotations

import re

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, focused
from prescribers._hcltext import unquote
from prescribers.fixes.base import add_to_pod_spec
from prescribers.fixes.retag import retag
from prescribers.tfindex import K8S_WORKLOADS, Block, TerraformIndex

SECRETS = ("kubernetes_secret", "kubernetes_secret_v1")
PODS = (*K8S_WORKLOADS, "helm_release", "kubernetes_manifest")


def fix_image_pull(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    if not diagnosis.details.get("registry_auth"):
        return retag(index, diagnosis, blocks)
    image = str(diagnosis.details.get("bad_image") or diagnosis.details.get("image") or "")
    registry = image.split("/")[0] if "/" in image and "." in image.split("/")[0] else "docker.io"
    for block in (b for b in blocks if b.acts_as(PODS) and not b.instances):
        secret = _pull_secret(index, registry, _namespace(index, block))
        if secret is None:
            index.notes.append(f"no kubernetes.io/dockerconfigjson Secret for {registry} in terraform/")
            return None
        edit = _attach(index, block, f"{secret.address}.metadata[0].name")
        if edit is not None:
            return Patch(f"Pull {registry} images with credentials: {block.address} gets {secret.address}", "low",
                         [edit])  # fmt: skip
    return None


def _pull_secret(index: TerraformIndex, registry: str, namespace: str | None) -> Block | None:
    """The dockerconfigjson Secret for `registry` (in the workload's namespace when it says one)."""
    found = []
    for block in (b for b in index.blocks if b.type in SECRETS and not b.inner):
        kind = block.node.attrs.get("type")
        if kind is None or unquote(kind.value) != "kubernetes.io/dockerconfigjson":
            continue
        text = index.text(block)
        if namespace and (ns := re.search(r'namespace\s*=\s*"([^"]+)"', text)) and ns.group(1) != namespace:
            continue
        found.append((registry in text, block))
    named = [b for hit, b in found if hit]
    return named[0] if named else (found[0][1] if len(found) == 1 else None)


def _namespace(index: TerraformIndex, block: Block) -> str | None:
    match = re.search(r'namespace\s*=\s*"([^"]+)"', index.text(block))
    return match.group(1) if match else None


def _attach(index: TerraformIndex, block: Block, name: str) -> Edit | None:
    if block.type in K8S_WORKLOADS and name in index.text(block):
        return None  # attached already: the credentials themselves are wrong, not for us to write
    lines = ["image_pull_secrets {", f"  name = {name}", "}"]
    return add_to_pod_spec(index, block, focused(index, block), "imagePullSecrets", f"{{ name = {name} }}", lines)
