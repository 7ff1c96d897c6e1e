resource "kubernetes_deployment_v1" "frontend" {
  metadata {
    name      = "frontend"
    namespace = "shop"
    labels = {
      app = "frontend"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "frontend"
      }
    }

    template {
      metadata {
        labels = {
          app = "frontend"
        }
      }

      spec {
        container {
          name  = "frontend"
          image = "registry.acme.io/frontend:9.3.1"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "384Mi"
            }
            limits = {
              cpu    = "250m"
              memory = "384Mi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}
