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
          image = "europe-docker.pkg.dev/acme/apps/inventory:4.2.0"

          port {
            container_port = 8080
          }

          env {
            name  = "JAVA_TOOL_OPTIONS"
            value = "-XX:MaxRAMPercentage=75"
          }

          resources {
            requests = {
              cpu    = "500m"
              memory = "768Mi"
            }
            limits = {
              cpu    = "500m"
              memory = "768Mi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}

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
          image = "europe-docker.pkg.dev/acme/apps/storefront:11.0.3"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "512Mi"
            }
            limits = {
              cpu    = "250m"
              memory = "512Mi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}
