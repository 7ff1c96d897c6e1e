terraform {
  required_version = ">= 1.6"
  # State in a bucket of yours, given at init (docs/deploy.md step 0): never in the clone.
  backend "s3" {}
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 7"
    }
  }
}

provider "aws" {
  region = var.region
}
