output "service_url" {
  description = "Point Slack (slack/manifest.yaml), Alertmanager, Grafana and SNS here."
  value       = google_cloud_run_v2_service.bot.uri
}

output "service_account_email" {
  value = google_service_account.runtime.email
}

output "service_account_unique_id" {
  description = "The numeric ID the AWS role trusts: pass it to terraform/aws as google_service_account_unique_id."
  value       = google_service_account.runtime.unique_id
}

output "image_repository" {
  description = "Push images here (cloudrun/cloudbuild.yaml does)."
  value       = "${var.region}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "secrets" {
  description = "Secret Manager secrets to add versions to (values never pass through Terraform)."
  value       = { for key, secret in google_secret_manager_secret.secrets : key => secret.secret_id }
}

output "cloud_sql_connection_name" {
  description = "For CLOUD_DOCTOR_STORE: postgresql://USER:PASSWORD@/cloud_doctor?host=/cloudsql/<this>."
  value       = var.enable_cloud_sql ? google_sql_database_instance.store[0].connection_name : null
}
