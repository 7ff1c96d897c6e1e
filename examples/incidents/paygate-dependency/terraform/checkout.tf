resource "aws_ecs_task_definition" "checkout_api" {
  family                   = "checkout-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.checkout_api_exec.arn
  task_role_arn            = aws_iam_role.checkout_api_task.arn

  container_definitions = jsonencode([
    {
      name      = "checkout-api"
      image     = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/checkout-api:2026.11.1"
      essential = true
      environment = [
        { name = "LOG_FORMAT", value = "json" },
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_iam_role" "checkout_api_exec" {
  name               = "checkout-api-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role" "checkout_api_task" {
  name               = "checkout-api-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_security_group" "checkout_api" {
  name   = "checkout-api"
  vpc_id = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_service" "checkout_api" {
  name            = "checkout-api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.checkout_api.arn
  desired_count   = 4
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnets
    security_groups = [aws_security_group.checkout_api.id]
  }
}
