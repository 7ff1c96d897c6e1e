"""The Terraform each example bundle ships in terraform/: what a fix must patch, with unrelated neighbours."""

from __future__ import annotations

PROVIDERS = """
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "ap-northeast-2"
}
"""

K8S_PROVIDERS = """
terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.33"
    }
  }
}

# Credentials come from the CI runner's kubeconfig.
provider "kubernetes" {
  config_path    = "~/.kube/config"
  config_context = var.kube_context
}

variable "kube_context" {
  type    = string
  default = "eks-prod"
}
"""


def k8s_deployment(
    name: str,
    image: str,
    memory: str = "256Mi",
    cpu: str = "250m",
    replicas: int = 2,
    extra_spec: str = "",
    env: str = "",
    port: int = 8080,
    app_label: str | None = None,
) -> str:
    label = app_label or name
    return f'''
resource "kubernetes_deployment_v1" "{name.replace("-", "_")}" {{
  metadata {{
    name      = "{name}"
    namespace = "shop"
    labels = {{
      app = "{label}"
    }}
  }}

  spec {{
    replicas = {replicas}

    selector {{
      match_labels = {{
        app = "{label}"
      }}
    }}

    template {{
      metadata {{
        labels = {{
          app = "{label}"
        }}
      }}

      spec {{
{extra_spec}        container {{
          name  = "{name}"
          image = {image}

          port {{
            container_port = {port}
          }}
{env}
          resources {{
            requests = {{
              cpu    = "{cpu}"
              memory = "{memory}"
            }}
            limits = {{
              cpu    = "{cpu}"
              memory = "{memory}" # sized for the 2025 catalogue
            }}
          }}
        }}
      }}
    }}
  }}
}}
'''


def ecs_service(
    name: str,
    cpu: int = 512,
    memory: int = 1024,
    desired: int = 2,
    extra_service: str = "",
    env: str = "",
    health: str = "",
) -> str:
    ident = name.replace("-", "_")
    return f'''
resource "aws_ecs_task_definition" "{ident}" {{
  family                   = "{name}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = {cpu}
  memory                   = {memory}
  execution_role_arn       = aws_iam_role.{ident}_exec.arn
  task_role_arn            = aws_iam_role.{ident}_task.arn

  container_definitions = jsonencode([
    {{
      name      = "{name}"
      image     = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/{name}:2026.11.1"
      essential = true
      environment = [
        {{ name = "LOG_FORMAT", value = "json" }},
{env}      ]{health}
      portMappings = [{{ containerPort = 8080 }}]
    }}
  ])
}}

resource "aws_iam_role" "{ident}_exec" {{
  name               = "{name}-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}}

resource "aws_iam_role" "{ident}_task" {{
  name               = "{name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}}

resource "aws_security_group" "{ident}" {{
  name   = "{name}"
  vpc_id = var.vpc_id

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_ecs_service" "{ident}" {{
  name            = "{name}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.{ident}.arn
  desired_count   = {desired}
  launch_type     = "FARGATE"

  network_configuration {{
    subnets         = var.private_subnets
    security_groups = [aws_security_group.{ident}.id]
  }}
{extra_service}}}
'''


ECS_COMMON = (
    PROVIDERS
    + """
variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60718"
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]
}

resource "aws_ecs_cluster" "main" {
  name = "prod-apps"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
"""
)

