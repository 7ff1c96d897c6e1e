"""Prescribers write the Terraform fix for a diagnosis and hold every fix to the safety rules."""

from __future__ import annotations

from collections.abc import Callable

from prescribers.base import Check, Fix, Prescriber, Prescription
from prescribers.bedrock import BedrockPrescriber
from prescribers.safety import check_fix
from prescribers.templates import TemplatePrescriber
from prescribers.tfindex import TerraformIndex

# name -> the engine's class, built with its settings (Settings.engine_options); each is a Prescriber
REGISTRY: dict[str, Callable[..., Prescriber]] = {
    "templates": TemplatePrescriber,
    "bedrock": BedrockPrescriber,
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
]
