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

    cell("for_each, dynamic env", d, dynamic, f"        {s} = var.{s.lower()}\n", s)

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


ADDITIVE = (crash_loop_cells,)
