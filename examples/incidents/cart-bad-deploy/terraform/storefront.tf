resource "kubernetes_deployment_v1" "storefront" {
  metadata {
    name      = "storefront"
    namespace = "shop"
    labels = {
      app = "storefront"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "storefront"
      }
    }

    template {
      metadata {
        labels = {
          app = "storefront"
        }
      }

      spec {
        container {
          name  = "storefront"
          image = "registry.acme.io/storefront:1.40.2"

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
