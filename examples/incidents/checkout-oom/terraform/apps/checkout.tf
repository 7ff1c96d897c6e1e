# Checkout: prices carts and takes payment.

resource "kubernetes_deployment_v1" "checkout" {
  metadata {
    name      = "checkout"
    namespace = "shop"
    labels = {
      app = "checkout"
    }
  }

  spec {
    replicas = 3

    selector {
      match_labels = {
        app = "checkout"
      }
    }

    template {
      metadata {
        labels = {
          app = "checkout"
        }
      }

      spec {
        container {
          name  = "checkout"
          image = "registry.acme.io/checkout:4.12.0"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "500m"
              memory = "512Mi"
            }
            limits = {
              cpu    = "500m"
              memory = "512Mi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}
