"""Open exactly the blocked path: the peer's port, to the caller only.

On AWS the peer's security group admits the caller's, the way that group's rules are already written: an inline
`ingress` block, one more `aws_vpc_security_group_ingress_rule` (or legacy `aws_security_group_rule`) beside the
group's others, an entry in the locals map those rules iterate, or an element of the terraform-aws-modules
security-group call's `ingress_with_source_security_group_id`. Mixing inline rules with rule resources on one
group makes them fight, so the style already there wins. In Kubernetes, the caller's NetworkPolicy gets one
`egress` rule to the peer's pods on that port (and their namespace, when it is another).
"""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, add_to, collection, walk
from prescribers._hcltext import Node, closing_insert, unquote
from prescribers.tfindex import Block, TerraformIndex

RULES = ("aws_vpc_security_group_ingress_rule", "aws_security_group_rule")
SOURCE_KEYS = ("referenced_security_group_id", "source_security_group_id")


def open_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    port = diagnosis.details.get("port")
    if not port:
        return None
    if diagnosis.details.get("policy_block"):
        return _egress(index, diagnosis, int(port))
    peer, caller = (
        index.get(str(diagnosis.details.get("peer_block"))),
        index.get(str(diagnosis.details.get("caller_sg"))),
    )
    if peer is None or caller is None:
        return None
    source, why = sg_ref(index, caller), f"{diagnosis.resource} to port {port} (Cloud Doctor)"
    summary = f"Open tcp/{port} on {peer.address} from {caller.address} only"
    if peer.kind == "module":
        edit = _module_rule(index, peer, port, source, why)
        return Patch(f"{summary} (ingress_with_source_security_group_id)", "medium", [edit]) if edit else None
    rules = [r for r in index.referrers(peer) if r.type in RULES and _is_ingress(r)]
    if rules:
        return _rule(index, peer, rules, port, source, why, summary)
    dynamic = next((n for n in peer.node.children if n.word == "dynamic" and n.labels == ["ingress"]), None)
    if dynamic is not None:  # the group's rules are the list its dynamic block iterates: the new one goes there
        return _iterated(index, peer, dynamic, port, source, why, f'{peer.address}\'s dynamic "ingress"', summary)
    lines = [
        "",
        "ingress {",
        f'  description     = "{why}"',
        f"  from_port       = {port}",
        f"  to_port         = {port}",
        '  protocol        = "tcp"',
        f"  security_groups = [{source}]",
        "}",
    ]
    offset, body = closing_insert(index.files[peer.file], peer.node, lines)
    return Patch(summary, "medium", [Edit(peer.file, offset, offset, body)])


def sg_ref(index: TerraformIndex, block: Block) -> str:
    """How Terraform refers to a security group's id: a resource's, one instance's, or a module's output."""
    if block.kind == "module":
        return f"module.{block.name}.security_group_id"
    key = index.focus.get(block.address)
    return f'{block.address}["{key}"].id' if block.instances and key is not None else f"{block.address}.id"


def _is_ingress(rule: Block) -> bool:
    kind = rule.node.attrs.get("type")
    return rule.type == "aws_vpc_security_group_ingress_rule" or (kind is not None and unquote(kind.value) == "ingress")


def _module_rule(index: TerraformIndex, module: Block, port: int, source: str, why: str) -> Edit | None:
    element = (f'{{ from_port = {port}, to_port = {port}, protocol = "tcp", description = "{why}", '
               f"source_security_group_id = {source} }}")  # fmt: skip
    key = "ingress_with_source_security_group_id"
    found = collection(index, module, module.node, key)
    if found is not None:
        return add_to(index, found, key, element)
    offset, body = closing_insert(index.files[module.file], module.node, [f"{key} = [{element}]"])
    return Edit(module.file, offset, offset, body)


