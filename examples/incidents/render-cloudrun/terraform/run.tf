resource "google_cloud_run_v2_service" "pdf_render" {
  name     = "pdf-render"
  location = "europe-west1"
  ingress  = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"

  template {
    service_account = google_service_account.pdf_render.email
    scaling {
      max_instance_count = 20
    }
    containers {
      image = "europe-docker.pkg.dev/acme-prod/apps/pdf-render:3.8.1"
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi" # fonts for the new templates were added in 3.8
        }
      }
    }
  }
}

resource "google_cloud_run_v2_service" "thumbs" {
  name     = "thumbs"
  location = "europe-west1"

  template {
    containers {
      image = "europe-docker.pkg.dev/acme-prod/apps/thumbs:1.2.0"
      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }
    }
  }
}

resource "google_service_account" "pdf_render" {
  account_id   = "pdf-render"
  display_name = "pdf-render on Cloud Run"
}
