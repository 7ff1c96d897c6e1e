"""Prometheus metrics of the bot: jobs by state, stage durations, acknowledgement latency, diagnoses."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


class _JobStates(Collector):
    """Read at scrape time from the store, so every instance reports the shared queue."""

    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("cloud_doctor_jobs", "Jobs in the store by state", labels=["state"])
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0, **self.counts()}
        for state, n in sorted(counts.items()):
            family.add_metric([state], n)
        yield family


class Metrics:
    def __init__(self, job_counts: Callable[[], dict[str, int]]) -> None:
        self.registry = CollectorRegistry()
        self.ack_seconds = Histogram(
            "cloud_doctor_slack_ack_seconds", "Time to acknowledge a Slack request", registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )  # fmt: skip
        self.stage_seconds = Histogram(
            "cloud_doctor_stage_seconds", "Time spent in each pipeline stage", ["stage"], registry=self.registry
        )
        self.diagnoses = Counter(
            "cloud_doctor_diagnoses", "Diagnoses made, by category", ["category"], registry=self.registry
        )
        self.registry.register(_JobStates(job_counts))
