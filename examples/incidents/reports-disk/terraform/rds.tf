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
