"""Policy checks over parsed Terraform (python-hcl2) and the Cloud Run spec: what the deploy must never allow.

Each check returns the list of violations (empty = fine), so the tests can also show that each one
catches the mistake it is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2

READ_ONLY = re.compile(r"^[a-z0-9-]+:(Get|List|Describe|Filter|Query|BatchGet|Search|Lookup)[A-Za-z]*$")
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL)", re.I)
SECRET_VALUE = re.compile(r"(xox[abp]-|://[^/\s:@]+:[^/\s@]+@|-----BEGIN|AKIA[0-9A-Z]{16})")
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}


def clean(value: Any) -> Any:
    """python-hcl2 keeps string quotes and marks blocks: plain values, `${…}` left for expressions."""
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def load_dir(directory: Path) -> dict[str, list[Any]]:
    """Every top-level block of every .tf file in a directory, by block type."""
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for kind, blocks in clean(hcl2.loads(path.read_text())).items():
            merged.setdefault(kind, []).extend(blocks)
    return merged


def named(doc: dict[str, list[Any]], kind: str, type_: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, body) of every `kind "type_" "name"` block."""
    for block in doc.get(kind, []):
        yield from block.get(type_, {}).items()


def statements(policy: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A policy document's statements, the ones inside `dynamic "statement"` blocks included."""
    yield from policy.get("statement", [])
    for dynamic in policy.get("dynamic", []):
        yield from dynamic.get("statement", {}).get("content", [])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def iam_violations(doc: dict[str, list[Any]]) -> list[str]:
    found = []
    for name, policy in named(doc, "data", "aws_iam_policy_document"):
        for s in statements(policy):
            actions = [str(a) for a in _list(s.get("actions", []))]
            resources = [str(r) for r in _list(s.get("resources", []))]
            if s.get("effect", "Allow") != "Allow":
                continue
            for action in actions:
                if action == "*" or action.endswith(":*"):
                    found.append(f"{name}.{s.get('sid')}: action {action!r} grants everything")
                if "*" in resources and not READ_ONLY.match(action) and not action.startswith("sts:Assume"):
                    found.append(f'{name}.{s.get("sid")}: {action!r} is not read-only but Resource is "*"')
            for principal in s.get("principals", []):
                if "*" in _list(principal.get("identifiers", [])):
                    found.append(f'{name}.{s.get("sid")}: principal "*"')
    for kind in ("aws_iam_access_key", "aws_iam_user", "google_service_account_key"):
        found += [f"{kind}.{n}: long-lived keys are not allowed" for n, _ in named(doc, "resource", kind)]
    return found


def trust_violations(
    doc: dict[str, list[Any]], unique_id_var: str = "var.google_service_account_unique_id"
) -> list[str]:
    """Every web-identity trust statement must pin accounts.google.com:aud and :sub to the account's unique ID."""
    found, trusts = [], 0
    for name, policy in named(doc, "data", "aws_iam_policy_document"):
        for s in statements(policy):
            if "sts:AssumeRoleWithWebIdentity" not in _list(s.get("actions", [])):
                continue
            trusts += 1
            federated = [i for p in s.get("principals", []) for i in _list(p.get("identifiers", []))]
            if federated != ["accounts.google.com"]:
                found.append(f"{name}: trusts {federated}, not only accounts.google.com")
            pinned = {
                c.get("variable"): _list(c.get("values", []))
                for c in s.get("condition", [])
                if c.get("test") == "StringEquals"
            }
            for key in ("accounts.google.com:aud", "accounts.google.com:sub"):
                if pinned.get(key) != [f"${{{unique_id_var}}}"]:
                    found.append(f"{name}: {key} is not pinned to {unique_id_var} (got {pinned.get(key)})")
    if not trusts:
        found.append("no sts:AssumeRoleWithWebIdentity trust statement")
    return found


def public_invoker_violations(doc: dict[str, list[Any]], flag: str = "var.allow_public_invoker") -> list[str]:
    found = []
    for kind in ("google_cloud_run_v2_service_iam_member", "google_cloud_run_v2_service_iam_binding",
                 "google_cloud_run_service_iam_member", "google_cloud_run_service_iam_binding"):  # fmt: skip
        for name, body in named(doc, "resource", kind):
            members = set(_list(body.get("member", []))) | set(_list(body.get("members", [])))
            if members & PUBLIC_MEMBERS and flag not in str(body.get("count", "")):
                found.append(f"{kind}.{name}: public invoker without {flag}")
    for block in doc.get("variable", []):
        for name, body in block.items():
            if f"var.{name}" == flag and body.get("default") is not False:
                found.append(f"variable {name}: must default to false")
    return found


def _envs(container: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from container.get("env", [])
    for dynamic in container.get("dynamic", []):
        yield from dynamic.get("env", {}).get("content", [])


def plain_secret_violations(doc: dict[str, list[Any]]) -> list[str]:
    """No secret in a plain environment variable: secrets come from Secret Manager (value_source)."""
    found = []
    for name, service in named(doc, "resource", "google_cloud_run_v2_service"):
        for template in service.get("template", []):
            for container in template.get("containers", []):
                for env in _envs(container):
                    key, value = str(env.get("name")), env.get("value")
                    if value is None:
                        continue
                    if SECRET_NAME.search(key) and "${" not in key or SECRET_VALUE.search(str(value)):
                        found.append(f"{name}: environment variable {key} holds a secret in plain text")
    for kind in ("google_secret_manager_secret_version",):
        found += [f"{kind}.{n}: secret values must not pass through Terraform" for n, _ in named(doc, "resource", kind)]
    return found


def knative_secret_violations(spec: dict[str, Any]) -> list[str]:
    found = []
    for container in spec["spec"]["template"]["spec"]["containers"]:
        for env in container.get("env", []):
            value = env.get("value")
            if value is not None and (SECRET_NAME.search(env["name"]) or SECRET_VALUE.search(str(value))):
                found.append(f"service.yaml: {env['name']} holds a secret in plain text")
    return found
