"""disk_full: no space left on a volume or a database's storage."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="disk_full",
    logs=(
        log(
            r"No space left on device|\bENOSPC\b|disk (is )?full|could not extend file|storage full|"
            # kubelet's eviction messages; Elasticsearch's flood-stage block (index read-only-allow-delete)
            r"low on resource: ephemeral-storage|ephemeral local storage usage exceeds|"
            # Redis unable to persist its snapshot; RDS's low-storage event
            r"MISCONF Redis is configured to save RDB snapshots|free storage capacity for DB Instance",
            4,
            "named",
        ),
        # Elasticsearch/OpenSearch blocking writes past the flood-stage watermark, as it and its clients log it
        log(
            r"flood[- ]stage (disk )?watermark|read-only-allow-delete|cluster_block_exception",
            4,
            server=("elasticsearch", "opensearch", "es", "elastic"),
        ),
    ),
    metric_kinds={"free_storage": 5},
    advice=("ran out of storage", "grow the volume or enable storage autoscaling"),
    example="reports-disk",
)
