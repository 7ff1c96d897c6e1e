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
