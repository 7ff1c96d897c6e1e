"""The templates engine's catalogue: one module per Terraform fix, registered here by category.

Adding a fix: write `prescribers/fixes/<what_it_does>.py` (a function matching `base.Writer`), import it below
and map its category in WRITERS; add the category's row to tests/prescribers/test_fixes.py. No discovery:
only what this map names is ever run.
"""

from __future__ import annotations

from prescribers.fixes.base import Writer
from prescribers.fixes.db_connections import raise_connections
from prescribers.fixes.env_setting import supply_setting
from prescribers.fixes.grant import grant_access
from prescribers.fixes.health_path import correct_health_path
from prescribers.fixes.open_path import open_path
from prescribers.fixes.placement import tolerate_taint
from prescribers.fixes.pull_secret import fix_image_pull
from prescribers.fixes.rate import raise_rate_limit
from prescribers.fixes.renew import renew
from prescribers.fixes.retag import retag
from prescribers.fixes.scale import double_cpu, double_memory, double_timeout, raise_ceiling, scale_consumers
from prescribers.fixes.selector import correct_service
from prescribers.fixes.storage import grow_storage

WRITERS: dict[str, Writer] = {
    "memory_exhaustion": double_memory,
    "cpu_saturation": double_cpu,
    "capacity_limit": raise_ceiling,
    "db_connection_exhaustion": raise_connections,
    "disk_full": grow_storage,
    "timeout": double_timeout,
    "rate_limited": raise_rate_limit,
    "queue_backlog": scale_consumers,
    "permission_denied": grant_access,
    "crash_loop": supply_setting,
    "bad_deploy": retag,
    "image_pull_failure": fix_image_pull,
    "network_blocked": open_path,
    "certificate_expired": renew,
    "health_check_failure": correct_health_path,
    "scheduling_failure": tolerate_taint,
    "routing_misconfig": correct_service,
}

__all__ = ["WRITERS", "Writer"]
