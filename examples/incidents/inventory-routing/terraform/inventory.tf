resource "kubernetes_deployment_v1" "inventory" {
  metadata {
    name      = "inventory"
    namespace = "shop"
    labels = {
      app = "inventory"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "inventory"
      }
    }

    template {
      metadata {
        labels = {
          app = "inventory"
        }
      }

      spec {
        container {
          name  = "inventory"
          image = "registry.acme.io/inventory:8.1.0"

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

resource "kubernetes_service_v1" "inventory" {
  metadata {
    name      = "inventory"
    namespace = "shop"
  }

  spec {
    selector = {
      app = "inventory-api" # renamed in 8.0
    }

    port {
      port        = 80
      target_port = 8080
    }
  }
}
