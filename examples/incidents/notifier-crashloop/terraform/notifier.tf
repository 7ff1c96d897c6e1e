resource "kubernetes_deployment_v1" "notifier" {
  metadata {
    name      = "notifier"
    namespace = "shop"
    labels = {
      app = "notifier"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "notifier"
      }
    }

    template {
      metadata {
        labels = {
          app = "notifier"
        }
      }

      spec {
        container {
          name  = "notifier"
          image = "registry.acme.io/notifier:5.4.2"

          port {
            container_port = 8080
          }

          env {
            name  = "SMTP_PORT"
            value = "587"
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

# Moved here from the old chart values in the 5.4 refactor.
variable "smtp_relay_host" {
  type    = string
  default = "smtp-relay.internal.acme.io"
}
