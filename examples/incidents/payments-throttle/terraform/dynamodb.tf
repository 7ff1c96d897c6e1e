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
