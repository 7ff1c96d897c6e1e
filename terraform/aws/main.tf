data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  log_group_arns = flatten([
    for name in var.log_group_names : [
      "arn:${local.partition}:logs:${var.region}:${local.account}:log-group:${name}",
      "arn:${local.partition}:logs:${var.region}:${local.account}:log-group:${name}:*",
    ]
  ])
  eks_cluster_arns = [for name in var.eks_cluster_names : "arn:${local.partition}:eks:${var.region}:${local.account}:cluster/${name}"]
}

# Web identity federation with Google: only the Cloud Run service account's ID tokens, for our audience.
# For a service account's token AWS maps accounts.google.com:aud to its `azp` claim (the account's
# unique ID) and accounts.google.com:oaud to its `aud` claim (the audience asked for).
data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "CloudRunServiceAccountOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["accounts.google.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "accounts.google.com:aud"
      values   = [var.google_service_account_unique_id]
    }
    condition {
      test     = "StringEquals"
      variable = "accounts.google.com:sub"
      values   = [var.google_service_account_unique_id]
    }
    condition {
      test     = "StringEquals"
      variable = "accounts.google.com:oaud"
      values   = [var.audience]
    }
  }
}

resource "aws_iam_role" "cloud_doctor" {
  name                 = var.role_name
  description          = "Cloud Doctor on Cloud Run: read telemetry, invoke Claude. No access keys exist for it."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_hours * 3600
}

data "aws_iam_policy_document" "read_and_invoke" {
  dynamic "statement" {
    for_each = length(local.log_group_arns) > 0 ? [1] : []
    content {
      sid       = "ReadConfiguredLogGroups"
      actions   = ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"]
      resources = local.log_group_arns
    }
  }
  # GetMetricData and ListMetrics take no resource ARNs in IAM: read-only, on "*".
  statement {
    sid       = "ReadMetrics"
    actions   = ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = length(var.bedrock_model_arns) > 0 ? [1] : []
    content {
      sid       = "InvokeConfiguredModels"
      actions   = ["bedrock:InvokeModel"] # also what the Converse API is authorised by
      resources = var.bedrock_model_arns
    }
  }
  dynamic "statement" {
    for_each = length(var.prometheus_workspace_arns) > 0 ? [1] : []
    content {
      sid       = "QueryManagedPrometheus"
      actions   = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
      resources = var.prometheus_workspace_arns
    }
  }
  dynamic "statement" {
    for_each = length(local.eks_cluster_arns) > 0 ? [1] : []
    content {
      sid       = "DescribeConfiguredClusters"
      actions   = ["eks:DescribeCluster"]
      resources = local.eks_cluster_arns
    }
  }
}

resource "aws_iam_role_policy" "read_and_invoke" {
  name   = "${var.role_name}-read-and-invoke"
  role   = aws_iam_role.cloud_doctor.id
  policy = data.aws_iam_policy_document.read_and_invoke.json
}

# Optional read-only Kubernetes access: the role may view (not change) each listed cluster.
resource "aws_eks_access_entry" "view" {
  for_each      = toset(var.eks_cluster_names)
  cluster_name  = each.value
  principal_arn = aws_iam_role.cloud_doctor.arn
  type          = "STANDARD"
}

resource "aws_eks_access_policy_association" "view" {
  for_each      = toset(var.eks_cluster_names)
  cluster_name  = each.value
  principal_arn = aws_iam_role.cloud_doctor.arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {
    type = "cluster"
  }
  depends_on = [aws_eks_access_entry.view]
}
