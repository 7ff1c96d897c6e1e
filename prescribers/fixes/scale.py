"""Multiply a size the failure ran out of: memory, CPU, the autoscaling ceiling, the timeout or the consumer count."""

from __future__ import annotations

from prescribers.fixes.base import WORKLOADS, scaler
from prescribers.tfindex import K8S_WORKLOADS

# One module, not five: each is the same factory with its own block types, keys and verb, and reads best as a table.
double_memory = scaler(WORKLOADS, ("memory", "memory_size"), 2, "Double the memory", cap=10240 * 2**20)
double_cpu = scaler(WORKLOADS, ("cpu",), 2, "Double the CPU")
raise_ceiling = scaler(
    (
        "aws_appautoscaling_target",
        "kubernetes_horizontal_pod_autoscaler",
        "kubernetes_horizontal_pod_autoscaler_v2",
        "aws_eks_node_group",
        "google_container_node_pool",
        "aws_autoscaling_group",
    ),
    ("max_capacity", "max_replicas", "max_size", "max_node_count", "max_count"),
    2,
    "Raise the ceiling",
)
double_timeout = scaler(
    ("aws_lambda_function", "google_cloud_run_v2_service", "aws_lb_target_group"),
    ("timeout",),
    2,
    "Double the timeout",
    cap=900,
)
scale_consumers = scaler(
    ("aws_ecs_service", *K8S_WORKLOADS), ("desired_count", "replicas"), 2, "Scale the consumers out"
)
