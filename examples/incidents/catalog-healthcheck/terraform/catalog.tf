resource "aws_ecs_task_definition" "catalog" {
  family                   = "catalog"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.catalog_exec.arn
  task_role_arn            = aws_iam_role.catalog_task.arn

  container_definitions = jsonencode([
    {
      name      = "catalog"
      image     = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/catalog:2026.11.1"
      essential = true
      environment = [
        { name = "LOG_FORMAT", value = "json" },
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_iam_role" "catalog_exec" {
  name               = "catalog-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role" "catalog_task" {
  name               = "catalog-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_security_group" "catalog" {
  name   = "catalog"
  vpc_id = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_service" "catalog" {
  name            = "catalog"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.catalog.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnets
    security_groups = [aws_security_group.catalog.id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.catalog.arn
    container_name   = "catalog"
    container_port   = 8080
  }
}

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
