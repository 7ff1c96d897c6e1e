resource "kubernetes_deployment_v1" "cart" {
  metadata {
    name      = "cart"
    namespace = "shop"
    labels = {
      app = "cart"
    }
  }

  spec {
    replicas = 3

    selector {
      match_labels = {
        app = "cart"
      }
    }

    template {
      metadata {
        labels = {
          app = "cart"
        }
      }

      spec {
        container {
          name  = "cart"
          image = "${var.registry}/cart:${var.cart_version}"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "256Mi"
            }
            limits = {
              cpu    = "250m"
              memory = "256Mi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}

variable "registry" {
  type    = string
  default = "registry.acme.io"
}

variable "cart_version" {
  type        = string
  description = "Released by the cart team's pipeline"
  default     = "2.15.0"
}
