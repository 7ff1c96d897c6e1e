"""Style-matrix cells for the fixes that add something (an env entry, a grant, a path, a toleration) or correct
a selector or a certificate, rather than scale a number. Same rules as cells.py: every cell is drawn from its own
generator, an unrelated neighbour sits beside the failing thing, and the cell knows the exact files the fix
must produce. `render(v)` takes the text the fix inserts ("" before the fix).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.tfstyles.cells import Cell, Draw, _value_cell

SETTINGS = ("DATABASE_URL", "REDIS_URL", "STRIPE_API_BASE", "SMTP_RELAY_HOST", "KAFKA_BROKERS")


def _variable(setting: str) -> str:
    return f'variable "{setting.lower()}" {{\n  type      = string\n  sensitive = true\n}}\n'


def crash_loop_cells(seed: int) -> list[Cell]:
    category = "crash_loop"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, new: str, setting: str) -> None:
        def with_variable(v: str) -> dict[str, str]:
            return {**render(v), "variables.tf": _variable(setting)}

        out.append(_value_cell(category, style, d, with_variable, "", new, details={"setting": setting}))

    d = draw("plain kubernetes")
    s = d.pick(*SETTINGS)

    def k8s(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_deployment_v1" "{d.label(svc)}" {{
  metadata {{
    name      = {d.name(svc)}
    namespace = "apps"
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = "{svc}"
          image = "ghcr.io/acme/{svc}:2.4.0"
          env {{
            name  = "LOG_LEVEL"
            value = "info"
          }}
{add}        }}
      }}
    }}
  }}
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"apps.tf": "\n".join(blocks)}

    added = f'          env {{\n            name  = "{s}"\n            value = var.{s.lower()}\n          }}\n'
    cell("plain kubernetes", d, k8s, added, s)

    d = draw("plain ECS")
    s = d.pick(*SETTINGS)

    def ecs(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "aws_ecs_task_definition" "{d.label(svc)}" {{
  family                   = {d.name(svc)}
  requires_compatibilities = ["FARGATE"]
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {{
      name      = "log-router"
      image     = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
      essential = false
    }},
    {{
      name      = "{svc}"
      image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{svc}:3.2.1"
      essential = true
      environment = [
        {add}{{ name = "LOG_LEVEL", value = "info" }},
      ]
    }}
  ])
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"ecs.tf": "\n".join(blocks)}

    cell("plain ECS", d, ecs, f'{{ name = "{s}", value = var.{s.lower()} }},\n        ', s)

    d = draw("for_each over locals")
    s = d.pick(*SETTINGS)

    def ecs_each(v: str) -> dict[str, str]:
        return {
            "locals.tf": f'''locals {{
  services = {{
    {d.other} = {{ cpu = 512, env = {{ LOG_LEVEL = "warn" }} }}
    {d.svc} = {{ cpu = 256, env = {{ LOG_LEVEL = "info"{v} }} }}
  }}
}}
''',
            "ecs.tf": f"""resource "aws_ecs_task_definition" "svc" {{
  for_each                 = local.services
  family                   = {d.each_name()}
  requires_compatibilities = ["FARGATE"]
  cpu                      = each.value.cpu
  memory                   = 1024
  container_definitions = jsonencode([{{
    name        = each.key
    image       = "ghcr.io/acme/${{each.key}}:1.0.0"
    environment = [for k, v in each.value.env : {{ name = k, value = v }}]
  }}])
}}
""",
        }

    cell("for_each over locals", d, ecs_each, f", {s} = var.{s.lower()}", s)

    d = draw("dynamic env")
    s = d.pick(*SETTINGS)

    def dynamic(v: str) -> dict[str, str]:
        return {
            "locals.tf": f"""locals {{
  workloads = {{
    {d.svc} = {{
      replicas = 3
      env = {{
        LOG_LEVEL = "info"
{v}      }}
    }}
    {d.other} = {{
      replicas = 2
      env      = {{ LOG_LEVEL = "debug" }}
    }}
  }}
}}
""",
            "apps.tf": f"""resource "kubernetes_deployment_v1" "workload" {{
  for_each = local.workloads
  metadata {{
    name = {d.each_name()}
  }}
  spec {{
    replicas = each.value.replicas
    template {{
      spec {{
        container {{
          name  = each.key
          image = "ghcr.io/acme/${{each.key}}:5.0.0"
          dynamic "env" {{
            for_each = each.value.env
            content {{
              name  = env.key
              value = env.value
            }}
          }}
        }}
      }}
    }}
  }}
}}
""",
        }

    cell("for_each with dynamic env", d, dynamic, f"        {s} = var.{s.lower()}\n", s)

    d = draw("helm values")
    s = d.pick(*SETTINGS)

    def helm(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "helm_release" "{d.label(svc)}" {{
  name       = {d.name(svc)}
  repository = "oci://ghcr.io/acme/charts"
  chart      = "service"
  values = [yamlencode({{
    image = {{ tag = "7.1.0" }}
    env = {{
      LOG_LEVEL = "info"
{add}    }}
  }})]
}}
'''
            for svc, add in ((d.other, ""), (d.svc, v))
        ]
        return {"helm.tf": "\n".join(blocks)}

    cell("helm_release values", d, helm, f"      {s} = var.{s.lower()}\n", s)

    d = draw("local module")
    s = d.pick(*SETTINGS)

    def local_module(v: str) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "env" {\n  type    = map(string)\n  default = {}\n}\n\n'
            'resource "kubernetes_deployment_v1" "this" {\n  metadata {\n    name = var.name\n  }\n  spec {\n'
            "    template {\n      spec {\n        container {\n          name  = var.name\n"
            '          image = "ghcr.io/acme/${var.name}:1.0"\n          dynamic "env" {\n'
            "            for_each = var.env\n            content {\n              name  = env.key\n"
            "              value = env.value\n            }\n          }\n        }\n      }\n    }\n  }\n}\n"
        )
        calls = [
            f'module "{svc.replace("-", "_")}" {{\n  source = "./modules/app"\n  name   = {d.name(svc)}\n'
            f'  env = {{\n    LOG_LEVEL = "info"\n{add}  }}\n}}\n'
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"modules/app/main.tf": module, "apps.tf": "\n".join(calls)}

    cell("local module", d, local_module, f"    {s} = var.{s.lower()}\n", s)

    d = draw("lambda")
    s = d.pick(*SETTINGS)

    def lam(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "aws_lambda_function" "{d.label(svc)}" {{
  function_name = {d.name(svc)}
  role          = "arn:aws:iam::123456789012:role/{svc}-lambda"
  runtime       = "python3.12"
  handler       = "app.handler"
  environment {{
    variables = {{
      POWERTOOLS_SERVICE_NAME = "{svc}"
{add}    }}
  }}
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"lambda.tf": "\n".join(blocks)}

    cell("plain Lambda", d, lam, f"      {s} = var.{s.lower()}\n", s)

    d = draw("cloud run")
    s = d.pick(*SETTINGS)

    def run(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "google_cloud_run_v2_service" "{d.label(svc)}" {{
  name     = {d.name(svc)}
  location = "europe-west1"
  template {{
    containers {{
      image = "europe-docker.pkg.dev/acme/apps/{svc}:1.8.0"
      env {{
        name  = "LOG_LEVEL"
        value = "info"
      }}
{add}    }}
  }}
}}
'''
            for svc, add in ((d.other, ""), (d.svc, v))
        ]
        return {"run.tf": "\n".join(blocks)}

    added = f'      env {{\n        name  = "{s}"\n        value = var.{s.lower()}\n      }}\n'
    cell("Cloud Run", d, run, added, s)
    return out


def spelled(d: Draw, svc: str, suffix: str = "") -> tuple[str, str]:
    """How Terraform writes a name built on `svc` (an HCL expression) and what AWS or GCP then calls it."""
    expr = d.name(svc)[:-1] + suffix + '"'
    real = [svc, f"prod-{svc}", f"prod-{svc}", f"{svc}-svc", f"prod-{svc}"][d.spell] + suffix
    return expr, real


GRANTS = (
    ("s3:GetObject", "arn:aws:s3:::acme-{svc}-exports/*"),
    ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:{svc}-events"),
    ("dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/{svc}-ledger"),
    ("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/1f0c7a2e-5b7d-4c61-9a0e-3d2f6b8c9e10"),
    ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:{svc}/db-AbCdEf"),
)
TRUST = """data "aws_iam_policy_document" "ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
"""


def permission_cells(seed: int) -> list[Cell]:
    category = "permission_denied"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, new: str, role: str, grant: tuple[str, str]) -> None:
        details = {"action": grant[0], "arn": grant[1], "role": role}
        out.append(_value_cell(category, style, d, render, "", new, details=details))

    def grant_of(d: Draw) -> tuple[str, str]:
        action, arn = d.pick(*GRANTS)
        return action, arn.format(svc=d.svc)

    d = draw("jsonencode role policy")
    action, arn = grant = grant_of(d)
    name, role = spelled(d, d.svc, "-task")

    def role_policy(v: str) -> dict[str, str]:
        blocks = []
        for svc, add in ((d.other, ""), (d.svc, v)):
            label = d.label(svc)
            blocks.append(f'''resource "aws_iam_role" "{label}" {{
  name = {spelled(d, svc, "-task")[0]}
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "ecs-tasks.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}

resource "aws_iam_role_policy" "{label}" {{
  name = "access"
  role = aws_iam_role.{label}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {add}{{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/{svc}:*"]
      }},
    ]
  }})
}}
''')
        return {"iam.tf": "\n".join(blocks)}

    added = f'{{ Effect = "Allow", Action = ["{action}"], Resource = ["{arn}"] }},\n      '
    cell("jsonencode role policy", d, role_policy, added, role, grant)

    d = draw("policy document")
    action, arn = grant = grant_of(d)
    name, role = spelled(d, d.svc, "-task")

    def document(v: str) -> dict[str, str]:
        blocks = [TRUST]
        for svc, add in ((d.svc, v), (d.other, "")):
            label = d.label(svc)
            blocks.append(f'''resource "aws_iam_role" "{label}" {{
  name               = {spelled(d, svc, "-task")[0]}
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json
}}

data "aws_iam_policy_document" "{label}_access" {{
  statement {{
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
    resources = ["arn:aws:sqs:eu-west-1:123456789012:{svc}-jobs"]
  }}
{add}}}

resource "aws_iam_policy" "{label}_access" {{
  name   = "{svc}-access"
  policy = data.aws_iam_policy_document.{label}_access.json
}}

resource "aws_iam_role_policy_attachment" "{label}_access" {{
  role       = aws_iam_role.{label}.name
  policy_arn = aws_iam_policy.{label}_access.arn
}}
''')
        return {"iam.tf": "\n".join(blocks)}

    added = (
        f'\n  statement {{\n    sid       = "CloudDoctorGrant"\n    actions   = ["{action}"]\n'
        f'    resources = ["{arn}"]\n  }}\n'
    )
    cell("attached policy document", d, document, added, role, grant)

    d = draw("inline_policy")
    action, arn = grant = grant_of(d)
    name, role = spelled(d, d.svc, "-task")

    def inline(v: str) -> dict[str, str]:
        blocks = [TRUST]
        for svc, add in ((d.other, ""), (d.svc, v)):
            blocks.append(f'''resource "aws_iam_role" "{d.label(svc)}" {{
  name               = {spelled(d, svc, "-task")[0]}
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json

  inline_policy {{
    name = "{svc}-access"
    policy = jsonencode({{
      Version = "2012-10-17"
      Statement = [
        {add}{{ Sid = "Events", Effect = "Allow", Action = ["events:PutEvents"], Resource = ["*"] }},
      ]
    }})
  }}
}}
''')
        return {"roles.tf": "\n".join(blocks)}

    added = f'{{ Sid = "CloudDoctorGrant", Effect = "Allow", Action = ["{action}"], Resource = ["{arn}"] }},\n        '
    cell("role inline_policy", d, inline, added, role, grant)

    d = draw("for_each with dynamic statement")
    action, arn = grant = grant_of(d)
    role = [d.svc, f"prod-{d.svc}", f"prod-{d.svc}", f"{d.svc}-svc", d.svc][d.spell] + "-task"

    def dynamic(v: str) -> dict[str, str]:
        return {
            "locals.tf": f"""locals {{
  task_roles = {{
    {d.svc} = {{
      statements = [
        {v}{{ actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::acme-{d.svc}"] }},
      ]
    }}
    {d.other} = {{
      statements = [{{ actions = ["sns:Publish"], resources = ["arn:aws:sns:eu-west-1:123456789012:{d.other}"] }}]
    }}
  }}
}}
""",
            "iam.tf": TRUST
            + f"""
resource "aws_iam_role" "task" {{
  for_each           = local.task_roles
  name               = {d.each_name()[:-1] + '-task"' if d.each_name().endswith('"') else f'"${{{d.each_name()}}}-task"'}
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json
}}

data "aws_iam_policy_document" "task" {{
  for_each = local.task_roles
  dynamic "statement" {{
    for_each = each.value.statements
    content {{
      actions   = statement.value.actions
      resources = statement.value.resources
    }}
  }}
}}

resource "aws_iam_role_policy" "task" {{
  for_each = local.task_roles
  role     = aws_iam_role.task[each.key].id
  policy   = data.aws_iam_policy_document.task[each.key].json
}}
""",
        }

    added = f'{{ actions = ["{action}"], resources = ["{arn}"] }},\n        '
    cell("for_each with dynamic statement", d, dynamic, added, role, grant)

    d = draw("lambda module")
    action, arn = grant = grant_of(d)
    name, role = spelled(d, d.svc)

    def lam(v: str) -> dict[str, str]:
        blocks = [
            f'''module "{d.label(svc)}" {{
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = {spelled(d, svc)[0]}
  handler       = "app.handler"
  runtime       = "python3.12"

  attach_policy_statements = true
  policy_statements = {{
    xray = {{
      effect    = "Allow"
      actions   = ["xray:PutTraceSegments"]
      resources = ["*"]
    }}
{add}  }}
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"functions.tf": "\n".join(blocks)}

    added = f'    cloud_doctor_grant = {{ effect = "Allow", actions = ["{action}"], resources = ["{arn}"] }}\n'
    cell("registry module (lambda)", d, lam, added, role, grant)

    d = draw("local module")
    action, arn = grant = grant_of(d)
    name, role = spelled(d, d.svc, "-task")

    def local_module(v: str) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "statements" {\n  type = list(object({ actions = list(string), '
            "resources = list(string) }))\n}\n\n"
            + TRUST
            + '\nresource "aws_iam_role" "this" {\n  name               = var.name\n'
            "  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json\n}\n\n"
            'data "aws_iam_policy_document" "this" {\n  dynamic "statement" {\n    for_each = var.statements\n'
            "    content {\n      actions   = statement.value.actions\n      resources = statement.value.resources\n"
            '    }\n  }\n}\n\nresource "aws_iam_role_policy" "this" {\n  role   = aws_iam_role.this.id\n'
            "  policy = data.aws_iam_policy_document.this.json\n}\n"
        )
        calls = [
            f'module "{d.label(svc)}_role" {{\n  source = "./modules/task-role"\n  name   = {spelled(d, svc, "-task")[0]}\n'
            f'  statements = [\n    {add}{{\n      actions   = ["ssm:GetParameter"]\n'
            f'      resources = ["arn:aws:ssm:eu-west-1:123456789012:parameter/{svc}/*"]\n    }},\n  ]\n}}\n'
            for svc, add in ((d.other, ""), (d.svc, v))
        ]
        return {"modules/task-role/main.tf": module, "roles.tf": "\n".join(calls)}

    added = f'{{ actions = ["{action}"], resources = ["{arn}"] }},\n    '
    cell("local module", d, local_module, added, role, grant)
    out += _gcp_permission_cells(seed)
    return out


PERMISSIONS = (
    ("storage.objects.get", "roles/storage.objectViewer"),
    ("pubsub.topics.publish", "roles/pubsub.publisher"),
    ("secretmanager.versions.access", "roles/secretmanager.secretAccessor"),
    ("cloudsql.instances.connect", "roles/cloudsql.client"),
    ("bigquery.jobs.create", "roles/bigquery.jobUser"),
)


def _gcp_permission_cells(seed: int) -> list[Cell]:
    category = "permission_denied"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []
    project = 'variable "project_id" {\n  type    = string\n  default = "acme-prod"\n}\n'

    d = draw("gcp binding")
    permission, role = d.pick(*PERMISSIONS)
    name, account = spelled(d, d.svc, "-run")
    label = d.label(d.svc)
    slug = role.removeprefix("roles/").lower().replace(".", "_")

    def binding(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "google_service_account" "{d.label(svc)}" {{
  account_id   = {spelled(d, svc, "-run")[0]}
  display_name = "{svc} on Cloud Run"
}}

resource "google_project_iam_member" "{d.label(svc)}_logs" {{
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${{google_service_account.{d.label(svc)}.email}}"
}}{add}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"iam.tf": "\n".join(blocks), "variables.tf": project}

    added = (
        f'\n\nresource "google_project_iam_member" "{label}_{slug}" {{\n  project = var.project_id\n'
        f'  role    = "{role}"\n  member  = "serviceAccount:${{google_service_account.{label}.email}}"\n}}'
    )
    details = {"permission": permission, "member": f"{account}@acme-prod.iam.gserviceaccount.com"}
    out.append(_value_cell(category, "GCP project binding", d, binding, "", added, details=details))

    d = draw("gcp for_each roles")
    permission, role = d.pick(*PERMISSIONS)
    name, account = spelled(d, d.svc, "-run")

    def roles(v: str) -> dict[str, str]:
        listed = "".join(f'    "{r}",\n' for r in ("roles/logging.logWriter", "roles/cloudtrace.agent"))
        return {
            "locals.tf": f'locals {{\n  {d.svc}_roles = [\n{listed[:-1]}{v}\n  ]\n  {d.other}_roles = ["roles/run.invoker"]\n}}\n',
            "iam.tf": "".join(
                f'''resource "google_service_account" "{svc}" {{
  account_id = {spelled(d, svc, "-run")[0]}
}}

resource "google_project_iam_member" "{svc}" {{
  for_each = toset(local.{svc}_roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${{google_service_account.{svc}.email}}"
}}

'''
                for svc in (d.other, d.svc)
            ),
            "variables.tf": project,
        }

    details = {"permission": permission, "member": f"{account}@acme-prod.iam.gserviceaccount.com"}
    out.append(_value_cell(category, "GCP for_each over roles", d, roles, "", f'\n    "{role}",', details=details))
    return out


def network_cells(seed: int) -> list[Cell]:
    category = "network_blocked"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def third(d: Draw) -> str:
        return next(s for s in ("reporting", "backoffice", "exporter") if s not in (d.svc, d.other))

    def ecs(d: Draw, caller_sg: str, db_sg: str) -> str:
        return f'''resource "aws_ecs_service" "{d.label(d.svc)}" {{
  name            = {d.name(d.svc)}
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"
  task_definition = "{d.svc}:12"
  desired_count   = 3
  network_configuration {{
    subnets         = ["subnet-0a1b2c", "subnet-0d4e5f"]
    security_groups = [{caller_sg}]
  }}
}}

resource "aws_db_instance" "{d.other}" {{
  identifier             = "{d.other}-db"
  engine                 = "postgres"
  instance_class         = "db.r6g.large"
  vpc_security_group_ids = [{db_sg}]
  deletion_protection    = true
}}
'''

    def network(d: Draw, peer_body: str = "", extra: str = "") -> dict[str, str]:
        """The security groups (the peer's with `peer_body` and `extra` beside) and the ECS service using them."""
        caller, db = f"aws_security_group.{d.label(d.svc)}.id", f"aws_security_group.{d.other}_db.id"
        return {"network.tf": sgs(d, peer_body, extra), "services.tf": ecs(d, caller, db)}

    def sgs(d: Draw, peer_body: str = "", extra: str = "") -> str:
        return f'''resource "aws_security_group" "{d.label(d.svc)}" {{
  name   = {d.name(d.svc)}
  vpc_id = "vpc-0abc123"
}}

resource "aws_security_group" "{third(d)}" {{
  name   = "{third(d)}"
  vpc_id = "vpc-0abc123"
}}

resource "aws_security_group" "{d.other}_db" {{
  name   = "{d.other}-db"
  vpc_id = "vpc-0abc123"
{peer_body}}}
{extra}'''

    def cell(style: str, d: Draw, render: Any, new: str, port: int = 5432, host: str = "") -> None:
        details = {"peer": host or f"{d.other}-db.cluster-c9xk2ab.eu-west-1.rds.amazonaws.com", "port": port}
        out.append(_value_cell(category, style, d, render, "", new, details=details))

    def why(d: Draw, port: int = 5432) -> str:
        return f"{d.svc} to port {port} (Cloud Doctor)"

    d = draw("inline ingress")

    def inline(v: str, d: Draw = d) -> dict[str, str]:
        body = f'''
  ingress {{
    description     = "{third(d)}"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.{third(d)}.id]
  }}
{v}'''
        return network(d, body)

    added = (
        f'\n  ingress {{\n    description     = "{why(d)}"\n    from_port       = 5432\n    to_port         = 5432\n'
        f'    protocol        = "tcp"\n    security_groups = [aws_security_group.{d.label(d.svc)}.id]\n  }}\n'
    )
    cell("inline ingress", d, inline, added)

    d = draw("ingress rule resources")

    def rules(v: str, d: Draw = d) -> dict[str, str]:
        extra = f'''
resource "aws_vpc_security_group_ingress_rule" "{d.other}_db_from_{third(d)}" {{
  security_group_id            = aws_security_group.{d.other}_db.id
  referenced_security_group_id = aws_security_group.{third(d)}.id
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
}}{v}

resource "aws_vpc_security_group_egress_rule" "{d.other}_db_all" {{
  security_group_id = aws_security_group.{d.other}_db.id
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "-1"
}}
'''
        return network(d, "", extra)

    c = d.label(d.svc)
    added = (
        f'\n\nresource "aws_vpc_security_group_ingress_rule" "{d.other}_db_from_{c}" {{\n'
        f"  security_group_id            = aws_security_group.{d.other}_db.id\n"
        f"  referenced_security_group_id = aws_security_group.{c}.id\n"
        f"  from_port                    = 5432\n  to_port                      = 5432\n"
        f'  ip_protocol                  = "tcp"\n  description                  = "{why(d)}"\n}}'
    )
    cell("ingress rule resources", d, rules, added)

    d = draw("legacy rule resources")

    def legacy(v: str, d: Draw = d) -> dict[str, str]:
        extra = f'''
resource "aws_security_group_rule" "{d.other}_db_egress" {{
  type              = "egress"
  security_group_id = aws_security_group.{d.other}_db.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["10.0.0.0/8"]
}}

resource "aws_security_group_rule" "{d.other}_db_from_{third(d)}" {{
  type                     = "ingress"
  security_group_id        = aws_security_group.{d.other}_db.id
  source_security_group_id = aws_security_group.{third(d)}.id
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
}}{v}
'''
        return network(d, "", extra)

    c = d.label(d.svc)
    added = (
        f'\n\nresource "aws_security_group_rule" "{d.other}_db_from_{c}" {{\n  type                     = "ingress"\n'
        f"  security_group_id        = aws_security_group.{d.other}_db.id\n"
        f"  source_security_group_id = aws_security_group.{c}.id\n"
        f"  from_port                = 5432\n  to_port                  = 5432\n"
        f'  protocol                 = "tcp"\n  description              = "{why(d)}"\n}}'
    )
    cell("legacy rule resources", d, legacy, added)

    d = draw("for_each rules")

    def each(v: str, d: Draw = d) -> dict[str, str]:
        extra = f'''
resource "aws_vpc_security_group_ingress_rule" "{d.other}_db" {{
  for_each                     = local.{d.other}_db_ingress
  security_group_id            = aws_security_group.{d.other}_db.id
  referenced_security_group_id = each.value.source
  from_port                    = each.value.port
  to_port                      = each.value.port
  ip_protocol                  = "tcp"
}}
'''
        files = network(d, "", extra)
        files["locals.tf"] = f"""locals {{
  {d.other}_db_ingress = {{
    {third(d)} = {{ port = 5432, source = aws_security_group.{third(d)}.id }}
{v}  }}
}}
"""
        return files

    c = d.label(d.svc)
    cell("for_each over locals", d, each, f"    {c} = {{ port = 5432, source = aws_security_group.{c}.id }}\n")

    d = draw("dynamic ingress")

    def dyn(v: str, d: Draw = d) -> dict[str, str]:
        body = f"""
  dynamic "ingress" {{
    for_each = local.{d.other}_db_ingress
    content {{
      description     = ingress.value.description
      from_port       = ingress.value.port
      to_port         = ingress.value.port
      protocol        = "tcp"
      security_groups = [ingress.value.source]
    }}
  }}
"""
        files = network(d, body)
        files["locals.tf"] = (f"locals {{\n  {d.other}_db_ingress = [\n    {v}{{ description = \"{third(d)}\", port = 5432, "
                              f"source = aws_security_group.{third(d)}.id }},\n  ]\n}}\n")  # fmt: skip
        return files

    c = d.label(d.svc)
    cell("dynamic ingress over a local list", d, dyn,
         f'{{ description = "{why(d)}", port = 5432, source = aws_security_group.{c}.id }},\n    ')  # fmt: skip

    d = draw("security-group module")

    def module(v: str, d: Draw = d) -> dict[str, str]:
        calls = f'''module "{d.label(d.svc)}_sg" {{
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 5.1"
  name    = {d.name(d.svc)}
  vpc_id  = "vpc-0abc123"
}}

module "{d.other}_db_sg" {{
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 5.1"
  name    = "{d.other}-db"
  vpc_id  = "vpc-0abc123"

  ingress_with_source_security_group_id = [
    {v}{{
      rule                     = "postgresql-tcp"
      source_security_group_id = module.{third(d)}_sg.security_group_id
    }},
  ]
}}

module "{third(d)}_sg" {{
  source  = "terraform-aws-modules/security-group/aws"
  version = "~> 5.1"
  name    = "{third(d)}"
  vpc_id  = "vpc-0abc123"
}}
'''
        return {
            "network.tf": calls,
            "services.tf": ecs(
                d, f"module.{d.label(d.svc)}_sg.security_group_id", f"module.{d.other}_db_sg.security_group_id"
            ),
        }

    added = (
        f'{{ from_port = 5432, to_port = 5432, protocol = "tcp", description = "{why(d)}", '
        f"source_security_group_id = module.{d.label(d.svc)}_sg.security_group_id }},\n    "
    )
    cell("registry module (security-group)", d, module, added)

    for style, host, port in (
        ("NetworkPolicy egress (other namespace)", "{other}-redis.data.svc.cluster.local", 6379),
        ("NetworkPolicy egress (same namespace)", "{other}", 8080),
    ):
        d = draw(style)
        peer = host.format(other=d.other)

        def policy(v: str, d: Draw = d, peer: str = peer) -> dict[str, str]:
            blocks = [
                f'''resource "kubernetes_network_policy_v1" "{svc}_egress" {{
  metadata {{
    name      = "{svc}-egress"
    namespace = "apps"
  }}
  spec {{
    pod_selector {{
      match_labels = {{
        app = "{svc}"
      }}
    }}
    policy_types = ["Egress"]
    egress {{
      to {{
        namespace_selector {{
          match_labels = {{
            "kubernetes.io/metadata.name" = "kube-system"
          }}
        }}
      }}
      ports {{
        port     = "53"
        protocol = "UDP"
      }}
    }}
{add}  }}
}}
'''
                for svc, add in ((d.other, ""), (d.svc, v))
            ]
            files = {"policies.tf": "\n".join(blocks)}
            if "." not in peer:  # the peer's Deployment is in this Terraform: its pods' labels are known
                files["apps.tf"] = (
                    f'resource "kubernetes_deployment_v1" "{d.other}" {{\n  metadata {{\n    name      = "{d.other}"\n'
                    f'    namespace = "apps"\n  }}\n  spec {{\n    template {{\n      metadata {{\n        labels = {{\n'
                    f'          app  = "{d.other}"\n          tier = "api"\n        }}\n      }}\n      spec {{\n'
                    f'        container {{\n          name  = "{d.other}"\n          image = "ghcr.io/acme/{d.other}:1.2.0"\n'
                    "        }\n      }\n    }\n  }\n}\n"
                )
            return files

        label = peer.split(".")[0]
        ns = (
            '        namespace_selector {\n          match_labels = {\n            "kubernetes.io/metadata.name" = "data"\n'
            "          }\n        }\n"
            if "." in peer
            else ""
        )
        added = (
            f"    egress {{\n      to {{\n{ns}        pod_selector {{\n          match_labels = {{\n"
            + (
                f'            app = "{label}"\n'
                if "." in peer
                else f'            app  = "{label}"\n            tier = "api"\n'
            )
            + f"          }}\n        }}\n      }}\n      ports {{\n"
            f'        port     = "{port}"\n        protocol = "TCP"\n      }}\n    }}\n'
        )
        cell(style, d, policy, added, port, f"{peer}:{port}".rsplit(":", 1)[0])
    return out


TAINTS = (("dedicated", "gpu"), ("workload", "batch"), ("team", "data"), ("nvidia.com/gpu", "present"))


def _deployment(d: Draw, svc: str, kind: str, pod_extra: str, label: str = "") -> str:
    return f'''resource "{kind}" "{label or d.label(svc)}" {{
  metadata {{
    name      = {d.name(svc)}
    namespace = "jobs"
  }}
  spec {{
    replicas = 2
    template {{
      metadata {{
        labels = {{ app = "{svc}" }}
      }}
      spec {{
        container {{
          name  = "{svc}"
          image = "ghcr.io/acme/{svc}:4.2.0"
        }}
{pod_extra}      }}
    }}
  }}
}}
'''


def scheduling_cells(seed: int) -> list[Cell]:
    category = "scheduling_failure"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, new: Any) -> None:
        key, value = d.pick(*TAINTS)
        details = {"taint": {"key": key, "value": value, "effect": "NoSchedule"}}
        one = f'{{ key = "{key}", operator = "Equal", value = "{value}", effect = "NoSchedule" }}'
        out.append(_value_cell(category, style, d, render, "", new(key, value, one), details=details))

    def block(indent: str) -> Any:
        def new(key: str, value: str, one: str) -> str:
            lines = ["toleration {", f'  key      = "{key}"', '  operator = "Equal"', f'  value    = "{value}"',
                     '  effect   = "NoSchedule"', "}"]  # fmt: skip
            return "".join(f"{indent}{line}\n" for line in lines)

        return new

    d = draw("plain deployment")

    def plain(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "apps.tf": _deployment(d, d.svc, "kubernetes_deployment_v1", v)
            + "\n"
            + _deployment(d, d.other, "kubernetes_deployment_v1", "")
        }

    cell("plain kubernetes", d, plain, block("        "))

    d = draw("stateful set")

    def stateful(v: str, d: Draw = d) -> dict[str, str]:
        spot = '        toleration {\n          key      = "spot"\n          operator = "Exists"\n          effect   = "NoSchedule"\n        }\n'
        return {
            "data.tf": _deployment(d, d.other, "kubernetes_stateful_set_v1", spot)
            + "\n"
            + _deployment(d, d.svc, "kubernetes_stateful_set_v1", spot + v)
        }

    cell("stateful set", d, stateful, block("        "))

    d = draw("dynamic toleration")

    def dynamic(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "locals.tf": f"""locals {{
  jobs = {{
    {d.other} = {{ tolerations = [] }}
    {d.svc} = {{
      tolerations = [
        {v}{{ key = "spot", operator = "Exists", value = null, effect = "NoSchedule" }},
      ]
    }}
  }}
}}
""",
            "jobs.tf": f"""resource "kubernetes_deployment_v1" "job" {{
  for_each = local.jobs
  metadata {{
    name = {d.each_name()}
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = each.key
          image = "ghcr.io/acme/${{each.key}}:1.0.0"
        }}
        dynamic "toleration" {{
          for_each = each.value.tolerations
          content {{
            key      = toleration.value.key
            operator = toleration.value.operator
            value    = toleration.value.value
            effect   = toleration.value.effect
          }}
        }}
      }}
    }}
  }}
}}
""",
        }

    cell("for_each with dynamic toleration", d, dynamic, lambda k, v, one: f"{one},\n        ")

    d = draw("helm values list")

    def helm_list(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "helm_release" "{d.label(svc)}" {{
  name  = {d.name(svc)}
  chart = "oci://ghcr.io/acme/charts/worker"
  values = [yamlencode({{
    replicaCount = 2
    tolerations = [
      {add}{{ key = "spot", operator = "Exists", effect = "NoSchedule" }},
    ]
  }})]
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"helm.tf": "\n".join(blocks)}

    cell("helm_release values (list)", d, helm_list, lambda k, v, one: f"{one},\n      ")

    d = draw("helm values none")

    def helm_none(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "helm_release" "{d.label(svc)}" {{
  name  = {d.name(svc)}
  chart = "worker"
  values = [yamlencode({{
    replicaCount = 3
    nodeSelector = {{ "kubernetes.io/os" = "linux" }}
{add}  }})]
}}
'''
            for svc, add in ((d.other, ""), (d.svc, v))
        ]
        return {"helm.tf": "\n".join(blocks)}

    cell("helm_release values (none yet)", d, helm_none, lambda k, v, one: f"    tolerations = [{one}]\n")

    d = draw("manifest")

    def manifest(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_manifest" "{d.label(svc)}" {{
  manifest = {{
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata = {{
      name      = {d.name(svc)}
      namespace = "jobs"
    }}
    spec = {{
      replicas = 2
      template = {{
        metadata = {{ labels = {{ app = "{svc}" }} }}
        spec = {{
          containers = [{{ name = "{svc}", image = "ghcr.io/acme/{svc}:2.0.0" }}]
{add}        }}
      }}
    }}
  }}
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"manifests.tf": "\n".join(blocks)}

    cell("kubernetes_manifest", d, manifest, lambda k, v, one: f"          tolerations = [{one}]\n")

    d = draw("local module")

    def local_module(v: str, d: Draw = d) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "tolerations" {\n  type    = list(map(string))\n  default = []\n}\n\n'
            'resource "kubernetes_deployment_v1" "this" {\n  metadata {\n    name = var.name\n  }\n  spec {\n'
            "    template {\n      spec {\n        container {\n          name  = var.name\n"
            '          image = "ghcr.io/acme/${var.name}:1.0"\n        }\n        dynamic "toleration" {\n'
            "          for_each = var.tolerations\n          content {\n            key      = toleration.value.key\n"
            "            operator = toleration.value.operator\n            value    = toleration.value.value\n"
            "            effect   = toleration.value.effect\n          }\n        }\n      }\n    }\n  }\n}\n"
        )
        calls = [
            f'module "{svc}" {{\n  source      = "./modules/worker"\n  name        = {d.name(svc)}\n'
            f"  tolerations = [{add}]\n}}\n"
            for svc, add in ((d.other, ""), (d.svc, v))
        ]
        return {"modules/worker/main.tf": module, "workers.tf": "\n".join(calls)}

    cell("local module", d, local_module, lambda k, v, one: one)

    d = draw("cron job")

    def cron(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_cron_job_v1" "{d.label(svc)}" {{
  metadata {{
    name      = {d.name(svc)}
    namespace = "jobs"
  }}
  spec {{
    schedule = "0 3 * * *"
    job_template {{
      metadata {{}}
      spec {{
        backoff_limit = 2
        template {{
          metadata {{}}
          spec {{
            restart_policy = "OnFailure"
            container {{
              name  = "{svc}"
              image = "ghcr.io/acme/{svc}-batch:1.3.0"
            }}
{add}          }}
        }}
      }}
    }}
  }}
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"batch.tf": "\n".join(blocks)}

    cell("kubernetes_cron_job_v1", d, cron, block("            "))
    return out


def routing_cells(seed: int) -> list[Cell]:
    category = "routing_misconfig"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def labels(d: Draw) -> tuple[str, str]:
        """What the Service selects and what its pods are labelled since the refactor."""
        return d.pick((d.svc, f"{d.svc}-v2"), (f"{d.svc}-api", d.svc), (d.svc, f"{d.svc}-web"))

    def cell(style: str, d: Draw, render: Any, old: str, new: str, extra: dict[str, str] | None = None) -> None:
        details = {"selector": {"app": old, **(extra or {})}, "pod_labels": {"app": new, **(extra or {})}}
        out.append(_value_cell(category, style, d, render, f'"{old}"', f'"{new}"', details=details))

    def service(d: Draw, svc: str, selector: str, kind: str = "kubernetes_service_v1") -> str:
        return f'''resource "{kind}" "{d.label(svc)}" {{
  metadata {{
    name      = "{svc}"
    namespace = "shop"
  }}
  spec {{
    selector = {selector}
    port {{
      port        = 80
      target_port = 8080
    }}
  }}
}}
'''

    d = draw("plain")
    old, new = labels(d)

    def plain(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "services.tf": service(d, d.other, f'{{ app = "{d.other}" }}')
            + "\n"
            + service(d, d.svc, f"{{\n      app = {v}\n    }}")
        }

    cell("plain kubernetes", d, plain, old, new)

    d = draw("two keys")
    old, new = labels(d)

    def two(v: str, d: Draw = d) -> dict[str, str]:
        sel = f'{{\n      app  = {v}\n      tier = "web"\n    }}'
        return {
            "services.tf": service(d, d.svc, sel, "kubernetes_service")
            + "\n"
            + service(d, d.other, '{ app = "x", tier = "web" }', "kubernetes_service")
        }

    cell("kubernetes_service (two keys)", d, two, old, new, {"tier": "web"})

    d = draw("local labels")
    old, new = labels(d)

    def local(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "locals.tf": f'locals {{\n  {d.svc}_selector = {{\n    app = {v}\n  }}\n  {d.other}_selector = {{ app = "{d.other}" }}\n}}\n',
            "services.tf": service(d, d.svc, f"local.{d.svc}_selector")
            + "\n"
            + service(d, d.other, f"local.{d.other}_selector"),
        }

    cell("selector from a local", d, local, old, new)

    d = draw("for_each")
    old, new = labels(d)

    def each(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "locals.tf": f'locals {{\n  services = {{\n    {d.other} = {{ app = "{d.other}", port = 8080 }}\n    {d.svc} = {{ app = {v}, port = 3000 }}\n  }}\n}}\n',
            "services.tf": f"""resource "kubernetes_service_v1" "svc" {{
  for_each = local.services
  metadata {{
    name = {d.each_name()}
  }}
  spec {{
    selector = {{ app = each.value.app }}
    port {{
      port        = 80
      target_port = each.value.port
    }}
  }}
}}
""",
        }

    cell("for_each over locals", d, each, old, new)

    d = draw("tfvars")
    old, new = labels(d)
    var = f"{d.svc}_app_label"

    def tfvars(v: str, d: Draw = d, var: str = var) -> dict[str, str]:
        return {
            "variables.tf": f'variable "{var}" {{\n  type    = string\n  default = "{d.svc}"\n}}\n',
            "services.tf": service(d, d.svc, f"{{ app = var.{var} }}"),
            "envs/prod.tfvars": f"{var} = {v}\n",
            "envs/staging.tfvars": f'{var} = "{d.svc}-canary"\n',
        }

    cell("environment tfvars", d, tfvars, old, new)

    d = draw("manifest")
    old, new = labels(d)

    def manifest(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_manifest" "{d.label(svc)}_service" {{
  manifest = {{
    apiVersion = "v1"
    kind       = "Service"
    metadata   = {{ name = "{svc}", namespace = "shop" }}
    spec = {{
      selector = {{ app = {value} }}
      ports    = [{{ port = 80, targetPort = 8080 }}]
    }}
  }}
}}
'''
            for svc, value in ((d.svc, v), (d.other, f'"{d.other}"'))
        ]
        return {"manifests.tf": "\n".join(blocks)}

    cell("kubernetes_manifest", d, manifest, old, new)

    d = draw("local module")
    old, new = labels(d)

    def local_module(v: str, d: Draw = d) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "selector" {\n  type = map(string)\n}\n\n'
            'resource "kubernetes_service_v1" "this" {\n  metadata {\n    name = var.name\n  }\n  spec {\n'
            "    selector = var.selector\n    port {\n      port        = 80\n      target_port = 8080\n    }\n  }\n}\n"
        )
        calls = [
            f'module "{svc}_service" {{\n  source   = "./modules/service"\n  name     = "{svc}"\n  selector = {{ app = {value} }}\n}}\n'
            for svc, value in ((d.other, f'"{d.other}"'), (d.svc, v))
        ]
        return {"modules/service/main.tf": module, "services.tf": "\n".join(calls)}

    cell("local module", d, local_module, old, new)
    return out + _target_port_cells(seed)


def _target_port_cells(seed: int) -> list[Cell]:
    category = "routing_misconfig"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, bad: int, good: int) -> None:
        details = {"target_port": bad, "container_port": good}
        out.append(_value_cell(category, f"target port: {style}", d, render, str(bad), str(good), details=details))

    def ports(d: Draw) -> tuple[int, int]:
        return d.pick((8080, 3000), (80, 8000), (5000, 8080), (9000, 9090))

    d = draw("plain")
    bad, good = ports(d)

    def plain(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_service_v1" "{d.label(svc)}" {{
  metadata {{
    name = {d.name(svc)}
  }}
  spec {{
    selector = {{ app = "{svc}" }}
    port {{
      name        = "http"
      port        = 80
      target_port = {value}
    }}
    port {{
      name        = "metrics"
      port        = 9464
      target_port = 9464
    }}
  }}
}}
'''
            for svc, value in ((d.other, "8080"), (d.svc, v))
        ]
        return {"services.tf": "\n".join(blocks)}

    cell("plain kubernetes", d, plain, bad, good)

    d = draw("for_each")
    bad, good = ports(d)

    def each(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "locals.tf": f"locals {{\n  services = {{\n    {d.svc} = {{ target = {v} }}\n    {d.other} = {{ target = 8080 }}\n  }}\n}}\n",
            "services.tf": f"""resource "kubernetes_service_v1" "svc" {{
  for_each = local.services
  metadata {{
    name = {d.each_name()}
  }}
  spec {{
    selector = {{ app = each.key }}
    port {{
      port        = 80
      target_port = each.value.target
    }}
  }}
}}
""",
        }

    cell("for_each over locals", d, each, bad, good)

    d = draw("manifest")
    bad, good = ports(d)

    def manifest(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "manifests.tf": f'''resource "kubernetes_manifest" "{d.label(d.svc)}_service" {{
  manifest = {{
    apiVersion = "v1"
    kind       = "Service"
    metadata   = {{ name = "{d.svc}", namespace = "shop" }}
    spec = {{
      selector = {{ app = "{d.svc}" }}
      ports    = [{{ name = "http", port = 80, targetPort = {v} }}]
    }}
  }}
}}
'''
        }

    cell("kubernetes_manifest", d, manifest, bad, good)

    d = draw("tfvars")
    bad, good = ports(d)
    var = f"{d.svc}_target_port"

    def tfvars(v: str, d: Draw = d, var: str = var) -> dict[str, str]:
        return {
            "variables.tf": f'variable "{var}" {{\n  type    = number\n  default = 8080\n}}\n',
            "services.tf": f'resource "kubernetes_service_v1" "{d.label(d.svc)}" {{\n  metadata {{\n    name = {d.name(d.svc)}\n  }}\n'
            f'  spec {{\n    selector = {{ app = "{d.svc}" }}\n    port {{\n      port        = 80\n      target_port = var.{var}\n    }}\n  }}\n}}\n',
            "envs/prod.tfvars": f"{var} = {v}\n",
            "envs/staging.tfvars": f"{var} = 8081\n",
        }

    cell("environment tfvars", d, tfvars, bad, good)

    d = draw("local module")
    bad, good = ports(d)

    def local_module(v: str, d: Draw = d) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "target_port" {\n  type = number\n}\n\n'
            'resource "kubernetes_service_v1" "this" {\n  metadata {\n    name = var.name\n  }\n  spec {\n'
            "    selector = { app = var.name }\n    port {\n      port        = 80\n      target_port = var.target_port\n"
            "    }\n  }\n}\n"
        )
        calls = [
            f'module "{svc}_service" {{\n  source      = "./modules/service"\n  name        = "{svc}"\n  target_port = {value}\n}}\n'
            for svc, value in ((d.svc, v), (d.other, "8080"))
        ]
        return {"modules/service/main.tf": module, "services.tf": "\n".join(calls)}

    cell("local module", d, local_module, bad, good)

    d = draw("dynamic port")
    bad, good = ports(d)

    def dynamic(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "locals.tf": f"""locals {{
  {d.svc}_ports = [
    {{ name = "http", port = 80, target = {v} }},
    {{ name = "metrics", port = 9464, target = 9464 }},
  ]
}}
""",
            "services.tf": f'''resource "kubernetes_service_v1" "{d.label(d.svc)}" {{
  metadata {{
    name = {d.name(d.svc)}
  }}
  spec {{
    selector = {{ app = "{d.svc}" }}
    dynamic "port" {{
      for_each = local.{d.svc}_ports
      content {{
        name        = port.value.name
        port        = port.value.port
        target_port = port.value.target
      }}
    }}
  }}
}}
''',
        }

    cell("dynamic port over a local list", d, dynamic, bad, good)
    return out


CA = """resource "tls_private_key" "ca" {
  algorithm = "ECDSA"
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 87600
  allowed_uses          = ["cert_signing", "crl_signing"]
  subject {
    common_name = "acme internal CA"
  }
}
"""


def certificate_cells(seed: int) -> list[Cell]:
    category = "certificate_expired"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, old: str, new: str) -> None:
        details = {"host": f"{d.svc}.internal"}
        out.append(_value_cell(category, style, d, render, old, new, details=details))

    def leaf(svc: str, label: str, validity: str, extra: str = "", subject: bool = True) -> str:
        named = (
            f'  subject {{\n    common_name = "{svc}.internal"\n  }}\n'
            if subject
            else '  subject {\n    organization = "Acme"\n  }\n'
        )
        return f'''resource "tls_private_key" "{label}" {{
  algorithm = "ECDSA"
}}

resource "tls_cert_request" "{label}" {{
  private_key_pem = tls_private_key.{label}.private_key_pem
  dns_names       = ["{svc}.internal", "{svc}.shop.svc.cluster.local"]
{named}}}

resource "tls_locally_signed_cert" "{label}" {{
  cert_request_pem      = tls_cert_request.{label}.cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = {validity}
  allowed_uses          = ["server_auth", "digital_signature"]
{extra}}}
'''

    d = draw("locally signed")
    hours = d.pick(720, 2160, 8760)

    def signed(v: str, d: Draw = d, hours: int = hours) -> dict[str, str]:
        return {
            "pki.tf": CA + "\n" + leaf(d.svc, d.label(d.svc), str(hours), v) + "\n" + leaf(d.other, d.other, "8760")
        }

    cell("locally signed", d, signed, "", f"  early_renewal_hours = {hours // 4}\n")

    d = draw("self-signed")
    hours = d.pick(720, 2160, 8760)

    def self_signed(v: str, d: Draw = d, hours: int = hours) -> dict[str, str]:
        blocks = [
            f'''resource "tls_private_key" "{svc}" {{
  algorithm = "RSA"
  rsa_bits  = 2048
}}

resource "tls_self_signed_cert" "{d.label(svc)}" {{
  private_key_pem       = tls_private_key.{svc}.private_key_pem
  validity_period_hours = {h}
  allowed_uses          = ["server_auth"]
  dns_names             = ["{svc}.internal"]
  subject {{
    common_name = "{svc}.internal"
  }}
{add}}}
'''
            for svc, h, add in ((d.other, 8760, ""), (d.svc, hours, v))
        ]
        return {"certs.tf": "\n".join(blocks)}

    cell("self-signed", d, self_signed, "", f"  early_renewal_hours = {hours // 4}\n")

    d = draw("for_each")

    def each(v: str, d: Draw = d) -> dict[str, str]:
        lbl = ("service", "internal", "mtls")[d.spell % 3]
        return {
            "locals.tf": f"locals {{\n  certificates = {{\n    {d.svc} = {{ validity = 2160, renew_before = {v} }}\n    {d.other} = {{ validity = 8760, renew_before = 720 }}\n  }}\n}}\n",
            "pki.tf": CA
            + f"""
resource "tls_private_key" "{lbl}" {{
  for_each  = local.certificates
  algorithm = "ECDSA"
}}

resource "tls_cert_request" "{lbl}" {{
  for_each        = local.certificates
  private_key_pem = tls_private_key.{lbl}[each.key].private_key_pem
  subject {{
    common_name = "${{each.key}}.internal"
  }}
}}

resource "tls_locally_signed_cert" "{lbl}" {{
  for_each              = local.certificates
  cert_request_pem      = tls_cert_request.{lbl}[each.key].cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = each.value.validity
  early_renewal_hours   = each.value.renew_before
  allowed_uses          = ["server_auth"]
}}
""",
        }

    cell("for_each over locals", d, each, "0", "540")

    d = draw("tls secret")

    def secret(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [CA]
        for svc, label, add in ((d.svc, "server_a", v), (d.other, "server_b", "")):
            blocks.append(leaf(svc, label, "720", add, subject=False))
            blocks.append(f'''resource "kubernetes_secret_v1" "{d.label(svc)}_tls" {{
  metadata {{
    name      = "{svc}-tls"
    namespace = "shop"
  }}
  type = "kubernetes.io/tls"
  data = {{
    "tls.crt" = tls_locally_signed_cert.{label}.cert_pem
    "tls.key" = tls_private_key.{label}.private_key_pem
  }}
}}
''')
        return {"pki.tf": "\n".join(blocks)}

    cell("through the TLS secret", d, secret, "", "  early_renewal_hours = 180\n")

    d = draw("local module")

    def local_module(v: str, d: Draw = d) -> dict[str, str]:
        module = (
            'variable "common_name" {}\nvariable "validity_period_hours" {\n  default = 8760\n}\n'
            'variable "early_renewal_hours" {\n  default = 0\n}\n\nresource "tls_private_key" "this" {\n'
            '  algorithm = "ECDSA"\n}\n\nresource "tls_self_signed_cert" "this" {\n'
            "  private_key_pem       = tls_private_key.this.private_key_pem\n"
            "  validity_period_hours = var.validity_period_hours\n  early_renewal_hours   = var.early_renewal_hours\n"
            '  allowed_uses          = ["server_auth"]\n  subject {\n    common_name = var.common_name\n  }\n}\n'
        )
        calls = [
            f'module "{svc}_cert" {{\n  source                = "./modules/cert"\n  common_name           = "{svc}.internal"\n'
            f"  validity_period_hours = 4380\n  early_renewal_hours   = {value}\n}}\n"
            for svc, value in ((d.other, "720"), (d.svc, v))
        ]
        return {"modules/cert/main.tf": module, "certs.tf": "\n".join(calls)}

    cell("local module", d, local_module, "0", "1095")

    d = draw("tfvars")

    def tfvars(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "pki.tf": CA + "\n" + leaf(d.svc, d.label(d.svc), "var.cert_validity_hours", v),
            "variables.tf": 'variable "cert_validity_hours" {\n  type    = number\n  default = 8760\n}\n',
            "envs/prod.tfvars": "cert_validity_hours = 2160\n",
            "envs/staging.tfvars": "cert_validity_hours = 168\n",
        }

    cell("validity from environment tfvars", d, tfvars, "", "  early_renewal_hours = 540\n")
    return out


def _registry_secret(label: str, host: str, namespace: str = "apps") -> str:
    return f'''resource "kubernetes_secret_v1" "{label}" {{
  metadata {{
    name      = "{label.replace("_", "-")}"
    namespace = "{namespace}"
  }}
  type = "kubernetes.io/dockerconfigjson"
  data = {{
    ".dockerconfigjson" = jsonencode({{
      auths = {{
        "{host}" = {{ auth = base64encode("ci:${{var.registry_token}}") }}
      }}
    }})
  }}
}}
'''


def pull_secret_cells(seed: int) -> list[Cell]:
    category = "image_pull_failure"
    draw = partial(Draw.of, seed, category)
    out: list[Cell] = []

    def cell(style: str, d: Draw, render: Any, new: str, host: str = "ghcr.io") -> None:
        details = {"registry_auth": True, "bad_image": f"{host}/acme/{d.svc}:2.0.1"}
        out.append(_value_cell(category, f"pull secret: {style}", d, render, "", new, details=details))

    def deployment(d: Draw, svc: str, host: str, extra: str = "") -> str:
        return f'''resource "kubernetes_deployment_v1" "{d.label(svc)}" {{
  metadata {{
    name      = {d.name(svc)}
    namespace = "apps"
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = "{svc}"
          image = "{host}/acme/{svc}:2.0.1"
        }}
{extra}      }}
    }}
  }}
}}
'''

    d = draw("plain")

    def plain(v: str, d: Draw = d) -> dict[str, str]:
        return {
            "registry.tf": _registry_secret("ghcr_pull", "ghcr.io"),
            "apps.tf": deployment(d, d.svc, "ghcr.io", v) + "\n" + deployment(d, d.other, "ghcr.io"),
        }

    cell(
        "plain kubernetes",
        d,
        plain,
        "        image_pull_secrets {\n          name = kubernetes_secret_v1.ghcr_pull.metadata[0].name\n        }\n",
    )

    d = draw("two registries")

    def two(v: str, d: Draw = d) -> dict[str, str]:
        ghcr = "        image_pull_secrets {\n          name = kubernetes_secret_v1.ghcr_pull.metadata[0].name\n        }\n"
        secrets = (
            _registry_secret("ghcr_pull", "ghcr.io") + "\n" + _registry_secret("gitlab_pull", "registry.gitlab.com")
        )
        return {"registry.tf": secrets, "apps.tf": deployment(d, d.svc, "registry.gitlab.com", ghcr + v)}

    cell(
        "two registries",
        d,
        two,
        "        image_pull_secrets {\n          name = kubernetes_secret_v1.gitlab_pull.metadata[0].name\n        }\n",
        "registry.gitlab.com",
    )

    d = draw("helm list")

    def helm_list(v: str, d: Draw = d) -> dict[str, str]:
        blocks = [
            f'''resource "helm_release" "{d.label(svc)}" {{
  name      = {d.name(svc)}
  namespace = "apps"
  chart     = "oci://ghcr.io/acme/charts/service"
  values = [yamlencode({{
    image            = {{ repository = "ghcr.io/acme/{svc}", tag = "2.0.1" }}
    imagePullSecrets = [{add}{{ name = "legacy-dockerhub" }}]
  }})]
}}
'''
            for svc, add in ((d.svc, v), (d.other, ""))
        ]
        return {"registry.tf": _registry_secret("ghcr_pull", "ghcr.io"), "helm.tf": "\n".join(blocks)}

    cell("helm_release values", d, helm_list, "{ name = kubernetes_secret_v1.ghcr_pull.metadata[0].name }, ")

    d = draw("helm none")

    def helm_none(v: str, d: Draw = d) -> dict[str, str]:
        block = f'''resource "helm_release" "{d.label(d.svc)}" {{
  name      = {d.name(d.svc)}
  namespace = "apps"
  chart     = "service"
  values = [yamlencode({{
    image = {{ repository = "ghcr.io/acme/{d.svc}", tag = "2.0.1" }}
{v}  }})]
}}
'''
        return {"registry.tf": _registry_secret("ghcr_pull", "ghcr.io"), "helm.tf": block}

    cell(
        "helm_release values (none yet)",
        d,
        helm_none,
        "    imagePullSecrets = [{ name = kubernetes_secret_v1.ghcr_pull.metadata[0].name }]\n",
    )

    d = draw("manifest")

    def manifest(v: str, d: Draw = d) -> dict[str, str]:
        block = f'''resource "kubernetes_manifest" "{d.label(d.svc)}" {{
  manifest = {{
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = {{ name = {d.name(d.svc)}, namespace = "apps" }}
    spec = {{
      template = {{
        spec = {{
          containers = [{{ name = "{d.svc}", image = "ghcr.io/acme/{d.svc}:2.0.1" }}]
{v}        }}
      }}
    }}
  }}
}}
'''
        return {"registry.tf": _registry_secret("ghcr_pull", "ghcr.io"), "manifests.tf": block}

    cell(
        "kubernetes_manifest",
        d,
        manifest,
        "          imagePullSecrets = [{ name = kubernetes_secret_v1.ghcr_pull.metadata[0].name }]\n",
    )
    return out


def renamed_input_cells(seed: int) -> list[Cell]:
    """Local modules whose inputs are not named like the attribute they set (`max_node_count = var.max_nodes`):
    the change goes into the call's input, found through the module's own code."""
    out: list[Cell] = []

    def cell(category: str, module: str, call: str, old: str, new: str, other: str) -> None:
        d = Draw.of(seed, category, "renamed module input")

        def render(v: str, d: Draw = d) -> dict[str, str]:
            calls = [
                call.format(svc=svc, name=d.name(svc), value=value) for svc, value in ((d.other, other), (d.svc, v))
            ]
            return {"modules/unit/main.tf": module, "main.tf": "\n".join(calls)}

        out.append(_value_cell(category, "local module, input renamed", d, render, old, new))

    cell("capacity_limit",
         'variable "name" {}\nvariable "max_nodes" {\n  type = number\n}\n\nresource "google_container_node_pool" "this" {\n'
         '  name    = var.name\n  cluster = "prod"\n  autoscaling {\n    min_node_count = 1\n    max_node_count = var.max_nodes\n'
         '  }\n}\n',
         'module "{svc}_pool" {{\n  source    = "./modules/unit"\n  name      = {name}\n  max_nodes = {value}\n}}\n',
         "5", "10", "8")  # fmt: skip
    cell("timeout",
         'variable "name" {}\nvariable "timeout_seconds" {\n  default = 30\n}\n\nresource "aws_lambda_function" "this" {\n'
         '  function_name = var.name\n  role          = "arn:aws:iam::123456789012:role/fn"\n  runtime       = "python3.12"\n'
         '  handler       = "app.handler"\n  timeout       = var.timeout_seconds\n}\n',
         'module "{svc}" {{\n  source          = "./modules/unit"\n  name            = {name}\n  timeout_seconds = {value}\n}}\n',
         "60", "120", "15")  # fmt: skip
    cell("memory_exhaustion",
         'variable "name" {}\nvariable "memory_mb" {\n  default = 512\n}\n\nresource "aws_ecs_task_definition" "this" {\n'
         '  family                   = var.name\n  requires_compatibilities = ["EC2"]\n  memory                   = var.memory_mb\n'
         '  container_definitions    = "[]"\n}\n',
         'module "{svc}" {{\n  source    = "./modules/unit"\n  name      = {name}\n  memory_mb = {value}\n}}\n',
         "1024", "2048", "4096")  # fmt: skip
    return out


def dynamic_parameter_cells(seed: int) -> list[Cell]:
    """A parameter group whose parameters are a `dynamic "parameter"` over a map in locals: the map's entry changes."""
    d = Draw.of(seed, "db_connection_exhaustion", "dynamic parameter")

    def render(v: str, d: Draw = d) -> dict[str, str]:
        maps = "".join(f'  {svc}_params = {{\n    log_min_duration_statement = "500"\n    max_connections            = {value}\n  }}\n'
                       for svc, value in ((d.svc, v), (d.other, '"300"')))  # fmt: skip
        groups = "\n".join(f'''resource "aws_db_parameter_group" "{svc}" {{
  name   = "{svc}-pg16"
  family = "postgres16"
  dynamic "parameter" {{
    for_each = local.{svc}_params
    content {{
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }}
  }}
}}

