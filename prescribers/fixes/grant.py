"""Grant the denied action on the denied ARN, in a permission policy of the denied role (never its trust policy)."""

from __future__ import annotations

import re

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch
from prescribers._hcltext import closing_insert
from prescribers.tfindex import Block, TerraformIndex


def grant_access(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
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
