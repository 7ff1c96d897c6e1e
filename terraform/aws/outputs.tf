output "role_arn" {
  description = "Set aws.web_identity_role_arn in cloud-doctor.yaml to this."
  value       = aws_iam_role.cloud_doctor.arn
}
