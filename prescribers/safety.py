"""The fix safety rules of incident-bundle.md: every proposed patch, from a template or a model, passes here."""

from __future__ import annotations

import re
from collections.abc import Iterator

from prescribers._hcltext import Node, parse_error, parse_nodes, parse_root
from prescribers._yamltext import parse_error as yaml_error
from prescribers.base import Check

PROTECTIONS = (  # (attribute, value that means protected)
    ("deletion_protection", "true"),
    ("prevent_destroy", "true"),
    ("skip_final_snapshot", "false"),
    ("copy_tags_to_snapshot", "true"),
)
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
ALLOWED_PUBLIC_PORTS = {80, 443}
BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
# Roles that let an identity become another (or manage who may): never a fix's to grant.
ESCALATING_ROLES = ("roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser",
                    "roles/iam.workloadIdentityUser", "roles/iam.serviceAccountKeyAdmin")  # fmt: skip
# Services whose wildcard is a privilege escalation whatever the resource
ESCALATING_SERVICES = ("iam", "sts", "organizations", "kms")
# Reads of secrets: not harmless on every resource
SECRET_READS = ("secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                "kms:Decrypt", "s3:GetObject")  # fmt: skip
READ_ONLY = re.compile(r"^(?:[\w-]+:)?(?:Get|List|Describe|Read|Head|Query|Scan|BatchGet|Lookup|Search|View)")
_ROLES = re.compile(r'"(roles/[\w.]+)"')
_STRINGS = re.compile(r'"([^"\n]*)"')


def check_fix(old: dict[str, str], new: dict[str, str], implicated: set[str]) -> list[Check]:
    """Run every rule over the changed files; `old`/`new` map paths relative to terraform/ to text."""
    changed = {p: t for p, t in new.items() if old.get(p) != t}
    before = {a: t for p in changed for a, t in _blocks(old.get(p, ""), p)}
    after = {a: t for p, t in changed.items() for a, t in _blocks(t, p)}
    touched = {a for a in after if before.get(a) != after[a]} | {a for a in before if a not in after}
    return [
        _parses(changed),
        _paths(changed, implicated),
        _implicated(touched, implicated | _attached(before, after, implicated)),
        _removed(before, after),
        _protections(before, after),
        _ingress(before, after, touched),
        _iam(before, after, touched),
    ]


def _blocks(text: str, path: str) -> Iterator[tuple[str, str]]:
    if path.endswith(".tfvars"):  # each top-level value whole (a list over many lines is one value)
        root = parse_root(text)
        if root is None:
            for m in re.finditer(r"(?m)^([A-Za-z_][\w-]*)\s*=.*$", text):
                yield f"variable.{m.group(1)}", m.group(0).strip()
            return
        for key, span in root.attrs.items():
            yield f"variable.{key}", f"{key} = {span.value}"
        return
    for node in parse_nodes(text):
        labels = node.labels
        if node.word in ("resource", "data") and len(labels) >= 2:
            address = f"{labels[0]}.{labels[1]}" if node.word == "resource" else f"data.{labels[0]}.{labels[1]}"
        else:
            address = f"{node.word}.{labels[0]}" if labels else node.word
        yield address, text[node.begin : node.end + 1]


def _parses(changed: dict[str, str]) -> Check:
    bad = [f"{p}: {e}" for p, t in changed.items() if p.endswith((".tf", ".tfvars")) and (e := parse_error(t))]
    bad += [f"{p}: {e}" for p, t in changed.items() if p.endswith((".yaml", ".yml")) and (e := yaml_error(t))]
    return Check("hcl_parses", not bad, "; ".join(bad))


def _paths(changed: dict[str, str], implicated: set[str]) -> Check:
    """Terraform files inside terraform/, and the values files an implicated Helm release reads."""
    bad = [
        p
        for p in changed
        if p.startswith(("/", "\\"))
        or ".." in p.split("/")
        or not (p.endswith((".tf", ".tfvars")) or f"file:{p}" in implicated)
    ]
    shown = f"neither Terraform in terraform/ nor a values file an implicated release reads: {bad}"
    return Check("only_terraform_files", not bad, shown if bad else "")


def _implicated(touched: set[str], implicated: set[str]) -> Check:
    extra = sorted(touched - implicated)
    return Check("only_implicated_resources", not extra, f"changes blocks not implicated: {extra}" if extra else "")


def _attached(before: dict[str, str], after: dict[str, str], implicated: set[str]) -> set[str]:
    """Added blocks that hang off an implicated resource (a rule of its security group, a binding of its
    account): one hop from it, as the references of an implicated block are."""
    resources = [a for a in implicated if a.count(".") >= 1 and not a.startswith(("variable.", "locals", "output."))]
    needles = [re.compile(rf"(?<![\w.]){re.escape(a)}[.\[]") for a in resources]
    return {a for a, text in after.items() if a not in before and any(n.search(text) for n in needles)}


def _removed(before: dict[str, str], after: dict[str, str]) -> Check:
    gone = sorted(a for a in before if a not in after and not a.startswith(("variable.", "locals", "output.")))
    return Check("no_resource_removed", not gone, f"removes {gone}" if gone else "")


def _protections(before: dict[str, str], after: dict[str, str]) -> Check:
    lost = []
    for address, old in before.items():
        new = after.get(address, "")
        for key, protected in PROTECTIONS:
            if _flag(old, key) == protected and _flag(new, key) != protected:
                lost.append(f"{address}.{key}")
        old_days, new_days = _number(old, "backup_retention_period"), _number(new, "backup_retention_period")
        if old_days and (new_days or 0) < old_days:
            lost.append(f"{address}.backup_retention_period")
        if re.search(r"(point_in_time_recovery|versioning)[^}]*enabled\s*=\s*true", old) and not re.search(
            r"(point_in_time_recovery|versioning)[^}]*enabled\s*=\s*true", new
        ):
            lost.append(f"{address} backups/versioning")
    return Check("protections_kept", not lost, f"disables {lost}" if lost else "")


def _flag(text: str, key: str) -> str | None:
    m = re.search(rf"\b{key}\s*=\s*(\w+)", text)
    return m.group(1).lower() if m else None


def _number(text: str, key: str) -> int | None:
    m = re.search(rf"\b{key}\s*=\s*(\d+)", text)
    return int(m.group(1)) if m else None


def _new_nodes(before: dict[str, str], after: dict[str, str], touched: set[str]) -> Iterator[tuple[str, str, Node]]:
    """Every node of a touched block whose text did not already exist in that block."""
    for address in touched & after.keys():
        text, old = after[address], before.get(address, "")
        for top in parse_nodes(text):
            stack = [top]
            while stack:
                node = stack.pop()
                stack += node.children
                body = text[node.start : node.end + 1]
                if body not in old:
                    yield address, text, node


def _ingress(before: dict[str, str], after: dict[str, str], touched: set[str]) -> Check:
    bad = []
    for address, text, node in _new_nodes(before, after, touched):
        body = text[node.start : node.end + 1]
        direct = _direct_text(text, node)
        if not any(c in direct for c in OPEN_CIDRS):
            continue
        if "egress" in node.header or re.search(r'type\s*=\s*"egress"', direct):
            continue
        ports = _ports(node, body)
        if ports is None or not ports <= ALLOWED_PUBLIC_PORTS:
            shown = "all" if ports is None else sorted(ports)[:5]
            bad.append(f"{address}: public ingress on ports {shown}")
    return Check("no_public_ingress", not bad, "; ".join(sorted(set(bad))))


def _direct_text(text: str, node: Node) -> str:
    """The node's own text with its nested blocks cut out."""
    out, pos = [], node.start + 1
    for child in node.children:
        out.append(text[pos : child.start])
        pos = child.end + 1
    out.append(text[pos : node.end])
    return "".join(out)


def _ports(node: Node, body: str) -> set[int] | None:
    protocol = node.attr("protocol") or node.attr("ip_protocol")
    if protocol and protocol.value.strip('"') in ("-1", "all"):
        return None
    low = node.attr("from_port")
    high = node.attr("to_port")
    if low and high and low.value.isdigit() and high.value.isdigit():
        a, b = int(low.value), int(high.value)
        return set(range(a, b + 1)) if b - a < 70000 else None
    listed = re.findall(r"\"(\d+)(?:-(\d+))?\"", body) if "ports" in body else []
    if listed:
        ports: set[int] = set()
        for a, b in listed:
            ports |= set(range(int(a), int(b or a) + 1))
        return ports
    return None


def _iam(before: dict[str, str], after: dict[str, str], touched: set[str]) -> Check:
    bad = []
    for address, text, node in _new_nodes(before, after, touched):
        direct = _direct_text(text, node)
        granted = set(_ROLES.findall(direct)) - set(_ROLES.findall(before.get(address, "")))
        bad += [f"{address}: role {r} grants far more than the one permission denied" for r in sorted(granted)
                if r in BASIC_ROLES or r in ESCALATING_ROLES or r.lower().endswith("admin")]  # fmt: skip
        if re.search(r'(?<![\w"])"?(NotAction|NotResource|not_actions|not_resources)"?\s*[=:]', direct):
            bad.append(f"{address}: NotAction/NotResource grants everything but what it names")
        attached = re.search(r'policy_arn\s*=\s*"?(arn:aws[\w-]*:iam::aws:policy/[^"\s]+)', direct)
        if attached and attached.group(1) not in before.get(address, ""):
            bad.append(f"{address}: attaches the managed policy {attached.group(1)} (many actions, not the one denied)")
        actions = _list(direct, ("Action", "actions"))
        if actions is None:
            continue
        resources = _list(direct, ("Resource", "resources")) or []
        if "*" in actions or any(a.endswith(":*") and a.count(":") == 1 and a.split(":")[0] == "*" for a in actions):
            bad.append(f'{address}: Action "*"')
        escalating = [a for a in actions if "*" in a and a.split(":")[0] in ESCALATING_SERVICES]
        if escalating:
            bad.append(f"{address}: wildcard actions {escalating[:3]} on a service that grants privileges")
        writes = [a for a in actions if not READ_ONLY.match(a)]
        if "*" in resources and writes:
            bad.append(f'{address}: write actions {writes[:3]} on Resource "*"')
        secrets = [a for a in actions if a in SECRET_READS or a.endswith(":*")]
        if "*" in resources and secrets:
            bad.append(f'{address}: reads of secrets {secrets[:3]} on Resource "*"')
    return Check("iam_least_privilege", not bad, "; ".join(sorted(set(bad))))


def _list(text: str, keys: tuple[str, ...]) -> list[str] | None:
    for key in keys:
        m = re.search(rf"(?<![\w\"]){key}\"?\s*[=:]\s*(\[[^\]]*\]|\"[^\"\n]*\")", text)
        if m:
            return _STRINGS.findall(m.group(1))
    return None
