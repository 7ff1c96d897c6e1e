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
