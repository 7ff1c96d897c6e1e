resource "aws_ecs_task_definition" "payouts" {
  family                   = "payouts"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.payouts_exec.arn
  task_role_arn            = aws_iam_role.payouts_task.arn

  container_definitions = jsonencode([
    {
      name      = "payouts"
      image     = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/payouts:2026.11.1"
      essential = true
      environment = [
        { name = "LOG_FORMAT", value = "json" },
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_iam_role" "payouts_exec" {
  name               = "payouts-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role" "payouts_task" {
  name               = "payouts-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_security_group" "payouts" {
  name   = "payouts"
  vpc_id = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_service" "payouts" {
  name            = "payouts"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.payouts.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnets
    security_groups = [aws_security_group.payouts.id]
  }
}
