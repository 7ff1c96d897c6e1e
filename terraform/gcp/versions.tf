terraform {
  required_version = ">= 1.6"
  # State in a bucket of yours, given at init (docs/deploy.md step 0): never in the clone.
  backend "gcs" {}
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.10, < 8"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}
