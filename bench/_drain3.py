"""drain3 alone over raw lines, with its own masking: the baseline the benches compare the miner against.

drain3 is a development dependency only (its last release pins jsonpickle 1.5.1 and cachetools 4.2.1, and
it is unmaintained since 2022); the product's miner, analyzers/log_templates.py, does not use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The masking drain3 is given when it runs alone over raw lines.
DRAIN_MASKING = (
    ("UUID", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ("IP", r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?"),
    ("HEX", r"0x[0-9a-fA-F]+|\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b"),
    ("NUM", r"(?<![\w.])-?\d+(?:\.\d+)?"),
)


def miner() -> Any:
    """A drain3 TemplateMiner with that masking and no profiling."""
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.masking_instructions = [MaskingInstruction(p, name) for name, p in DRAIN_MASKING]
    config.profiling_enabled = False
    return TemplateMiner(config=config)


def drain3_only(messages: Iterable[str]) -> int:
    """drain3 over every line; the number of clusters it ends with."""
    m = miner()
    for message in messages:
        m.add_log_message(message)
    return len(m.drain.clusters)
