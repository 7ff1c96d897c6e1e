resource "kubernetes_deployment_v1" "orders" {
  metadata {
    name      = "orders"
    namespace = "shop"
    labels = {
      app = "orders"
    }
  }

  spec {
    replicas = 3

    selector {
      match_labels = {
        app = "orders"
      }
    }

    template {
      metadata {
        labels = {
          app = "orders"
        }
      }

      spec {
        container {
          name  = "orders"
          image = "registry.acme.io/orders:3.0.7"

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

resource "kubernetes_horizontal_pod_autoscaler_v2" "orders" {
  metadata {
    name      = "orders"
    namespace = "shop"
  }

  spec {
    min_replicas = 3
    max_replicas = 6 # raised from 4 after Black Friday 2025

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = "orders"
    }

    metric {
      type = "Resource"
      resource {
        name = "cpu"
        target {
          type                = "Utilization"
          average_utilization = 70
        }
      }
    }
  }
}
