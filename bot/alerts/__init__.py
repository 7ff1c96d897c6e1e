"""Alert intake: the webhook routes, one module per alert source's payload, SNS signatures, and the intake
that deduplicates, groups and stores firing alerts as jobs."""
