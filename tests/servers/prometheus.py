"""A real Prometheus (Debian package) on loopback, with series backfilled by promtool from OpenMetrics."""

from __future__ import annotations

import shutil
import signal
import subprocess

from tests.servers.daemon import Daemon
from tests.servers.postgres import free_port

Series = dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[float, float]]]


def openmetrics(series: Series) -> str:
    """OpenMetrics text: one family after another, each series' samples in time order, then # EOF."""
    lines: list[str] = []
    families: dict[str, list[tuple[tuple[tuple[str, str], ...], list[tuple[float, float]]]]] = {}
    for (name, labels), points in series.items():
        families.setdefault(name, []).append((labels, points))
    for name, members in families.items():
        lines.append(f"# TYPE {name} gauge")
        for labels, points in members:
            label_text = ",".join(f'{k}="{v}"' for k, v in labels)
            lines += [f"{name}{{{label_text}}} {value} {int(ts)}" for ts, value in sorted(points)]
    return "\n".join(lines) + "\n# EOF\n"


class Prometheus(Daemon):
    """`rules` (a rule file's YAML) are evaluated every second and sent to `alertmanager` (host:port)."""

    name = "prometheus"

    def __init__(self, series: Series, rules: str | None = None, alertmanager: str | None = None) -> None:
        binary, promtool = shutil.which("prometheus"), shutil.which("promtool")
        if not binary or not promtool:
            raise FileNotFoundError("prometheus/promtool not found: install the Debian package prometheus")
        super().__init__("cd-prom-")
        data = self.root / "data"
        source = self.root / "series.om"
        source.write_text(openmetrics(series))
        subprocess.run(
            [promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(data)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        config = "global:\n  scrape_interval: 1h\n  evaluation_interval: 1s\n"
        if rules is not None:
            self.rules = self.root / "rules.yml"
            self.rules.write_text(rules)
            config += f"rule_files: [{self.rules}]\n"
        if alertmanager:
            config += f"alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['{alertmanager}']\n"
        (self.root / "prometheus.yml").write_text(config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._run(
            [
                binary,
                f"--config.file={self.root / 'prometheus.yml'}",
                f"--storage.tsdb.path={data}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--storage.tsdb.retention.time=30d",
                "--rules.alert.resend-delay=1s",  # alerts still firing are sent again every second
            ],
            f"{self.url}/-/ready",
        )

    def reload_rules(self, rules: str) -> None:
        """New rules, read on SIGHUP; an alert whose rule no longer matches is sent as resolved."""
        self.rules.write_text(rules)
        self.proc.send_signal(signal.SIGHUP)
