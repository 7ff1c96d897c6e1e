locals {
  apis = concat(
    ["run.googleapis.com", "artifactregistry.googleapis.com", "secretmanager.googleapis.com", "aiplatform.googleapis.com", "iamcredentials.googleapis.com"],
    # Cloud Build builds the image (docs/deploy.md step 5); Logging and Monitoring are read by the bot's sources
    ["cloudbuild.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com"],
    var.enable_cloud_sql ? ["sqladmin.googleapis.com"] : [],
  )
  # Secrets hold values only Secret Manager sees: Terraform creates the secrets, people add the versions
  # (docs/deploy.md), so no value is ever in Terraform's state.
  env_secrets = merge(
    {
      SLACK_BOT_TOKEN            = "slack-bot-token"
      SLACK_SIGNING_SECRET       = "slack-signing-secret"
      CLOUD_DOCTOR_WEBHOOK_TOKEN = "webhook-token"
    },
    var.enable_cloud_sql ? { CLOUD_DOCTOR_STORE = "store-url" } : {},
    # Approved fixes as pull requests (docs/deploy.md step 6b): the GitHub App's key and the webhook's secret
    var.enable_github ? { GITHUB_APP_PRIVATE_KEY = "github-app-key", CLOUD_DOCTOR_GITHUB_WEBHOOK_SECRET = "github-webhook-secret" } : {},
  )
  secrets = merge(local.env_secrets, { CONFIG = "config" })
}

resource "google_project_service" "apis" {
  for_each           = toset(local.apis)
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  repository_id = var.service_name
  location      = var.region
  format        = "DOCKER"
  description   = "Cloud Doctor container images"
  kms_key_name  = var.kms_key_name # null: Google-managed encryption
  depends_on    = [google_project_service.apis]
}

# The identity the service runs as: Vertex AI, its own secrets and (optionally) Cloud SQL, nothing else.
resource "google_service_account" "runtime" {
  account_id   = var.service_name
  display_name = "Cloud Doctor (Cloud Run runtime)"
  description  = "Runs Cloud Doctor; its unique ID is the only Google identity the AWS role trusts."
}

resource "google_project_iam_member" "vertex" {
  project = var.project
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# Read-only on the GKE clusters the bot diagnoses (kubernetes.gke in the settings): cluster metadata for
# the endpoint and CA, and the Kubernetes objects through the cluster's IAM integration.
resource "google_project_iam_member" "gke_viewer" {
  for_each = toset(var.gke_projects)
  project  = each.value
  role     = "roles/container.viewer"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

# Read-only on the logs and metrics of the projects the bot diagnoses (cloud_logging and cloud_monitoring in the
# settings): entries:list and timeSeries.list, nothing that writes.
resource "google_project_iam_member" "logs_viewer" {
  for_each = toset(var.telemetry_projects)
  project  = each.value
  role     = "roles/logging.viewer"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_member" "metrics_viewer" {
  for_each = toset(var.telemetry_projects)
  project  = each.value
  role     = "roles/monitoring.viewer"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_member" "cloud_sql_client" {
  count   = var.enable_cloud_sql ? 1 : 0
  project = var.project
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_secret_manager_secret" "secrets" {
  for_each  = local.secrets
  secret_id = "${var.service_name}-${each.value}"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "runtime_reads" {
  for_each  = google_secret_manager_secret.secrets
  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_sql_database_instance" "store" {
  count               = var.enable_cloud_sql ? 1 : 0
  name                = "${var.service_name}-store"
  database_version    = "POSTGRES_15"
  region              = var.region
  deletion_protection = true
  encryption_key_name = var.kms_key_name
  settings {
    tier              = var.cloud_sql_tier
    availability_type = "ZONAL"
    ip_configuration {
      ipv4_enabled = true # reached through the Cloud SQL connector (IAM-authorised), no authorised networks
      ssl_mode     = "ENCRYPTED_ONLY"
    }
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_duration"
      value = "on"
    }
  }
  depends_on = [google_project_service.apis]
}

resource "google_sql_database" "store" {
  count    = var.enable_cloud_sql ? 1 : 0
  name     = "cloud_doctor"
  instance = google_sql_database_instance.store[0].name
}

resource "google_cloud_run_v2_service" "bot" {
  name                = var.service_name
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account                  = google_service_account.runtime.email
    max_instance_request_concurrency = var.concurrency
    timeout                          = "60s"

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image
      ports {
        container_port = 8080
      }
      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = false # CPU stays allocated outside requests: diagnoses run after the acknowledgement
        startup_cpu_boost = true
      }

      env {
        name  = "CLOUD_DOCTOR_CONFIG"
        value = "/etc/cloud-doctor/cloud-doctor.yaml"
      }
      env {
        # Log lines name their request's trace as projects/<this>/traces/<id> (logging.googleapis.com/trace)
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project
      }
      dynamic "env" {
        # Without Cloud SQL: SQLite on the instance's in-memory disk (one instance; jobs do not outlive it).
        for_each = var.enable_cloud_sql ? [] : [1]
        content {
          name  = "CLOUD_DOCTOR_STORE"
          value = "sqlite:////tmp/cloud-doctor.db"
        }
      }
      dynamic "env" {
        for_each = local.env_secrets
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.secrets[env.key].secret_id
              version = "latest"
            }
          }
        }
      }

      volume_mounts {
        name       = "config"
        mount_path = "/etc/cloud-doctor"
      }
      dynamic "volume_mounts" {
        for_each = var.enable_cloud_sql ? [1] : []
        content {
          name       = "cloudsql"
          mount_path = "/cloudsql"
        }
      }

      startup_probe {
        http_get {
          path = "/readyz"
        }
        initial_delay_seconds = 0
        period_seconds        = 1
        timeout_seconds       = 1
        failure_threshold     = 30
      }
      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 30
        failure_threshold = 3
      }
    }

    volumes {
      name = "config"
      secret {
        secret = google_secret_manager_secret.secrets["CONFIG"].secret_id
        items {
          version = "latest"
          path    = "cloud-doctor.yaml"
        }
      }
    }
    dynamic "volumes" {
      for_each = var.enable_cloud_sql ? [1] : []
      content {
        name = "cloudsql"
        cloud_sql_instance {
          instances = [google_sql_database_instance.store[0].connection_name]
        }
      }
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.runtime_reads, google_project_service.apis]
}

# Off unless asked for: see var.allow_public_invoker.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count    = var.allow_public_invoker ? 1 : 0
  name     = google_cloud_run_v2_service.bot.name
  location = google_cloud_run_v2_service.bot.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
