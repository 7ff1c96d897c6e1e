variable "project" {
  description = "The GCP project that runs Cloud Doctor."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run service, its image repository and (if enabled) Cloud SQL."
  type        = string
  default     = "us-central1"
}

variable "service_name" {
  description = "Name of the Cloud Run service, its service account and its secrets' prefix."
  type        = string
  default     = "cloud-doctor"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{3,28}[a-z0-9]$", var.service_name))
    error_message = "service_name: 5-30 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "image" {
  description = "The container image to run, e.g. us-central1-docker.pkg.dev/PROJECT/cloud-doctor/cloud-doctor:TAG (cloudrun/cloudbuild.yaml builds and pushes it)."
  type        = string
}

variable "min_instances" {
  description = "Instances kept warm: 1 keeps Slack's 3-second acknowledgements off a cold start."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Upper bound of instances; with the SQLite store keep it at 1 (enable Cloud SQL to scale out)."
  type        = number
  default     = 1
}

variable "concurrency" {
  description = "Requests per instance at once (acknowledgements are light; diagnoses run in worker processes)."
  type        = number
  default     = 80
}

variable "cpu" {
  description = "vCPUs per instance: one for the web process, the rest for diagnosis workers."
  type        = string
  default     = "2"
}

variable "memory" {
  description = "Memory per instance."
  type        = string
  default     = "2Gi"
}

variable "allow_public_invoker" {
  description = "Let anyone invoke the service (allUsers). Slack, Alertmanager, Grafana and SNS cannot present Google credentials, so they need this (or a proxy in front); the bot itself verifies Slack signatures, webhook tokens and SNS signatures."
  type        = bool
  default     = false
}

variable "enable_cloud_sql" {
  description = "Create a Cloud SQL PostgreSQL instance for the shared job store (needed for more than one instance)."
  type        = bool
  default     = false
}

variable "cloud_sql_tier" {
  description = "Machine tier of the Cloud SQL instance."
  type        = string
  default     = "db-custom-1-3840"
}

variable "vertex_location" {
  description = "Vertex AI location Gemini is called in (informational: the role is project-wide)."
  type        = string
  default     = "us-central1"
}

variable "kms_key_name" {
  description = "A Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) to encrypt the image repository and Cloud SQL with; null = Google-managed keys."
  type        = string
  default     = null
}

variable "gke_projects" {
  description = "Projects whose GKE clusters the bot reads (roles/container.viewer there); [] = none."
  type        = list(string)
  default     = []
}

variable "telemetry_projects" {
  description = "Projects whose Cloud Logging entries and Cloud Monitoring series the bot reads (roles/logging.viewer and roles/monitoring.viewer there); [] = none."
  type        = list(string)
  default     = []
}

variable "enable_github" {
  description = "Create the GitHub App key and webhook secrets and give them to the service (approved fixes as pull requests)."
  type        = bool
  default     = false
}
