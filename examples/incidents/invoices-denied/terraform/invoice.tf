resource "aws_ecs_task_definition" "invoice_service" {
  family                   = "invoice-service"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.invoice_service_exec.arn
  task_role_arn            = aws_iam_role.invoice_service_task.arn

  container_definitions = jsonencode([
    {
      name      = "invoice-service"
      image     = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/invoice-service:2026.11.1"
      essential = true
      environment = [
        { name = "LOG_FORMAT", value = "json" },
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_iam_role" "invoice_service_exec" {
  name               = "invoice-service-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role" "invoice_service_task" {
  name               = "invoice-service-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_security_group" "invoice_service" {
  name   = "invoice-service"
  vpc_id = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_service" "invoice_service" {
  name            = "invoice-service"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.invoice_service.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnets
    security_groups = [aws_security_group.invoice_service.id]
  }
}

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