TF: dict[str, dict[str, str]] = {
    "checkout_oom": {
        "versions.tf": K8S_PROVIDERS,
        "apps/checkout.tf": "# Checkout: prices carts and takes payment.\n"
        + k8s_deployment("checkout", '"registry.acme.io/checkout:4.12.0"', memory="512Mi", cpu="500m", replicas=3),
        "apps/frontend.tf": k8s_deployment("frontend", '"registry.acme.io/frontend:9.3.1"', memory="384Mi"),
    },
    "search_cpu": {
        "main.tf": ECS_COMMON,
        "search.tf": ecs_service("search-api", cpu=512, memory=2048, desired=3),
        "bff.tf": ecs_service("web-bff", cpu=256, memory=512),
    },
    "orders_capacity": {
        "versions.tf": K8S_PROVIDERS,
        "orders.tf": k8s_deployment("orders", '"registry.acme.io/orders:3.0.7"', replicas=3)
        + """
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
""",
    },
    "ledger_db_conns": {
        "main.tf": ECS_COMMON,
        "ledger.tf": ecs_service("ledger-api", desired=4),
        "database.tf": """
resource "aws_db_parameter_group" "ledger" {
  name   = "ledger-pg16"
  family = "postgres16"

  parameter {
    name         = "max_connections"
    value        = "100"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }
}

resource "aws_db_instance" "ledger" {
  identifier              = "ledger-db"
  engine                  = "postgres"
  engine_version          = "16.4"
  instance_class          = "db.r6g.large"
  allocated_storage       = 200
  parameter_group_name    = aws_db_parameter_group.ledger.name
  deletion_protection     = true
  backup_retention_period = 14
  skip_final_snapshot     = false
  username                = "ledger"
  manage_master_user_password = true
}
""",
    },
    "reports_disk": {
        "main.tf": PROVIDERS,
        "rds.tf": """
# Reporting database: nightly exports write large temp tables here.
resource "aws_db_instance" "reports" {
  identifier              = "reports-db"
  engine                  = "postgres"
  engine_version          = "15.8"
  instance_class          = "db.m6g.large"
  allocated_storage       = var.reports_storage_gb
  storage_type            = "gp3"
  deletion_protection     = true
  backup_retention_period = 7
  skip_final_snapshot     = false
  username                = "reports"
  manage_master_user_password = true
}

variable "reports_storage_gb" {
  type    = number
  default = 100
}
""",
    },
    "thumbnailer_timeout": {
        "main.tf": PROVIDERS,
        "lambda.tf": """
resource "aws_lambda_function" "thumbnailer" {
  function_name = "thumbnailer"
  role          = aws_iam_role.thumbnailer.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "acme-artifacts"
  s3_key        = "thumbnailer/2026.11.0.zip"
  memory_size   = 1024
  timeout       = 30 # seconds

  environment {
    variables = {
      OUTPUT_BUCKET = "acme-thumbs"
    }
  }
}

resource "aws_iam_role" "thumbnailer" {
  name = "thumbnailer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
""",
    },
    "invoices_denied": {
        "main.tf": ECS_COMMON,
        "invoice.tf": ecs_service("invoice-service")
        + """
resource "aws_iam_role_policy" "invoice_service_task" {
  name = "invoice-service-task"
  role = aws_iam_role.invoice_service_task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["arn:aws:s3:::acme-invoices-prod/*"]
      },
    ]
  })
}
""",
    },
    "payments_throttle": {
        "main.tf": PROVIDERS,
        "dynamodb.tf": """
resource "aws_dynamodb_table" "payments_ledger" {
  name           = "payments-ledger"
  billing_mode   = "PROVISIONED"
  read_capacity  = 100
  write_capacity = 50
  hash_key       = "payment_id"

  attribute {
    name = "payment_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}
""",
    },
}

NOTIFIER_ENV = """
          env {
            name  = "SMTP_PORT"
            value = "587"
          }
"""

