variable "region" {
  description = "The region of the log groups, metrics and EKS clusters Cloud Doctor reads."
  type        = string
}

variable "role_name" {
  description = "Name of the IAM role Cloud Doctor assumes."
  type        = string
  default     = "cloud-doctor"
}

variable "google_service_account_unique_id" {
  description = "The numeric unique ID of the Cloud Run service account (terraform/gcp output service_account_unique_id). The role trusts this identity and no other."
  type        = string
  validation {
    condition     = can(regex("^[0-9]{15,25}$", var.google_service_account_unique_id))
    error_message = "google_service_account_unique_id: the service account's numeric unique ID, not its e-mail."
  }
}

variable "audience" {
  description = "The audience of the Google ID tokens the bot presents (aws.audience in cloud-doctor.yaml)."
  type        = string
  default     = "cloud-doctor"
}

variable "log_group_names" {
  description = "CloudWatch log groups Cloud Doctor may read; a trailing * matches a prefix (\"/ecs/*\")."
  type        = list(string)
  default     = []
}

variable "bedrock_model_arns" {
  description = "Model or inference-profile ARNs Claude is invoked on (an inference profile also needs the foundation-model ARNs it routes to)."
  type        = list(string)
  default     = []
}

variable "prometheus_workspace_arns" {
  description = "Amazon Managed Service for Prometheus workspaces Cloud Doctor may query."
  type        = list(string)
  default     = []
}

variable "eks_cluster_names" {
  description = "EKS clusters Cloud Doctor may read (the AmazonEKSViewPolicy access policy); empty = none."
  type        = list(string)
  default     = []
}

variable "max_session_hours" {
  description = "Longest session the role grants; the bot asks for one hour and refreshes before it ends."
  type        = number
  default     = 1
}
