resource "kubernetes_deployment_v1" "recommender" {
  metadata {
    name      = "recommender"
    namespace = "shop"
    labels = {
      app = "recommender"
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "recommender"
      }
    }

    template {
      metadata {
        labels = {
          app = "recommender"
        }
      }

      spec {
        container {
          name  = "recommender"
          image = "registry.acme.io/recommender:1.9.3"

          port {
            container_port = 8080
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "1Gi"
            }
            limits = {
              cpu    = "250m"
              memory = "1Gi" # sized for the 2025 catalogue
            }
          }
        }
      }
    }
  }
}
