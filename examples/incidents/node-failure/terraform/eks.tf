resource "aws_eks_node_group" "general_c" {
  cluster_name    = "eks-prod"
  node_group_name = "general-c"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0cc33dd44ee55ff66"]
  instance_types  = ["m7g.xlarge"]

  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 6
  }
}