TF.update(
    {
        "notifier_crashloop": {
            "versions.tf": K8S_PROVIDERS,
            "notifier.tf": k8s_deployment("notifier", '"registry.acme.io/notifier:5.4.2"', env=NOTIFIER_ENV)
            + """
# Moved here from the old chart values in the 5.4 refactor.
variable "smtp_relay_host" {
  type    = string
  default = "smtp-relay.internal.acme.io"
}
""",
        },
        "cart_bad_deploy": {
            "versions.tf": K8S_PROVIDERS,
            "cart.tf": k8s_deployment("cart", '"${var.registry}/cart:${var.cart_version}"', replicas=3)
            + """
variable "registry" {
  type    = string
  default = "registry.acme.io"
}

variable "cart_version" {
  type        = string
  description = "Released by the cart team's pipeline"
  default     = "2.15.0"
}
""",
            "storefront.tf": k8s_deployment("storefront", '"registry.acme.io/storefront:1.40.2"'),
        },
        "settlement_network": {
            "main.tf": ECS_COMMON,
            "settlement.tf": ecs_service("settlement"),
            "payouts.tf": ecs_service("payouts"),
            "ledger_db.tf": """
resource "aws_security_group" "ledger_db" {
  name   = "ledger-db"
  vpc_id = var.vpc_id

  ingress {
    description     = "payouts"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.payouts.id]
  }
}

resource "aws_db_instance" "ledger" {
  identifier              = "ledger-db"
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  allocated_storage       = 200
  vpc_security_group_ids  = [aws_security_group.ledger_db.id]
  deletion_protection     = true
  backup_retention_period = 14
  skip_final_snapshot     = false
  username                = "ledger"
  manage_master_user_password = true
}
""",
        },
        "paygate_dependency": {
            "main.tf": ECS_COMMON,
            "checkout.tf": ecs_service("checkout-api", desired=4),
        },
        "ledger_cert": {
            "versions.tf": """
terraform {
  required_providers {
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}
""",
            "pki.tf": """
resource "tls_private_key" "internal_ca" {
  algorithm = "ECDSA"
}

resource "tls_self_signed_cert" "internal_ca" {
  private_key_pem       = tls_private_key.internal_ca.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 87600
  allowed_uses          = ["cert_signing", "crl_signing"]

  subject {
    common_name = "acme internal CA"
  }
}

resource "tls_private_key" "ledger" {
  algorithm = "ECDSA"
}

resource "tls_cert_request" "ledger" {
  private_key_pem = tls_private_key.ledger.private_key_pem
  dns_names       = ["ledger.internal"]

  subject {
    common_name = "ledger.internal"
  }
}

resource "tls_locally_signed_cert" "ledger" {
  cert_request_pem      = tls_cert_request.ledger.cert_request_pem
  ca_private_key_pem    = tls_private_key.internal_ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.internal_ca.cert_pem
  validity_period_hours = 8760
  allowed_uses          = ["server_auth", "digital_signature"]
}
""",
        },
        "catalog_healthcheck": {
            "main.tf": ECS_COMMON,
            "catalog.tf": ecs_service(
                "catalog",
                extra_service="""
  load_balancer {
    target_group_arn = aws_lb_target_group.catalog.arn
    container_name   = "catalog"
    container_port   = 8080
  }
""",
            )
            + """
resource "aws_lb_target_group" "catalog" {
  name        = "catalog-tg"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path                = "/health"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
""",
        },
        "invoice_queue": {
            "main.tf": ECS_COMMON,
            "worker.tf": ecs_service("invoice-worker", desired=2),
            "queue.tf": """
resource "aws_sqs_queue" "invoice_jobs" {
  name                       = "invoice-jobs"
  visibility_timeout_seconds = 120
  message_retention_seconds  = 1209600
}
""",
        },
        "recommender_image": {
            "versions.tf": K8S_PROVIDERS,
            "recommender.tf": k8s_deployment("recommender", '"registry.acme.io/recommender:1.9.3"', memory="1Gi"),
        },
        "pdf_scheduling": {
            "versions.tf": K8S_PROVIDERS,
            "pdf.tf": k8s_deployment(
                "pdf-renderer",
                '"registry.acme.io/pdf-renderer:0.18.0"',
                memory="2Gi",
                cpu="1",
                extra_spec="""        node_selector = {
          pool = "batch"
        }

""",
            ),
        },
        "inventory_routing": {
            "versions.tf": K8S_PROVIDERS,
            "inventory.tf": k8s_deployment("inventory", '"registry.acme.io/inventory:8.1.0"')
            + """
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
""",
        },
        "node_failure": {
            "main.tf": PROVIDERS,
            "eks.tf": """
resource "aws_eks_node_group" "general_c" {
  cluster_name    = "eks-prod"
  node_group_name = "general-c"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0cc33dd44ee55ff66"]
  instance_types  = ["m7g.xlarge"]

  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 6
  }
}
""",
        },
    }
)


TF["stock_traces"] = {
    "apps.tf": k8s_deployment(
        "inventory",
        '"europe-docker.pkg.dev/acme/apps/inventory:4.2.0"',
        memory="768Mi",
        cpu="500m",
        env="""
          env {
            name  = "JAVA_TOOL_OPTIONS"
            value = "-XX:MaxRAMPercentage=75"
          }
""",
    )
    + k8s_deployment("storefront", '"europe-docker.pkg.dev/acme/apps/storefront:11.0.3"', memory="512Mi"),
    "versions.tf": """
terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.33"
    }
  }
}
""",
}


TF["render_cloudrun"] = {
    "run.tf": """
resource "google_cloud_run_v2_service" "pdf_render" {
  name     = "pdf-render"
  location = "europe-west1"
  ingress  = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"

  template {
    service_account = google_service_account.pdf_render.email
    scaling {
      max_instance_count = 20
    }
    containers {
      image = "europe-docker.pkg.dev/acme-prod/apps/pdf-render:3.8.1"
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi" # fonts for the new templates were added in 3.8
        }
      }
    }
  }
}

resource "google_cloud_run_v2_service" "thumbs" {
  name     = "thumbs"
  location = "europe-west1"

  template {
    containers {
      image = "europe-docker.pkg.dev/acme-prod/apps/thumbs:1.2.0"
      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }
    }
  }
}

resource "google_service_account" "pdf_render" {
  account_id   = "pdf-render"
  display_name = "pdf-render on Cloud Run"
}
""",
    "versions.tf": """
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }
}
""",
}
