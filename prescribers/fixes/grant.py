"""Grant exactly the denied permission to the identity that was denied it.

AWS: the denied action on the denied ARN, as one statement in a permission policy of the denied role (never its
trust policy): a policy document's `statement`, a `jsonencode` policy's `Statement` list, a role's
`inline_policy`, the list or map behind a `dynamic "statement"`, or a module's statements input
(terraform-aws-modules/lambda `policy_statements`, a local module's `statements`), wherever it is written.

GCP: one member binding of the narrowest predefined role that holds the denied permission, for the denied service
account: the role joins the list a `for_each` of bindings iterates, or a new `google_project_iam_member` beside
the account's existing one. A permission no role in the table holds gets no fix, and the summary says so.
"""

from __future__ import annotations

import re

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, add_to, collection, focused
from prescribers._hcltext import Span, closing_insert
from prescribers.tfindex import Block, Located, TerraformIndex

POLICIES = ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_document")
STATEMENT_INPUTS = ("policy_statements", "statements", "inline_policy_statements", "role_policy_statements",
                    "tasks_iam_role_statements")  # fmt: skip
TRUST = ("assume_role_policy", "trust_policy", "assume_role_policy_statements", "trusted_role_services")
# The narrowest predefined role holding each permission a workload is commonly denied (Google's IAM roles
# reference); a permission missing here is not guessed at.
NARROWEST_ROLE = {
    "storage.objects.get": "roles/storage.objectViewer",
    "storage.objects.list": "roles/storage.objectViewer",
    "storage.objects.create": "roles/storage.objectCreator",
    "storage.objects.delete": "roles/storage.objectUser",
    "storage.objects.update": "roles/storage.objectUser",
    "pubsub.topics.publish": "roles/pubsub.publisher",
    "pubsub.subscriptions.consume": "roles/pubsub.subscriber",
    "secretmanager.versions.access": "roles/secretmanager.secretAccessor",
    "cloudsql.instances.connect": "roles/cloudsql.client",
    "cloudsql.instances.get": "roles/cloudsql.client",
    "bigquery.jobs.create": "roles/bigquery.jobUser",
    "bigquery.tables.getData": "roles/bigquery.dataViewer",
    "bigquery.tables.updateData": "roles/bigquery.dataEditor",
    "cloudkms.cryptoKeyVersions.useToDecrypt": "roles/cloudkms.cryptoKeyDecrypter",
    "cloudkms.cryptoKeyVersions.useToEncrypt": "roles/cloudkms.cryptoKeyEncrypter",
    "artifactregistry.repositories.downloadArtifacts": "roles/artifactregistry.reader",
    "run.routes.invoke": "roles/run.invoker",
    "cloudtasks.tasks.create": "roles/cloudtasks.enqueuer",
    "datastore.entities.get": "roles/datastore.viewer",
    "datastore.entities.create": "roles/datastore.user",
    "logging.logEntries.create": "roles/logging.logWriter",
    "monitoring.timeSeries.create": "roles/monitoring.metricWriter",
    "cloudtrace.traces.patch": "roles/cloudtrace.agent",
    # iam.serviceAccounts.* are left out on purpose: a project-wide token creator impersonates every account
}
GCP_BINDINGS = ("google_project_iam_member", "google_storage_bucket_iam_member", "google_pubsub_topic_iam_member",
                "google_pubsub_subscription_iam_member", "google_secret_manager_secret_iam_member")  # fmt: skip


# What a denied action and resource may look like to be granted: one action of one service (no wildcard), one ARN
# with no HCL or JSON in it and no wildcard but an S3 bucket's objects (`arn:aws:s3:::bucket/*`).
ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
ARN = re.compile(r"^arn:aws[\w-]*:[a-z0-9-]+:[\w-]*:\d{0,12}:[\w+=,.@/:-]+$|^arn:aws[\w-]*:s3:::[\w.-]+(/\*)?$")


