"""The fix safety rules: each unsafe change is refused, whoever wrote it."""

from __future__ import annotations

import pytest

from analyzers import Diagnosis
from bot.pipeline import collect_bundle, diagnose
from prescribers import TemplatePrescriber, check_fix
from prescribers import fixes as writers
from prescribers._edits import Edit, Patch

BASE = """
resource "aws_security_group" "db" {
  name = "db"

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_db_instance" "main" {
  identifier              = "main-db"
  deletion_protection     = true
  skip_final_snapshot     = false
  backup_retention_period = 7
}

resource "aws_iam_role_policy" "app" {
  name = "app"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::b/*"] },
    ]
  })
}

resource "aws_s3_bucket" "other" {
  bucket = "unrelated"
}
"""
ALL = {"aws_security_group.db", "aws_db_instance.main", "aws_iam_role_policy.app"}


def _failed(new: str, implicated: set[str] = ALL) -> set[str]:
    return {c.name for c in check_fix({"main.tf": BASE}, {"main.tf": new}, implicated) if not c.passed}


def test_a_narrow_change_passes_every_check() -> None:
    assert _failed(BASE.replace("backup_retention_period = 7", "backup_retention_period = 14")) == set()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (
            lambda t: t.replace("security_groups = [aws_security_group.app.id]", 'cidr_blocks = ["0.0.0.0/0"]').replace(
                "5432", "22"
            ),
            "no_public_ingress",
        ),
        (
            lambda t: t.replace("security_groups = [aws_security_group.app.id]", 'ipv6_cidr_blocks = ["::/0"]'),
            "no_public_ingress",
        ),
        (lambda t: t.replace('Action = ["s3:GetObject"]', 'Action = ["*"]'), "iam_least_privilege"),
        (
            lambda t: t.replace('Resource = ["arn:aws:s3:::b/*"]', 'Resource = ["*"]').replace(
                "GetObject", "PutObject"
            ),
            "iam_least_privilege",
        ),
        (lambda t: t.replace("deletion_protection     = true", "deletion_protection     = false"), "protections_kept"),
        (lambda t: t.replace("skip_final_snapshot     = false", "skip_final_snapshot     = true"), "protections_kept"),
        (lambda t: t.replace("backup_retention_period = 7", "backup_retention_period = 0"), "protections_kept"),
        (lambda t: t[: t.index('resource "aws_s3_bucket"')], "no_resource_removed"),
        (lambda t: t.replace('bucket = "unrelated"', 'bucket = "renamed"'), "only_implicated_resources"),
        (lambda t: t.replace('name = "db"', "name = "), "hcl_parses"),
    ],
    ids=[
        "ssh-to-world",
        "ipv6-world",
        "action-star",
        "write-on-star",
        "deletion-protection",
        "final-snapshot",
        "backups",
        "removed-block",
        "not-implicated",
        "unparseable",
    ],
)
def test_unsafe_change_fails_its_rule(change, rule: str) -> None:
    assert rule in _failed(change(BASE))


def test_public_https_is_allowed() -> None:
    new = BASE.replace("security_groups = [aws_security_group.app.id]", 'cidr_blocks = ["0.0.0.0/0"]')
    assert _failed(new.replace("5432", "443")) == set()


def test_paths_outside_terraform_are_refused() -> None:
    checks = check_fix({}, {"../etc/passwd.tf": 'a = "b"\n'}, set())
    assert not next(c for c in checks if c.name == "only_terraform_files").passed


def test_an_unsafe_template_is_refused_and_never_offered(monkeypatch) -> None:
    evidence = collect_bundle("examples/incidents/settlement-network")
    report = diagnose(evidence)
    assert report.prescription.fix is not None  # the real template is safe

    def open_to_world(index, diagnosis: Diagnosis, blocks):
        block = index.get("aws_security_group.ledger_db")
        text = index.files[block.file]
        at = text.index("security_groups = [aws_security_group.payouts.id]")
        end = at + len("security_groups = [aws_security_group.payouts.id]")
        return Patch("open it", "high", [Edit(block.file, at, end, 'cidr_blocks = ["0.0.0.0/0"]')])

    monkeypatch.setitem(writers.WRITERS, "network_blocked", open_to_world)
    result = TemplatePrescriber().prescribe(report.diagnosis, evidence)
    assert result.fix is None
    assert result.refused is not None and "no_public_ingress" in result.advice


