"""What the web process's listeners and routes share: settings, store, access rules, workers, metrics."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app_metrics import Metrics
from bot.jobs.store import Store
from bot.jobs.workers import Workers
from bot.settings import Settings
from bot.slack.access import Access


@dataclass
class Bot:
    settings: Settings
    store: Store
    access: Access
    workers: Workers
    metrics: Metrics
