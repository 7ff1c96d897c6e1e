"""A real Alertmanager (Debian package prometheus-alertmanager) on loopback, posting to one webhook receiver."""

from __future__ import annotations

import shutil

import yaml

from tests.servers.daemon import Daemon
from tests.servers.postgres import free_port


class Alertmanager(Daemon):
    name = "alertmanager"

    def __init__(self, webhook_url: str, bearer_token: str) -> None:
        binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
        if not binary:
            raise FileNotFoundError("alertmanager not found: install the Debian package prometheus-alertmanager")
        super().__init__("cd-am-")
        config = {
            # Short waits so a test sees the first notification, repeats and the resolution within seconds.
            "route": {
                "receiver": "cloud-doctor",
                "group_by": ["alertname", "service"],
                "group_wait": "1s",
                "group_interval": "1s",
                "repeat_interval": "2s",
            },
            "receivers": [
                {
                    "name": "cloud-doctor",
                    "webhook_configs": [
                        {
                            "url": webhook_url,
                            "send_resolved": True,
                            "http_config": {"authorization": {"type": "Bearer", "credentials": bearer_token}},
                        }
                    ],
                }
            ],
        }
        (self.root / "alertmanager.yml").write_text(yaml.safe_dump(config))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self._run(
            [
                binary,
                f"--config.file={self.root / 'alertmanager.yml'}",
                f"--storage.path={self.root / 'data'}",
                f"--web.listen-address={self.address}",
                "--cluster.listen-address=",  # no gossip: one instance
            ],
            f"http://{self.address}/-/ready",
        )