GCP = """
resource "google_service_account" "ledger" {
  account_id = "ledger-run"
}

resource "google_project_iam_member" "ledger_logs" {
  project = "acme-prod"
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.ledger.email}"
}
"""


def _binding(label: str, role: str, account: str = "google_service_account.ledger") -> str:
    return (
        f'\nresource "google_project_iam_member" "{label}" {{\n  project = "acme-prod"\n  role    = "{role}"\n'
        f'  member  = "serviceAccount:${{{account}.email}}"\n}}\n'
    )


def test_a_block_added_beside_an_implicated_resource_counts_as_implicated() -> None:
    implicated = {"google_service_account.ledger", "google_project_iam_member.ledger_logs"}
    new = GCP + _binding("ledger_viewer", "roles/storage.objectViewer")
    checks = check_fix({"iam.tf": GCP}, {"iam.tf": new}, implicated)
    assert all(c.passed for c in checks), checks
    stray = GCP + _binding("other_viewer", "roles/storage.objectViewer", "google_service_account.other")
    failed = {c.name for c in check_fix({"iam.tf": GCP}, {"iam.tf": stray}, implicated) if not c.passed}
    assert failed == {"only_implicated_resources"}


@pytest.mark.parametrize("role", ["roles/editor", "roles/owner", "roles/storage.admin"])
def test_a_basic_or_admin_gcp_role_is_refused(role: str) -> None:
    implicated = {"google_service_account.ledger", "google_project_iam_member.ledger_logs"}
    new = GCP + _binding("ledger_wide", role)
    failed = {c.name for c in check_fix({"iam.tf": GCP}, {"iam.tf": new}, implicated) if not c.passed}
    assert failed == {"iam_least_privilege"}


def test_a_role_already_granted_is_not_counted_again() -> None:
    old = GCP.replace("roles/logging.logWriter", "roles/editor")
    new = old.replace('project = "acme-prod"', 'project = "acme-prod-2"')
    implicated = {"google_project_iam_member.ledger_logs"}
    failed = {c.name for c in check_fix({"iam.tf": old}, {"iam.tf": new}, implicated) if not c.passed}
    assert "iam_least_privilege" not in failed


def test_a_values_file_is_changed_only_when_an_implicated_release_reads_it() -> None:
    old = {"values/checkout.yaml": "resources:\n  limits:\n    memory: 512Mi\n"}
    new = {"values/checkout.yaml": "resources:\n  limits:\n    memory: 1024Mi\n"}
    read = {"helm_release.checkout", "file:values/checkout.yaml"}
    assert all(c.passed for c in check_fix(old, new, read))
    failed = {c.name for c in check_fix(old, new, {"helm_release.checkout"}) if not c.passed}
    assert failed == {"only_terraform_files"}
    broken = {"values/checkout.yaml": "resources:\n  limits:\n    memory: [1024Mi\n"}
    assert "hcl_parses" in {c.name for c in check_fix(old, broken, read) if not c.passed}


@pytest.mark.parametrize(
    "added",
    [
        '{ Effect = "Allow", NotAction = ["iam:*"], Resource = ["*"] },',
        '{ Effect = "Allow", Action = ["iam:*"], Resource = ["arn:aws:iam::123456789012:role/*"] },',
        '{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = ["*"] },',
    ],
    ids=["not-action", "iam-wildcard", "secrets-everywhere"],
)
def test_statements_that_widen_more_than_they_name_are_refused(added: str) -> None:
    new = BASE.replace("    Statement = [\n", f"    Statement = [\n      {added}\n")
    assert "iam_least_privilege" in _failed(new)


def test_a_managed_policy_attached_by_a_fix_is_refused() -> None:
    attach = ('\nresource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role_policy.app.id\n'
              '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')  # fmt: skip
    assert "iam_least_privilege" in _failed(BASE + attach)


def test_a_change_deep_in_a_multi_line_tfvars_value_is_seen() -> None:
    old = 'cidrs = [\n  "10.0.0.0/8",\n]\nroles = ["roles/logging.logWriter"]\n'
    new = 'cidrs = [\n  "10.0.0.0/8",\n  "0.0.0.0/0",\n]\nroles = ["roles/logging.logWriter"]\n'
    failed = {c.name for c in check_fix({"prod.tfvars": old}, {"prod.tfvars": new}, set()) if not c.passed}
    assert "only_implicated_resources" in failed
    allowed = {
        c.name for c in check_fix({"prod.tfvars": old}, {"prod.tfvars": new}, {"variable.cidrs"}) if not c.passed
    }
    assert allowed == set()
