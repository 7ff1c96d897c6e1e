"""Double the throttled rate limit: the table's read or write capacity, reserved concurrency or API throttling."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch
from prescribers.fixes.base import scaler
from prescribers.tfindex import Block, TerraformIndex


def raise_rate_limit(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    metrics = " ".join(str(m.get("metric")) for m in diagnosis.details.get("metrics", []))
    keys: tuple[str, ...] = ("read_capacity",) if "Read" in metrics else ("write_capacity",)
    keys += ("reserved_concurrent_executions", "throttling_rate_limit", "throttling_burst_limit")
    return scaler(
        ("aws_dynamodb_table", "aws_lambda_function", "aws_api_gateway_method_settings"),
        keys,
        2,
        "Raise the rate limit",
    )(index, diagnosis, blocks)