resource "aws_db_instance" "{svc}" {{
  identifier           = {d.name(svc)}
  engine               = "postgres"
  parameter_group_name = aws_db_parameter_group.{svc}.name
}}
''' for svc in (d.svc, d.other))  # fmt: skip
        return {"locals.tf": f"locals {{\n{maps}}}\n", "db.tf": groups}

    return [_value_cell("db_connection_exhaustion", "dynamic parameter over a locals map", d, render, '"200"', '"400"')]


def template_variable_cells(seed: int) -> list[Cell]:
    """Helm values from `templatefile()` whose limit is a variable the call passes: the call's value changes."""
    out = []
    for category, key, old, new, other in (("memory_exhaustion", "memory", '"640Mi"', '"1280Mi"', '"2Gi"'),
                                           ("cpu_saturation", "cpu", '"400m"', '"800m"', '"2"')):  # fmt: skip
        d = Draw.of(seed, category, "helm template variable")

        def render(v: str, d: Draw = d, key: str = key, other: str = other) -> dict[str, str]:
            files, blocks = {}, []
            for svc, value in ((d.svc, v), (d.other, other)):
                files[f"values/{svc}.yaml.tpl"] = (f"image:\n  repository: ghcr.io/acme/{svc}\n  tag: ${{tag}}\n"
                                                   f"resources:\n  limits:\n    {key}: ${{{key}_limit}}\n")  # fmt: skip
                blocks.append(
                    f'resource "helm_release" "{d.label(svc)}" {{\n  name  = {d.name(svc)}\n  chart = "service"\n'
                    f'  values = [templatefile("${{path.module}}/values/{svc}.yaml.tpl", {{\n    tag          = "4.1.0"\n'
                    f"    {key}_limit = {value}\n  }})]\n}}\n"
                )
            files["helm.tf"] = "\n".join(blocks)
            return files

        out.append(_value_cell(category, "helm_release templatefile variable", d, render, old, new))
    return out


ADDITIVE = (
    template_variable_cells,
    dynamic_parameter_cells,
    renamed_input_cells,
    pull_secret_cells,
    crash_loop_cells,
    permission_cells,
    network_cells,
    scheduling_cells,
    routing_cells,
    certificate_cells,
)
