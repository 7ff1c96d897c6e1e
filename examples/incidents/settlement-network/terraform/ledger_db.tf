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
