"""One Terraform change per category, written as exact textual edits (the templates engine's catalogue)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, replace_literal, scale_keys, set_or_insert, walk
from prescribers._hcltext import attribute, closing_insert, unquote
from prescribers.tfindex import Block, TerraformIndex

WORKLOADS = (
    "aws_ecs_task_definition",
    "aws_lambda_function",
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "google_cloud_run_v2_service",
)
K8S_WORKLOADS = (
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
)
Writer = Callable[[TerraformIndex, Diagnosis, list[Block]], Patch | None]


def _first(blocks: list[Block], *types: str) -> Block | None:
    return next((b for b in blocks if b.type in types), None)


def _scaler(
    types: tuple[str, ...], keys: tuple[str, ...], factor: float, verb: str, risk: str = "low", cap: float | None = None
) -> Writer:
    def write(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
        for block in (b for b in blocks if b.type in types):
            edits, notes = scale_keys(index, block, keys, factor, cap=cap)
            if edits:
                return Patch(f"{verb} on {block.address}: {', '.join(notes)}", risk, edits)
        return None

    return write


def _rate(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    metrics = " ".join(str(m.get("metric")) for m in diagnosis.details.get("metrics", []))
    keys: tuple[str, ...] = ("read_capacity",) if "Read" in metrics else ("write_capacity",)
    keys += ("reserved_concurrent_executions", "throttling_rate_limit", "throttling_burst_limit")
    return _scaler(
        ("aws_dynamodb_table", "aws_lambda_function", "aws_api_gateway_method_settings"),
        keys,
        2,
        "Raise the rate limit",
    )(index, diagnosis, blocks)


def _db_connections(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    for block in (b for b in blocks if b.type in ("aws_db_parameter_group", "aws_rds_cluster_parameter_group")):
        text = index.files[block.file]
        for node in block.node.child("parameter"):
            name = attribute(text, node, "name")
            value = attribute(text, node, "value")
            if name and value and unquote(name.value) == "max_connections" and unquote(value.value).isdigit():
                new = str(int(unquote(value.value)) * 2)
                edit = replace_literal(block.file, value, new)
                return Patch(
                    f"Raise max_connections on {block.address}: {unquote(value.value)} → {new} "
                    "(static parameter: applies at the next reboot)",
                    "medium",
                    [edit],
                )
    return _scaler(("aws_db_instance",), ("max_connections",), 2, "Raise connections")(index, diagnosis, blocks)


def _storage(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    db = _first(blocks, "aws_db_instance")
    if db:
        text = index.files[db.file]
        allocated = index.resolve(db, db.node, "allocated_storage")
        if attribute(text, db.node, "max_allocated_storage") is None and allocated:
            size = int(unquote(allocated[1].value)) if unquote(allocated[1].value).isdigit() else 100
            edit = set_or_insert(index, db, db.node, "max_allocated_storage", str(size * 4))
            return Patch(f"Enable storage autoscaling on {db.address} up to {size * 4} GiB", "low", [edit])
        edits, notes = scale_keys(index, db, ("max_allocated_storage",), 2)
        if edits:
            return Patch(f"Raise the storage ceiling on {db.address}: {', '.join(notes)}", "low", edits)
    return _scaler(
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


def _grant(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    action, arn = diagnosis.details.get("action"), diagnosis.details.get("arn")
    if not action or not arn:
        return None
    for block in _permission_policies(index, diagnosis, blocks):
        text = index.files[block.file]
        if block.type == "aws_iam_policy_document" and block.node.child("statement"):
            lines = [
                "",
                "statement {",
                '  sid       = "CloudDoctorGrant"',
                f'  actions   = ["{action}"]',
                f'  resources = ["{arn}"]',
                "}",
            ]
            offset, body = closing_insert(text, block.node, lines)
            return Patch(
                f"Grant {action} on {arn} in {block.address}", "medium", [Edit(block.file, offset, offset, body)]
            )
        statement = re.compile(r"Statement\s*=\s*\[\s*\n")
        match = statement.search(text, block.node.start, block.node.end)
        if block.type in ("aws_iam_role_policy", "aws_iam_policy") and match:
            indent = re.match(r"[ \t]*", text[match.end() :]).group(0)  # type: ignore[union-attr]
            entry = (
                f'{indent}{{\n{indent}  Effect   = "Allow"\n{indent}  Action   = ["{action}"]\n'
                f'{indent}  Resource = ["{arn}"]\n{indent}}},\n'
            )
            return Patch(
                f"Grant {action} on {arn} in {block.address}",
                "medium",
                [Edit(block.file, match.end(), match.end(), entry)],
            )
    return None


def _permission_policies(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> list[Block]:
    """The permission policies of the denied role (never its trust policy), inline ones first."""
    role = next(iter(index.relevant(str(diagnosis.details.get("role", "")), ("aws_iam_role",))), None)
    if role is None:
        return []
    policies = [
        b
        for b in index.referrers(role)
        if b.type in ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment")
    ]
    documents = [d for p in policies for d in index.references(p) if d.type == "aws_iam_policy_document"]
    return [b for b in [*policies, *documents] if b in blocks or b.type == "aws_iam_policy_document"]


def _containers(index: TerraformIndex, block: Block, resource: str) -> list[Any]:
    nodes = [n for n in walk(block.node) if n.word in ("container", "containers")]
    text = index.files[block.file]
    named = [n for n in nodes if (s := attribute(text, n, "name")) and unquote(s.value) == resource]
    return named or nodes


def _add_env(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    setting = diagnosis.details.get("setting")
    if not setting or not index.get(f"variable.{setting.lower()}"):
        return None  # we cannot invent a value: the summary tells a person which setting to supply
    ref = f"var.{setting.lower()}"
    for block in blocks:
        text = index.files[block.file]
        if block.type in (*K8S_WORKLOADS, "google_cloud_run_v2_service"):
            for container in _containers(index, block, diagnosis.resource)[:1]:
                offset, body = closing_insert(
                    text, container, ["env {", f'  name  = "{setting}"', f"  value = {ref}", "}"]
                )
                return Patch(
                    f"Supply {setting} to {block.address} from {ref}", "low", [Edit(block.file, offset, offset, body)]
                )
        match = re.compile(r"environment\s*=\s*\[\s*\n").search(text, block.node.start, block.node.end)
        if block.type == "aws_ecs_task_definition" and match:
            indent = re.match(r"[ \t]*", text[match.end() :]).group(0)  # type: ignore[union-attr]
            entry = f'{indent}{{ name = "{setting}", value = {ref} }},\n'
            return Patch(
                f"Supply {setting} to {block.address} from {ref}",
                "low",
                [Edit(block.file, match.end(), match.end(), entry)],
            )
    return None


def _retag(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
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
            found = index.literal_of("var", var)
            if found and unquote(found[1].value) in (bad, bad_tag):
                new = good if unquote(found[1].value) == bad else good_tag
                return _retag_patch(block, replace_literal(found[0], found[1], new), bad, good, diagnosis)
    return None


def _retag_patch(block: Block, edit: Edit, bad: str, good: str, diagnosis: Diagnosis) -> Patch:
    verb = "Roll back" if diagnosis.category == "bad_deploy" else "Point at an image that exists"
    return Patch(f"{verb}: {block.address} image {bad} → {good}", "low", [edit])


def _open_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    port, peer = diagnosis.details.get("port"), diagnosis.details.get("peer_block")
    caller = diagnosis.details.get("caller_sg")
    if not port or not peer or not caller:
        return None
    target = index.get(peer)
    if target is None:
        return None
    text = index.files[target.file]
    lines = [
        "",
        "ingress {",
        f'  description     = "{diagnosis.resource} to port {port} (Cloud Doctor)"',
        f"  from_port       = {port}",
        f"  to_port         = {port}",
        '  protocol        = "tcp"',
        f"  security_groups = [{caller}.id]",
        "}",
    ]
    offset, body = closing_insert(text, target.node, lines)
    return Patch(
        f"Open tcp/{port} on {target.address} from {caller} only", "medium", [Edit(target.file, offset, offset, body)]
    )


def _renew(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    cert = _first(blocks, "tls_locally_signed_cert", "tls_self_signed_cert")
    if cert is None:
        return None
    validity = index.resolve(cert, cert.node, "validity_period_hours")
    hours = int(unquote(validity[1].value)) if validity and unquote(validity[1].value).isdigit() else 8760
    edit = set_or_insert(index, cert, cert.node, "early_renewal_hours", str(max(hours // 4, 24)))
    return Patch(f"Renew {cert.address}: early_renewal_hours makes the next apply re-issue it", "medium", [edit])


def _health_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
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


def _placement(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    taint = diagnosis.details.get("taint")
    block = _first(blocks, *K8S_WORKLOADS)
    if not taint or block is None:
        return None
    text = index.files[block.file]
    pod_spec = next((n for n in walk(block.node) if n.word == "spec" and n.child("container")), None)
    if pod_spec is None:
        return None
    lines = [
        "toleration {",
        f'  key      = "{taint["key"]}"',
        '  operator = "Equal"',
        f'  value    = "{taint["value"]}"',
        f'  effect   = "{taint["effect"]}"',
        "}",
    ]
    offset, body = closing_insert(text, pod_spec, lines)
    return Patch(
        f"Let {block.address} tolerate the taint {taint['key']}={taint['value']}",
        "medium",
        [Edit(block.file, offset, offset, body)],
    )


def _selector(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    wanted: dict[str, str] = diagnosis.details.get("pod_labels") or {}
    for block in (b for b in blocks if b.type in ("kubernetes_service", "kubernetes_service_v1")):
        text = index.files[block.file]
        for node in walk(block.node):
            if node.word != "selector":
                continue
            edits = []
            for key, value in wanted.items():
                span = attribute(text, node, key) or attribute(text, node, f'"{key}"')
                if span and unquote(span.value) != value:
                    edits.append(replace_literal(block.file, span, value))
            if edits:
                shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
                return Patch(f"Correct the selector of {block.address} to the pods' labels ({shown})", "low", edits)
    return None


WRITERS: dict[str, Writer] = {
    "memory_exhaustion": _scaler(WORKLOADS, ("memory", "memory_size"), 2, "Double the memory", cap=10240 * 2**20),
    "cpu_saturation": _scaler(WORKLOADS, ("cpu",), 2, "Double the CPU"),
    "capacity_limit": _scaler(
        (
            "aws_appautoscaling_target",
            "kubernetes_horizontal_pod_autoscaler",
            "kubernetes_horizontal_pod_autoscaler_v2",
            "aws_eks_node_group",
            "google_container_node_pool",
            "aws_autoscaling_group",
        ),
        ("max_capacity", "max_replicas", "max_size", "max_node_count"),
        2,
        "Raise the ceiling",
    ),
    "db_connection_exhaustion": _db_connections,
    "disk_full": _storage,
    "timeout": _scaler(
        ("aws_lambda_function", "google_cloud_run_v2_service", "aws_lb_target_group"),
        ("timeout",),
        2,
        "Double the timeout",
        cap=900,
    ),
    "rate_limited": _rate,
    "queue_backlog": _scaler(
        ("aws_ecs_service", *K8S_WORKLOADS), ("desired_count", "replicas"), 2, "Scale the consumers out"
    ),
    "permission_denied": _grant,
    "crash_loop": _add_env,
    "bad_deploy": _retag,
    "image_pull_failure": _retag,
    "network_blocked": _open_path,
    "certificate_expired": _renew,
    "health_check_failure": _health_path,
    "scheduling_failure": _placement,
    "routing_misconfig": _selector,
}