def _iterated(
    index: TerraformIndex, block: Block, node: Node, port: int, source: str, why: str, what: str, summary: str
) -> Patch | None:
    """One more entry, like its siblings, in the map or list `node`'s for_each iterates (rules over a local map,
    a `dynamic "ingress"` over a local list); None when a sibling has a key this cannot fill honestly."""
    found = collection(index, block, node, "for_each")
    sibling = next((c for c in found.node.children if c.kind == "object"), None) if found and found.node else None
    if found is None or sibling is None:
        return None
    entry = {}
    for k, span in sibling.attrs.items():
        value = span.value.strip()
        if "port" in k:
            entry[k] = str(port)
        elif value.endswith((".id", ".security_group_id")) or k in ("source", "sg", "security_group", *SOURCE_KEYS):
            entry[k] = source
        elif "protocol" in k:
            entry[k] = '"tcp"'
        elif "description" in k:
            entry[k] = f'"{why}"'
        else:
            return None
    name = source.split(".")[1].replace('"', "")
    edit = add_to(index, found, name, "{ " + ", ".join(f"{k} = {v}" for k, v in entry.items()) + " }")
    return Patch(f"{summary} (an entry of {what}{found.where(block)})", "medium", [edit]) if edit else None


def _rule(
    index: TerraformIndex, peer: Block, rules: list[Block], port: int, source: str, why: str, summary: str
) -> Patch | None:
    """One more rule like the group's others: an entry of the map they iterate, or a block beside them."""
    for rule in (r for r in rules if r.instances):
        patch = _iterated(index, rule, rule.node, port, source, why, f"{rule.address}'s for_each", summary)
        if patch is not None:
            return patch
    last = max((r for r in rules if not r.instances), key=lambda r: (r.file == peer.file, r.node.end), default=None)
    if last is None:
        return None
    attrs = last.node.attrs
    target = attrs["security_group_id"].value if "security_group_id" in attrs else sg_ref(index, peer)
    label = f"{peer.name}_from_{source.split('.')[1]}".replace('"', "").replace("[", "_").replace("]", "")
    if last.type == "aws_vpc_security_group_ingress_rule":
        lines = [f"security_group_id            = {target}", f"referenced_security_group_id = {source}",
                 f"from_port                    = {port}", f"to_port                      = {port}",
                 'ip_protocol                  = "tcp"', f'description                  = "{why}"']  # fmt: skip
    else:
        lines = ['type                     = "ingress"', f"security_group_id        = {target}",
                 f"source_security_group_id = {source}", f"from_port                = {port}",
                 f"to_port                  = {port}", 'protocol                 = "tcp"',
                 f'description              = "{why}"']  # fmt: skip
    body = f'\n\nresource "{last.type}" "{label}" {{\n' + "".join(f"  {line}\n" for line in lines) + "}"
    end = last.node.end + 1
    return Patch(f"{summary}: {last.type}.{label}, beside {last.address}", "medium", [Edit(last.file, end, end, body)])


def _egress(index: TerraformIndex, diagnosis: Diagnosis, port: int) -> Patch | None:
    """One egress rule on the caller's NetworkPolicy: to the peer's pods (in their namespace) on the port."""
    policy = index.get(str(diagnosis.details["policy_block"]))
    if policy is None:
        return None
    spec = next((n for n in walk(policy.node) if n.word == "spec" and n.child("pod_selector")), None)
    if spec is None:
        return None
    labels = diagnosis.details.get("peer_labels") or {}
    namespace = diagnosis.details.get("peer_namespace")
    to = [f'"kubernetes.io/metadata.name" = "{namespace}"'] if namespace else []
    selectors = [("namespace_selector", to)] if to else []
    width = max((len(_key(k)) for k in labels), default=0)  # aligned as terraform fmt aligns them
    selectors.append(("pod_selector", [f'{_key(k):<{width}} = "{v}"' for k, v in labels.items()]))
    lines = ["egress {", "  to {"]
    for selector, entries in selectors:
        lines += [
            f"    {selector} {{",
            "      match_labels = {",
            *(f"        {e}" for e in entries),
            "      }",
            "    }",
        ]
    lines += ["  }", "  ports {", f'    port     = "{port}"', '    protocol = "TCP"', "  }", "}"]
    offset, body = closing_insert(index.files[policy.file], spec, lines)
    peer = ", ".join(f"{k}={v}" for k, v in labels.items())
    where = f" in namespace {namespace}" if namespace else ""
    if not diagnosis.details.get("peer_labels_from"):  # the peer's pods are not in this Terraform
        where += " (labels assumed from the peer's Service name: check them against its pods)"
    return Patch(f"Open tcp/{port} egress on {policy.address} to pods {peer}{where} only", "medium",
                 [Edit(policy.file, offset, offset, body)])  # fmt: skip


def _key(label: str) -> str:
    return label if label.replace("_", "").isalnum() else f'"{label}"'
