"""Prometheus metrics: acknowledgement latency of this process, and the shared store's jobs, stages, diagnoses."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from bot.jobs.store import Store


class _StoreCollector(Collector):
    """Read at scrape time from the store, so every instance reports the work of all workers."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("cloud_doctor_jobs", "Jobs in the store by state", labels=["state"])
        for state, n in sorted(
            {"queued": 0, "running": 0, "done": 0, "failed": 0, **self.store.counts_by_state()}.items()
        ):
            jobs.add_metric([state], n)
        yield jobs
        diagnoses = CounterMetricFamily("cloud_doctor_diagnoses", "Diagnoses made, by category", labels=["category"])
        for category, n in sorted(self.store.diagnoses_by_category().items()):
            diagnoses.add_metric([category], n)
        yield diagnoses
        stages = SummaryMetricFamily(
            "cloud_doctor_stage_seconds", "Time spent in each pipeline stage", labels=["stage"]
        )
        for stage, (count, total) in sorted(self.store.stage_totals().items()):
            stages.add_metric([stage], count, total)
        yield stages
        tokens = CounterMetricFamily(
            "cloud_doctor_model_tokens",
            "Model tokens used, by engine, model and direction",
            labels=["engine", "model", "direction"],
        )
        latency = SummaryMetricFamily(
            "cloud_doctor_model_seconds", "Model call time per job, by engine and model", labels=["engine", "model"]
        )
        for engine, model, calls, tokens_in, tokens_out, seconds in self.store.model_totals():
            tokens.add_metric([engine, model, "input"], tokens_in)
            tokens.add_metric([engine, model, "output"], tokens_out)
            latency.add_metric([engine, model], calls, seconds)
        yield tokens
        yield latency
        answers = GaugeMetricFamily(
            "cloud_doctor_feedback_answers",
            "People's 👍/👎 answers on diagnoses, by the engine that made them",
            labels=["engine", "verdict"],
        )
        agreement = GaugeMetricFamily(
            "cloud_doctor_feedback_agreement_ratio",
            "Share of people's answers that said the diagnosis was right",
            labels=["engine"],
        )
        for engine, (agreed, total) in sorted(self.store.agreement().items()):
            answers.add_metric([engine, "up"], agreed)
            answers.add_metric([engine, "down"], total - agreed)
            agreement.add_metric([engine], agreed / total if total else 0.0)
        yield answers
        yield agreement


class Metrics:
    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.ack_seconds = Histogram(
            "cloud_doctor_slack_ack_seconds", "Time to acknowledge a Slack request", registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )  # fmt: skip
        self.alerts = Counter(
            "cloud_doctor_alerts", "Alerts received by webhooks, by source and what became of them",
            ["source", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.webhook_seconds = Histogram(
            "cloud_doctor_webhook_seconds", "Time to answer an alert webhook", ["source"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )  # fmt: skip
        self.registry.register(_StoreCollector(store))
