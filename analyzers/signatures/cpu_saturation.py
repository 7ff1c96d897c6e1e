"""cpu_saturation: CPU throttled or pinned at its limit."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="cpu_saturation",
    logs=(log(r"cpu throttl|cpu (is )?saturated|event loop (lag|blocked)", 1.5),),
    metric_kinds={"cpu_ratio": 5, "cpu_percent": 5, "cpu_throttling": 5},
    advice=("is saturated on CPU at its limit", "raise its CPU allocation or scale out"),
    example="search-cpu",
)
