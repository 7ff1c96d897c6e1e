"""Prescribers write the Terraform fix for a diagnosis and hold every fix to the safety rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prescribers._hcltext import on_cold_parser
from prescribers.base import Check, Fix, Prescriber, Prescription
from prescribers.safety import check_fix
from prescribers.templates import TemplatePrescriber
from prescribers.tfindex import TerraformIndex


def _bedrock(**options: Any) -> Prescriber:
    """Claude on Bedrock, imported when it is asked for: the offline path never pays for boto3 and its prompts."""
    from prescribers.bedrock import BedrockPrescriber

    return BedrockPrescriber(**options)


# name -> the engine's class, built with its settings (Settings.engine_options); each is a Prescriber
REGISTRY: dict[str, Callable[..., Prescriber]] = {
    "templates": TemplatePrescriber,
    "bedrock": _bedrock,
}

__all__ = [
    "REGISTRY",
    "Check",
    "Fix",
    "Prescriber",
    "Prescription",
    "TemplatePrescriber",
    "TerraformIndex",
    "check_fix",
    "on_cold_parser",
]
