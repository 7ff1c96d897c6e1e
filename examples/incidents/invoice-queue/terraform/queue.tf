resource "aws_sqs_queue" "invoice_jobs" {
  name                       = "invoice-jobs"
  visibility_timeout_seconds = 120
  message_retention_seconds  = 1209600
}