def grant_access(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    if diagnosis.details.get("permission") and diagnosis.details.get("member"):
        return _gcp(index, diagnosis)
    action, arn = diagnosis.details.get("action"), diagnosis.details.get("arn")
    if not action or not arn:
        return None
    if not ACTION.match(str(action)) or not ARN.match(str(arn)) or ("*" in str(arn) and ":s3:::" not in str(arn)):
        index.notes.append(f"the denied action {action!r} on {arn!r} is not one action on one resource: not granted")
        return None
    for block in _permission_policies(index, diagnosis):
        edit = _grant_in(index, block, action, arn)
        if edit is not None:
            where = "" if edit.file == block.file else f" (in {edit.file})"
            return Patch(f"Grant {action} on {arn} in {block.address}{where}", "medium", [edit])
    return None


def _permission_policies(index: TerraformIndex, diagnosis: Diagnosis) -> list[Block]:
    """The denied role's permission policies (never its trust policy): inline first, then attached documents."""
    role = next(iter(index.relevant(str(diagnosis.details.get("role", "")), ("aws_iam_role",))), None)
    if role is None:
        return []
    policies = [b for b in index.referrers(role) if b.type in POLICIES]
    attached = [p for a in policies for p in index.references(a) if p.type == "aws_iam_policy"]
    policies += [p for p in attached if p not in policies]
    documents = [d for p in policies for d in index.references(p) if d.type == "aws_iam_policy_document"]
    out = [role, *policies, *(d for d in documents if d not in policies)]
    for block in out[1:]:
        index.share_focus(role, block)
    return out


def _grant_in(index: TerraformIndex, block: Block, action: str, arn: str) -> Edit | None:
    text = index.files[block.file]
    trust = [s for k, s in block.node.attrs.items() if k in TRUST]
    for node in focused(index, block):
        if any(s.start <= node.start < s.end for s in trust):
            continue  # the trust policy says who may assume the role, not what it may do
        if node.kind == "block" and node.word == "dynamic" and node.labels == ["statement"]:
            found = collection(index, block, node, "for_each")
            if found is not None and (edit := _add_statement(index, found, action, arn)):
                return edit
        for key in [k for k in node.attrs if k in ("Statement", *STATEMENT_INPUTS)]:
            found = collection(index, block, node, key)
            if found is not None and (edit := _add_statement(index, found, action, arn)):
                return edit
    statements = block.node.child("statement")
    if block.type == "aws_iam_policy_document" and statements and not block.instances:
        lines = ["", "statement {", '  sid       = "CloudDoctorGrant"', f'  actions   = ["{action}"]',
                 f'  resources = ["{arn}"]', "}"]  # fmt: skip
        offset, body = closing_insert(text, block.node, lines)
        return Edit(block.file, offset, offset, body)
    return None


def _add_statement(index: TerraformIndex, found: Located, action: str, arn: str) -> Edit | None:
    """One statement, spelled like its siblings (`Action` or `actions`; a list or a map of statements)."""
    node = found.node
    if node is None:
        return None
    sibling = next((c for c in node.children if c.kind == "object"), None)
    keys = {k.lower(): k for k in (sibling.attrs if sibling is not None else {})}
    actions, resources = f'["{action}"]', f'["{arn}"]'
    if keys:

        def spelled(*options: str) -> str | None:
            return next((keys[o] for o in options if o in keys), None)

        fields = [(spelled("sid"), '"CloudDoctorGrant"'), (spelled("effect"), '"Allow"'),
                  (spelled("actions", "action") or "actions", actions),
                  (spelled("resources", "resource") or "resources", resources)]  # fmt: skip
    elif node.header == "Statement":  # a JSON policy document
        fields = [("Effect", '"Allow"'), ("Action", actions), ("Resource", resources)]
    else:
        fields = [("effect", '"Allow"'), ("actions", actions), ("resources", resources)]
    entry = "{ " + ", ".join(f"{k} = {v}" for k, v in fields if k) + " }"
    return add_to(index, found, "cloud_doctor_grant", entry)


_SLUG = re.compile(r"[^a-z0-9]+")


def _gcp(index: TerraformIndex, diagnosis: Diagnosis) -> Patch | None:
    permission, member = str(diagnosis.details["permission"]), str(diagnosis.details["member"])
    if not re.fullmatch(r"[\w-]+@[\w-]+\.iam\.gserviceaccount\.com", member):
        return None
    role = NARROWEST_ROLE.get(permission)
    if role is None:
        index.notes.append(f"no predefined role is known to be the narrowest holding {permission}")
        return None
    account = next(iter(index.relevant(member.split("@")[0], ("google_service_account",))), None)
    if account is None:
        return None
    bindings = [b for b in index.referrers(account) if b.type in GCP_BINDINGS]
    for binding in bindings:
        roles = _role_list(index, binding)
        if roles is not None and (edit := add_to(index, roles, "", f'"{role}"')):
            return Patch(f"Grant {role} (holds {permission}) to {member} in {binding.address}{roles.where(binding)}",
                         "medium", [edit])  # fmt: skip
    project = next((b for b in bindings if b.type == "google_project_iam_member" and not b.instances), None)
    if project is None or "project" not in project.node.attrs or "member" not in project.node.attrs:
        return None
    label = f"{account.name}_{_SLUG.sub('_', role.removeprefix('roles/').lower())}"
    if index.get(f"google_project_iam_member.{label}"):
        return None  # granted already: the denial is not this role's to fix
    attrs = project.node.attrs
    body = (
        f'\n\nresource "google_project_iam_member" "{label}" {{\n  project = {attrs["project"].value}\n'
        f'  role    = "{role}"\n  member  = {attrs["member"].value}\n}}'
    )
    end = project.node.end + 1
    return Patch(
        f"Grant {role} (the narrowest role holding {permission}) to {member}: "
        f"google_project_iam_member.{label}, beside {project.address}",
        "medium",
        [Edit(project.file, end, end, body)],
    )


def _role_list(index: TerraformIndex, binding: Block) -> Located | None:
    """The list of roles a `for_each = toset(local.roles)` binding iterates with `role = each.value`."""
    attrs = binding.node.attrs
    if "for_each" not in attrs or attrs.get("role", Span(0, 0, "")).value.strip() not in ("each.value", "each.key"):
        return None
    return index.locate(binding, binding.node, "for_each")
