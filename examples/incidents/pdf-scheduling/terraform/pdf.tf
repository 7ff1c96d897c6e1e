resource "kubernetes_deployment_v1" "pdf_renderer" {
  metadata {
    name      = "pdf-renderer"
    namespace = "shop"
    labels = {
      app = "pdf-renderer"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "pdf-renderer"
      }
    }

    template {
      metadata {
        labels = {
          app = "pdf-renderer"
        }
      }

      spec {
        node_selector = {
          pool = "batch"
        }

        container {
          name  = "pdf-renderer"
          image = "registry.acme.io/pdf-renderer:0.18.0"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "1"
              memory = "2Gi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}
