"""The Terraform each example bundle ships in terraform/: what a fix must patch, with unrelated neighbours."""

from __future__ import annotations

PROVIDERS = '''
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
'''

K8S_PROVIDERS = '''
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
'''


def k8s_deployment(name: str, image: str, memory: str = "256Mi", cpu: str = "250m", replicas: int = 2,
                   extra_spec: str = "", env: str = "", port: int = 8080, app_label: str | None = None) -> str:
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


def ecs_service(name: str, cpu: int = 512, memory: int = 1024, desired: int = 2, extra_service: str = "",
                env: str = "", health: str = "") -> str:
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


ECS_COMMON = PROVIDERS + '''
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
'''

TF: dict[str, dict[str, str]] = {
    "checkout_oom": {
        "versions.tf": K8S_PROVIDERS,
        "apps/checkout.tf": "# Checkout: prices carts and takes payment.\n" + k8s_deployment(
            "checkout", '"registry.acme.io/checkout:4.12.0"', memory="512Mi", cpu="500m", replicas=3),
        "apps/frontend.tf": k8s_deployment("frontend", '"registry.acme.io/frontend:9.3.1"', memory="384Mi"),
    },
    "search_cpu": {
        "main.tf": ECS_COMMON,
        "search.tf": ecs_service("search-api", cpu=512, memory=2048, desired=3),
        "bff.tf": ecs_service("web-bff", cpu=256, memory=512),
    },
    "orders_capacity": {
        "versions.tf": K8S_PROVIDERS,
        "orders.tf": k8s_deployment("orders", '"registry.acme.io/orders:3.0.7"', replicas=3) + '''
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
''',
    },
    "ledger_db_conns": {
        "main.tf": ECS_COMMON,
        "ledger.tf": ecs_service("ledger-api", desired=4),
        "database.tf": '''
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
''',
    },
    "reports_disk": {
        "main.tf": PROVIDERS,
        "rds.tf": '''
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
''',
    },
    "thumbnailer_timeout": {
        "main.tf": PROVIDERS,
        "lambda.tf": '''
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
''',
    },
    "invoices_denied": {
        "main.tf": ECS_COMMON,
        "invoice.tf": ecs_service("invoice-service") + '''
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
''',
    },
    "payments_throttle": {
        "main.tf": PROVIDERS,
        "dynamodb.tf": '''
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
''',
    },
}
