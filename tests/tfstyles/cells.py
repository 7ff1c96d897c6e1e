"""The Terraform style matrix: for each fix category, the same infrastructure written the ways teams write it.

Every cell is drawn from its own `random.Random(f"{seed}:{category}:{style}")`: the service names, how the
Terraform names them (literal, `prod-` prefixed, `-svc` suffixed, interpolated from a local or a variable), the
block labels and the values vary, and a second, unrelated service always sits beside the failing one (in the same
file, map or list) so an edit to the wrong entry shows. A cell knows the exact new files the fix must produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

SERVICES = (
    "checkout",
    "payments",
    "ledger",
    "orders",
    "search",
    "billing",
    "invoices",
    "catalog",
    "profile",
    "pricing",
)
PREAMBLE = """terraform {
  required_version = ">= 1.5"
}

locals {
  env    = "prod"
  region = "eu-west-1"
  common_tags = {
    team       = "platform"
    managed_by = "terraform"
  }
}

variable "environment" {
  type    = string
  default = "prod"
}
"""


@dataclass
class Cell:
    category: str
    style: str
    resource: str  # what telemetry calls the failing thing
    files: dict[str, str]
    want: dict[str, str]  # the exact files (those changed) the fix must produce
    details: dict[str, Any] = field(default_factory=dict)
    environment: str | None = "prod"

    @property
    def id(self) -> str:
        return f"{self.category}/{self.style}"


class Draw:
    """The names one cell uses: the failing service, its neighbour, and how Terraform spells each."""

    @classmethod
    def of(cls, seed: int, category: str, style: str) -> Draw:
        """The draw of one cell: its own generator, so adding a cell changes no other."""
        return cls(random.Random(f"{seed}:{category}:{style}"))

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.svc, self.other = rng.sample(SERVICES, 2)
        self.spell = rng.randrange(5)
        self.suffix = rng.choice(["", "_service", "_app"])

    def name(self, svc: str) -> str:
        """How a plain block names `svc` (an HCL expression)."""
        return [
            f'"{svc}"',
            f'"prod-{svc}"',
            f'"${{local.env}}-{svc}"',
            f'"{svc}-svc"',
            f'"${{var.environment}}-{svc}"',
        ][self.spell]

    def each_name(self) -> str:
        return ["each.key", '"prod-${each.key}"', '"${local.env}-${each.key}"', '"${each.key}-svc"', "each.key"][
            self.spell
        ]

    def label(self, svc: str) -> str:
        return f"{svc}{self.suffix}".replace("-", "_")

    def pick(self, *values: Any) -> Any:
        return self.rng.choice(values)


Render = Callable[[str], dict[str, str]]  # the target literal → the files


def _value_cell(category: str, style: str, d: Draw, render: Render, old: str, new: str, **kw: Any) -> Cell:
    files = render(old)
    files.setdefault("versions.tf", PREAMBLE)
    want = render(new)
    want.setdefault("versions.tf", PREAMBLE)
    return Cell(category, style, d.svc, files, want={p: t for p, t in want.items() if files.get(p) != t}, **kw)


# -- workloads: memory and CPU ----------------------------------------------------------------------------------


def _k8s(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        blocks = []
        for svc, value in ((d.svc, v), (d.other, other)):
            blocks.append(f'''resource "kubernetes_deployment_v1" "{d.label(svc) if svc == d.svc else svc}" {{
  metadata {{
    name      = {d.name(svc)}
    namespace = "apps"
    labels = {{
      "app.kubernetes.io/name" = "{svc}"
    }}
  }}
  spec {{
    replicas = 3
    selector {{
      match_labels = {{ app = "{svc}" }}
    }}
    template {{
      metadata {{
        labels = {{ app = "{svc}" }}
      }}
      spec {{
        container {{
          name  = "{svc}"
          image = "registry.example.com/{svc}:1.4.2"
          resources {{
            requests = {{ {key} = {other} }}
            limits = {{
              {key} = {value}
            }}
          }}
        }}
      }}
    }}
  }}
}}
''')
        return {"k8s.tf": "\n".join(blocks)}

    return render


def _ecs_plain(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''resource "aws_ecs_task_definition" "{svc}" {{
  family                   = {d.name(svc)}
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = {value if key == "cpu" else '"1024"'}
  memory                   = {value if key == "memory" else '"2048"'}
  container_definitions = jsonencode([
    {{
      name      = "{svc}"
      image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{svc}:2.1.0"
      essential = true
      {key} = {value.strip('"')}
    }}
  ])
}}
''')
        return {"ecs.tf": "\n".join(out)}

    return render


def _ecs_for_each(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        return {
            "locals.tf": f'''locals {{
  services = {{
    {d.svc} = {{ {key} = {v}, image = "{d.svc}:3.0.1" }}
    {d.other} = {{
      {key} = {other}
      image = "{d.other}:1.0.0"
    }}
  }}
}}
''',
            "ecs.tf": f"""resource "aws_ecs_task_definition" "svc" {{
  for_each                 = local.services
  family                   = {d.each_name()}
  requires_compatibilities = ["FARGATE"]
  {key} = each.value.{key}
  {"memory" if key == "cpu" else "cpu"} = 4096
  container_definitions = jsonencode([{{
    name  = each.key
    image = each.value.image
  }}])
}}
""",
        }

    return render


def _fargate(d: Draw, key: str) -> Render:
    """A Fargate task at the edge of its size: 256 CPU takes at most 2 GiB, and 512 CPU at least 1 GiB, so doubling
    one side must raise the other (the container's own limit follows the task's)."""

    def render(v: str) -> dict[str, str]:
        doubled = v in ('"4096"', '"512"')
        cpu = v if key == "cpu" else ('"512"' if doubled else '"256"')
        memory = v if key == "memory" else ('"1024"' if doubled else '"512"')
        return {
            "ecs.tf": f'''resource "aws_ecs_task_definition" "{d.label(d.svc)}" {{
  family                   = {d.name(d.svc)}
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = {cpu}
  memory                   = {memory}
  container_definitions = jsonencode([
    {{
      name   = "{d.svc}"
      image  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{d.svc}:1.0.0"
      {key} = {v.strip('"')}
    }}
  ])
}}
'''
        }

    return render


def _manifest(d: Draw, key: str) -> Render:
    request, sidecar = ('"1Gi"', '"256Mi"') if key == "memory" else ('"500m"', '"200m"')

    def render(v: str) -> dict[str, str]:
        blocks = [
            f'''resource "kubernetes_manifest" "{d.label(svc)}" {{
  manifest = {{
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = {{ name = {d.name(svc)}, namespace = "apps" }}
    spec = {{
      replicas = 2
      template = {{
        spec = {{
          containers = [
            {{
              name      = "{svc}"
              image     = "ghcr.io/acme/{svc}:3.1.0"
              resources = {{ requests = {{ {key} = {request} }}, limits = {{ {key} = {value} }} }}
            }},
            {{ name = "istio-proxy", image = "istio/proxyv2:1.22.0", resources = {{ limits = {{ {key} = {sidecar} }} }} }},
          ]
        }}
      }}
    }}
  }}
}}
'''
            for svc, value in ((d.svc, v), (d.other, '"2Gi"'))
        ]
        return {"manifests.tf": "\n".join(blocks)}

    return render


def values_file(d: Draw, svc: str) -> tuple[str, str]:
    """How a release reads its values file (the expression) and where that file is (relative to terraform/)."""
    return d.pick(
        (f'file("${{path.module}}/values/{svc}.yaml")', f"values/{svc}.yaml"),
        (f'templatefile("${{path.module}}/helm/{svc}-values.yml", {{ env = local.env }})', f"helm/{svc}-values.yml"),
        (f'file("charts/{svc}/values-prod.yaml")', f"charts/{svc}/values-prod.yaml"),
    )


def _helm_file(d: Draw, key: str, other: str) -> Render:
    """Helm values in a YAML file the release reads with file() or templatefile()."""
    reads = {svc: values_file(d, svc) for svc in (d.svc, d.other)}

    def render(v: str) -> dict[str, str]:
        files = {}
        blocks = []
        for svc, value in ((d.svc, v), (d.other, other)):
            expr, rel = reads[svc]
            blocks.append(
                f'resource "helm_release" "{d.label(svc)}" {{\n  name   = {d.name(svc)}\n  chart  = "service"\n'
                f"  values = [{expr}]\n}}\n"
            )
            request = "250m" if key == "cpu" else "256Mi"
            files[rel] = (
                f"# {svc}: production values\nreplicaCount: 3\nimage:\n  repository: ghcr.io/acme/{svc}\n"
                f'  tag: "1.4.2"\nresources:\n  requests:\n    {key}: {request}\n  limits:\n    {key}: {value}\n'
                "podAnnotations:\n  prometheus.io/scrape: 'true'\n"
            )
        files["helm.tf"] = "\n".join(blocks)
        return files

    return render


def _k8s_count(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        return {
            "apps.tf": f'''locals {{
  apps = [
    {{ name = "{d.other}", {key} = {other} }},
    {{ name = "{d.svc}", {key} = {v} }},
  ]
}}

resource "kubernetes_deployment_v1" "app" {{
  count = length(local.apps)
  metadata {{
    name = local.apps[count.index].name
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = local.apps[count.index].name
          image = "ghcr.io/acme/${{local.apps[count.index].name}}:1.0"
          resources {{
            limits = {{
              {key} = local.apps[count.index].{key}
            }}
          }}
        }}
      }}
    }}
  }}
}}
''',
        }

    return render


def _tfvars(d: Draw, key: str, staging: str, default: str) -> Render:
    var = f"{d.svc}_{key}"
    use = f'''resource "aws_ecs_task_definition" "{d.label(d.svc)}" {{
  family                   = {d.name(d.svc)}
  requires_compatibilities = ["FARGATE"]
  {key} = var.{var}
  {"memory" if key == "cpu" else "cpu"} = 4096
  container_definitions    = file("${{path.module}}/containers/{d.svc}.json")
}}
'''

    def render(v: str) -> dict[str, str]:
        return {
            "variables.tf": f'variable "{var}" {{\n  type    = string\n  default = {default}\n}}\n',
            "main.tf": use,
            "envs/prod.tfvars": f"{var} = {v}\nreplicas = 6\n",
            "envs/staging.tfvars": f"{var} = {staging}\nreplicas = 2\n",
        }

    return render


def _local_module(d: Draw, key: str, other: str) -> Render:
    module = f'''variable "name" {{
  type = string
}}

variable "{key}" {{
  type    = number
  default = 1024
}}

resource "aws_ecs_task_definition" "this" {{
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  {key} = var.{key}
  container_definitions    = "[]"
}}

resource "aws_ecs_service" "this" {{
  name            = var.name
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2
}}
'''

    def render(v: str) -> dict[str, str]:
        calls = []
        for svc, value in ((d.svc, v), (d.other, other)):
            calls.append(f'''module "{svc}" {{
  source = "./modules/service"
  name   = {d.name(svc)}
  {key} = {value}
}}
''')
        return {"modules/service/main.tf": module, "services.tf": "\n".join(calls)}

    return render


def _helm_set(d: Draw, key: str, other: str, path: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''resource "helm_release" "{svc}" {{
  name       = {d.name(svc)}
  repository = "https://charts.example.com"
  chart      = "service"
  version    = "2.3.1"
  namespace  = "apps"

  set {{
    name  = "image.tag"
    value = "4.0.0"
  }}
  set {{
    name  = "{path}"
    value = {value}
  }}
}}
''')
        return {"helm.tf": "\n".join(out)}

    return render


def _helm_values(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''resource "helm_release" "{svc}" {{
  name      = {d.name(svc)}
  chart     = "oci://ghcr.io/acme/charts/service"
  namespace = "apps"
  values = [yamlencode({{
    replicaCount = 3
    resources = {{
      requests = {{ {key} = "100m" }}
      limits   = {{ {key} = {value} }}
    }}
  }})]
}}
''')
        return {"helm.tf": "\n".join(out)}

    return render


def _lambda_module(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''module "{svc}_fn" {{
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = {d.name(svc)}
  handler       = "app.handler"
  runtime       = "python3.12"
  {key} = {value}
  tags = local.common_tags
}}
''')
        return {"lambda.tf": "\n".join(out)}

    return render


def _ecs_module(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''module "{svc}" {{
  source  = "terraform-aws-modules/ecs/aws//modules/service"
  version = "~> 5.11"

  name        = {d.name(svc)}
  cluster_arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"
  {key} = {value}

  container_definitions = {{
    {svc} = {{
      essential = true
      image     = "public.ecr.aws/acme/{svc}:1.9.0"
      {key} = {value}
    }}
  }}
}}
''')
        return {"ecs.tf": "\n".join(out)}

    return render


def _cloud_run(d: Draw, key: str, other: str) -> Render:
    def render(v: str) -> dict[str, str]:
        out = []
        for svc, value in ((d.svc, v), (d.other, other)):
            out.append(f'''resource "google_cloud_run_v2_service" "{svc}" {{
  name     = {d.name(svc)}
  location = "europe-west1"
  template {{
    containers {{
      image = "europe-docker.pkg.dev/acme/apps/{svc}:7.1.0"
      resources {{
        limits = {{
          cpu    = {value if key == "cpu" else '"2"'}
          memory = {value if key == "memory" else '"1Gi"'}
        }}
      }}
    }}
  }}
}}
''')
        return {"run.tf": "\n".join(out)}

    return render


def _workload_cells(category: str, key: str, seed: int) -> list[Cell]:
    draw = partial(Draw.of, seed, category)

    mem = key == "memory"
    cells = []
    d = draw("kubernetes_deployment_v1")
    old, other = ('"512Mi"', '"1Gi"') if mem else ('"500m"', '"1"')
    new = '"1024Mi"' if mem else '"1000m"'
    cells.append(_value_cell(category, "plain kubernetes", d, _k8s(d, key, other), old, new))
    d = draw("ecs")
    old, new, other = ('"1024"', '"2048"', '"4096"') if mem else ('"512"', '"1024"', '"2048"')
    cells.append(_value_cell(category, "plain ECS", d, _ecs_plain(d, key, other), old, new))
    d = draw("fargate size")
    cells.append(
        _value_cell(
            category, "Fargate task size", d, _fargate(d, key), *(('"2048"', '"4096"') if mem else ('"256"', '"512"'))
        )
    )
    d = draw("for_each")
    old, new = ("1024", "2048") if mem else ("512", "1024")
    cells.append(_value_cell(category, "for_each over locals", d, _ecs_for_each(d, key, "4096"), old, new))
    d = draw("count")
    old, new = ('"768Mi"', '"1536Mi"') if mem else ('"250m"', '"500m"')
    cells.append(_value_cell(category, "count over a list", d, _k8s_count(d, key, '"2Gi"' if mem else '"2"'), old, new))
    d = draw("tfvars")
    old, new = ('"1536"', '"3072"') if mem else ('"1024"', '"2048"')
    r = _tfvars(d, key, '"512"', '"256"')
    cells.append(_value_cell(category, "environment tfvars", d, r, old, new))
    d = draw("local module")
    old, new = ("2048", "4096") if mem else ("1024", "2048")
    cells.append(_value_cell(category, "local module", d, _local_module(d, key, "512"), old, new))
    d = draw("registry module")
    if mem:
        cells.append(
            _value_cell(
                category, "registry module (lambda)", d, _lambda_module(d, "memory_size", "256"), "1024", "2048"
            )
        )
    else:
        cells.append(_value_cell(category, "registry module (ecs)", d, _ecs_module(d, "cpu", "256"), "512", "1024"))
    d = draw("helm set")
    old, new = ('"384Mi"', '"768Mi"') if mem else ('"300m"', '"600m"')
    path = f"resources.limits.{key}"
    cells.append(_value_cell(category, "helm_release set", d, _helm_set(d, key, '"2Gi"', path), old, new))
    d = draw("helm values")
    old, new = ('"640Mi"', '"1280Mi"') if mem else ('"400m"', '"800m"')
    cells.append(_value_cell(category, "helm_release values", d, _helm_values(d, key, '"3Gi"'), old, new))
    d = draw("manifest")
    old, new = ('"1536Mi"', '"3072Mi"') if mem else ('"750m"', '"1500m"')
    cells.append(_value_cell(category, "kubernetes_manifest", d, _manifest(d, key), old, new))
    d = draw("helm values file")
    old, new = ("640Mi", "1280Mi") if mem else ("'400m'", "'800m'")
    cells.append(
        _value_cell(category, "helm_release values file", d, _helm_file(d, key, "3Gi" if mem else "2"), old, new)
    )
    d = draw("cloud run")
    old, new = ('"512Mi"', '"1024Mi"') if mem else ('"1"', '"2"')
    cells.append(_value_cell(category, "Cloud Run", d, _cloud_run(d, key, '"4Gi"' if mem else '"4"'), old, new))
    return cells


def memory_cells(seed: int) -> list[Cell]:
    return _workload_cells("memory_exhaustion", "memory", seed)


def cpu_cells(seed: int) -> list[Cell]:
    return _workload_cells("cpu_saturation", "cpu", seed)


# -- one knob on one resource type, in every collection and environment style ----------------------------------


@dataclass(frozen=True)
class Knob:
    rtype: str
    name_attr: str
    key: str
    body: str  # the resource's other lines
    nest: tuple[str, ...] = ()  # blocks the key sits in, e.g. ("scaling_config",)
    module: str = ""  # a registry module whose call takes `name_attr` and `key` as inputs
    module_body: str = ""

    def wrap(self, line: str, indent: str = "  ") -> str:
        for block in reversed(self.nest):
            inner = "\n".join("  " + x for x in line.split("\n"))
            line = f"{block} {{\n{inner}\n}}"
        return "\n".join(indent + x for x in line.split("\n"))


def _knob_styles(category: str, k: Knob, seed: int, old: str, new: str, other: str, **kw: Any) -> list[Cell]:
    draw = partial(Draw.of, seed, category)

    out = []

    d = draw("plain")

    def plain(v: str) -> dict[str, str]:
        blocks = [
            f'resource "{k.rtype}" "{d.label(s) if s == d.svc else s}" {{\n  {k.name_attr} = {d.name(s)}\n'
            f"{k.body}\n{k.wrap(f'{k.key} = {x}')}\n  tags = local.common_tags\n}}\n"
            for s, x in ((d.other, other), (d.svc, v))
        ]
        return {"main.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "plain resources", d, plain, old, new, **kw))

    d = draw("for_each")

    def for_each(v: str) -> dict[str, str]:
        return {
            "locals.tf": f"locals {{\n  {k.key}s = {{\n    {d.other} = {{ {k.key} = {other} }}\n"
            f"    {d.svc} = {{\n      {k.key} = {v}\n    }}\n  }}\n}}\n",
            "main.tf": f'resource "{k.rtype}" "this" {{\n  for_each = local.{k.key}s\n  {k.name_attr} = {d.each_name()}\n'
            f"{k.body}\n{k.wrap(f'{k.key} = each.value.{k.key}')}\n}}\n",
        }

    out.append(_value_cell(category, "for_each over locals", d, for_each, old, new, **kw))

    d = draw("count")

    def count(v: str) -> dict[str, str]:
        return {
            "main.tf": f'variable "units" {{\n  default = [\n    {{ name = "{d.svc}", {k.key} = {v} }},\n'
            f'    {{ name = "{d.other}", {k.key} = {other} }},\n  ]\n}}\n\n'
            f'resource "{k.rtype}" "unit" {{\n  count = length(var.units)\n  {k.name_attr} = var.units[count.index].name\n'
            f"{k.body}\n{k.wrap(f'{k.key} = var.units[count.index].{k.key}')}\n}}\n",
        }

    out.append(_value_cell(category, "count over a list", d, count, old, new, **kw))

    d = draw("tfvars")
    var = f"{d.svc}_{k.key}"

    def tfvars(v: str) -> dict[str, str]:
        return {
            "variables.tf": f'variable "{var}" {{\n  type    = number\n  default = {other}\n}}\n',
            "main.tf": f'resource "{k.rtype}" "{d.label(d.svc)}" {{\n  {k.name_attr} = {d.name(d.svc)}\n'
            f"{k.body}\n{k.wrap(f'{k.key} = var.{var}')}\n}}\n",
            "envs/prod.tfvars": f"# production\n{var} = {v}\n",
            "envs/staging.tfvars": f"{var} = {other}\n",
        }

    out.append(_value_cell(category, "environment tfvars", d, tfvars, old, new, **kw))

    d = draw("default")

    def default(v: str) -> dict[str, str]:
        return {
            "variables.tf": f'variable "{k.key}" {{\n  description = "for {d.svc}"\n  default     = {v}\n}}\n',
            "main.tf": f'resource "{k.rtype}" "{d.label(d.svc)}" {{\n  {k.name_attr} = {d.name(d.svc)}\n'
            f"{k.body}\n{k.wrap(f'{k.key} = var.{k.key}')}\n}}\n",
            "terraform.tfvars": 'region = "eu-west-1"\n',
        }

    out.append(_value_cell(category, "variable default", d, default, old, new, **kw))

    d = draw("local module")

    def local_module(v: str) -> dict[str, str]:
        module = (
            f'variable "name" {{}}\nvariable "{k.key}" {{\n  default = 1\n}}\n\n'
            f'resource "{k.rtype}" "this" {{\n  {k.name_attr} = var.name\n{k.body}\n{k.wrap(f"{k.key} = var.{k.key}")}\n}}\n'
        )
        calls = [
            f'module "{s}" {{\n  source = "../modules/unit"\n  name   = {d.name(s)}\n  {k.key} = {x}\n}}\n'
            for s, x in ((d.svc, v), (d.other, other))
        ]
        return {"modules/unit/main.tf": module, "live/main.tf": "\n".join(calls)}

    out.append(_value_cell(category, "local module", d, local_module, old, new, **kw))

    if k.module:
        d = draw("registry module")

        def registry(v: str) -> dict[str, str]:
            calls = [
                f'module "{s.replace("-", "_")}" {{\n  source  = "{k.module}"\n  version = "~> 6.0"\n\n'
                f"  {k.name_attr} = {d.name(s)}\n{k.module_body}\n  {k.key} = {x}\n}}\n"
                for s, x in ((d.other, other), (d.svc, v))
            ]
            return {"main.tf": "\n".join(calls)}

        out.append(_value_cell(category, "registry module", d, registry, old, new, **kw))
    return out


LAMBDA = Knob(
    "aws_lambda_function", "function_name", "timeout",
    '  role    = "arn:aws:iam::123456789012:role/lambda"\n  runtime = "python3.12"\n  handler = "app.handler"',
    module="terraform-aws-modules/lambda/aws", module_body='  handler = "app.handler"\n  runtime = "python3.12"',
)  # fmt: skip
ECS_SERVICE = Knob(
    "aws_ecs_service", "name", "desired_count",
    '  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"\n  launch_type     = "FARGATE"',
    module="terraform-aws-modules/ecs/aws//modules/service",
    module_body='  cluster_arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"',
)  # fmt: skip
DYNAMO = Knob(
    "aws_dynamodb_table", "name", "write_capacity",
    '  billing_mode  = "PROVISIONED"\n  hash_key      = "id"\n  read_capacity = 50',
    module="terraform-aws-modules/dynamodb-table/aws", module_body='  hash_key = "id"\n  billing_mode = "PROVISIONED"',
)  # fmt: skip
NODE_GROUP = Knob(
    "aws_eks_node_group", "node_group_name", "max_size",
    '  cluster_name  = "prod"\n  node_role_arn = "arn:aws:iam::123456789012:role/nodes"\n  subnet_ids    = ["subnet-1"]',
    nest=("scaling_config",),
)  # fmt: skip
RDS = Knob(
    "aws_db_instance", "identifier", "max_allocated_storage",
    '  engine            = "postgres"\n  instance_class    = "db.r6g.large"\n  allocated_storage = 100\n'
    "  deletion_protection = true",
    module="terraform-aws-modules/rds/aws", module_body='  engine = "postgres"\n  allocated_storage = 100',
)  # fmt: skip


def _eks_module(seed: int) -> Cell:
    d = Draw.of(seed, "capacity_limit", "eks module")

    def render(v: str) -> dict[str, str]:
        return {
            "eks.tf": f"""module "eks" {{
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "prod-eks"
  cluster_version = "1.30"

  eks_managed_node_groups = {{
    {d.other} = {{
      instance_types = ["m6i.large"]
      min_size       = 1
      max_size       = 4
      desired_size   = 2
    }}
    {d.svc} = {{
      instance_types = ["c6i.xlarge"]
      min_size       = 2
      max_size       = {v}
      desired_size   = 3
    }}
  }}
}}
"""
        }

    return _value_cell("capacity_limit", "registry module (eks node groups)", d, render, "6", "12")


def _gke_module(seed: int) -> Cell:
    d = Draw.of(seed, "capacity_limit", "gke module")

    def render(v: str) -> dict[str, str]:
        return {
            "gke.tf": f'''module "gke" {{
  source     = "terraform-google-modules/kubernetes-engine/google"
  version    = "~> 33.0"
  project_id = "acme-prod"
  name       = "prod-gke"
  region     = "europe-west1"

  node_pools = [
    {{
      name         = "{d.other}"
      machine_type = "e2-standard-4"
      min_count    = 1
      max_count    = 3
    }},
    {{
      name         = "{d.svc}"
      machine_type = "n2-standard-8"
      min_count    = 1
      max_count    = {v}
    }},
  ]
}}
'''
        }

    return _value_cell("capacity_limit", "registry module (gke node pools)", d, render, "5", "10")


def capacity_cells(seed: int) -> list[Cell]:
    return [*_knob_styles("capacity_limit", NODE_GROUP, seed, "8", "16", "3"), _eks_module(seed), _gke_module(seed)]


def timeout_cells(seed: int) -> list[Cell]:
    return _knob_styles("timeout", LAMBDA, seed, "30", "60", "15")


def queue_cells(seed: int) -> list[Cell]:
    return _knob_styles("queue_backlog", ECS_SERVICE, seed, "3", "6", "2")


def rate_cells(seed: int) -> list[Cell]:
    details = {"metrics": [{"metric": "WriteThrottleEvents"}]}
    return _knob_styles("rate_limited", DYNAMO, seed, "100", "200", "20", details=details)


def disk_cells(seed: int) -> list[Cell]:
    return _knob_styles("disk_full", RDS, seed, "500", "1000", "200")


def _image_cells(category: str, seed: int) -> list[Cell]:
    draw = partial(Draw.of, seed, category)

    out = []
    old, new = "2.15.0", "2.14.3"

    def details(d: Draw) -> dict[str, Any]:
        repo = f"ghcr.io/acme/{d.svc}"
        return {"bad_image": f"{repo}:{old}", "previous_image": f"{repo}:{new}"}

    def k8s(d: Draw, image: Callable[[str, str], str]) -> Render:
        def render(v: str) -> dict[str, str]:
            blocks = []
            for svc, tag in ((d.svc, v), (d.other, "9.9.9")):
                blocks.append(f'''resource "kubernetes_deployment_v1" "{svc}" {{
  metadata {{
    name = {d.name(svc)}
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = "{svc}"
          image = {image(svc, tag)}
        }}
      }}
    }}
  }}
}}
''')
            return {"apps.tf": "\n".join(blocks)}

        return render

    d = draw("plain")
    r = k8s(d, lambda svc, tag: f'"ghcr.io/acme/{svc}:{tag}"')
    out.append(_value_cell(category, "plain kubernetes", d, r, old, new, details=details(d)))

    d = draw("tfvars")

    def tfvars(v: str) -> dict[str, str]:
        files = k8s(d, lambda svc, tag: f'"ghcr.io/acme/{svc}:${{var.{svc}_tag}}"')("")
        files["variables.tf"] = "".join(f'variable "{s}_tag" {{\n  default = "0.0.1"\n}}\n' for s in (d.svc, d.other))
        files["envs/prod.tfvars"] = f'{d.svc}_tag = "{v}"\n{d.other}_tag = "9.9.9"\n'
        files["envs/staging.tfvars"] = f'{d.svc}_tag = "3.0.0-rc1"\n{d.other}_tag = "9.9.9"\n'
        return files

    out.append(_value_cell(category, "environment tfvars", d, tfvars, old, new, details=details(d)))

    d = draw("for_each")

    def for_each(v: str) -> dict[str, str]:
        return {
            "locals.tf": f'locals {{\n  releases = {{\n    {d.other} = {{ tag = "9.9.9" }}\n    {d.svc} = {{ tag = "{v}" }}\n  }}\n}}\n',
            "apps.tf": f"""resource "kubernetes_deployment_v1" "app" {{
  for_each = local.releases
  metadata {{
    name = {d.each_name()}
  }}
  spec {{
    template {{
      spec {{
        container {{
          name  = each.key
          image = "ghcr.io/acme/${{each.key}}:${{each.value.tag}}"
        }}
      }}
    }}
  }}
}}
""",
        }

    out.append(_value_cell(category, "for_each over locals", d, for_each, old, new, details=details(d)))

    d = draw("helm set")

    def helm_set(v: str) -> dict[str, str]:
        blocks = [
            f'resource "helm_release" "{svc}" {{\n  name  = {d.name(svc)}\n  chart = "oci://ghcr.io/acme/charts/service"\n\n'
            f'  set {{\n    name  = "image.repository"\n    value = "ghcr.io/acme/{svc}"\n  }}\n'
            f'  set {{\n    name  = "image.tag"\n    value = "{tag}"\n  }}\n}}\n'
            for svc, tag in ((d.svc, v), (d.other, "9.9.9"))
        ]
        return {"helm.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "helm_release set", d, helm_set, old, new, details=details(d)))

    d = draw("helm values")

    def helm_values(v: str) -> dict[str, str]:
        blocks = [
            f'resource "helm_release" "{svc}" {{\n  name  = {d.name(svc)}\n  chart = "service"\n'
            f'  values = [yamlencode({{\n    image = {{\n      repository = "ghcr.io/acme/{svc}"\n      tag        = "{tag}"\n    }}\n  }})]\n}}\n'
            for svc, tag in ((d.svc, v), (d.other, "9.9.9"))
        ]
        return {"helm.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "helm_release values", d, helm_values, old, new, details=details(d)))

    d = draw("helm values file")
    reads = {svc: values_file(d, svc) for svc in (d.svc, d.other)}

    def helm_file(v: str, d: Draw = d) -> dict[str, str]:
        files = {}
        blocks = []
        for svc, tag in ((d.svc, v), (d.other, "9.9.9")):
            expr, rel = reads[svc]
            blocks.append(
                f'resource "helm_release" "{svc}" {{\n  name   = {d.name(svc)}\n  chart  = "service"\n  values = [{expr}]\n}}\n'
            )
            files[rel] = (
                f"image:\n  repository: ghcr.io/acme/{svc}\n  tag: {tag}  # bumped by CI\nservice:\n  port: 8080\n"
            )
        files["helm.tf"] = "\n".join(blocks)
        return files

    out.append(_value_cell(category, "helm_release values file", d, helm_file, old, new, details=details(d)))

    d = draw("local module")

    def local_module(v: str) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "image_tag" {}\n\nresource "kubernetes_deployment_v1" "this" {\n'
            "  metadata {\n    name = var.name\n  }\n  spec {\n    template {\n      spec {\n        container {\n"
            '          name  = var.name\n          image = "ghcr.io/acme/${var.name}:${var.image_tag}"\n'
            "        }\n      }\n    }\n  }\n}\n"
        )
        calls = [
            f'module "{svc}" {{\n  source    = "./modules/app"\n  name      = {d.name(svc)}\n  image_tag = "{tag}"\n}}\n'
            for svc, tag in ((d.svc, v), (d.other, "9.9.9"))
        ]
        return {"modules/app/main.tf": module, "apps.tf": "\n".join(calls)}

    out.append(_value_cell(category, "local module", d, local_module, old, new, details=details(d)))

    d = draw("ecs")

    def ecs(v: str) -> dict[str, str]:
        blocks = [
            f'resource "aws_ecs_task_definition" "{svc}" {{\n  family = {d.name(svc)}\n  cpu    = 256\n  memory = 512\n'
            f'  container_definitions = jsonencode([{{\n    name  = "{svc}"\n    image = "ghcr.io/acme/{svc}:{tag}"\n  }}])\n}}\n'
            for svc, tag in ((d.svc, v), (d.other, "9.9.9"))
        ]
        return {"ecs.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "plain ECS", d, ecs, old, new, details=details(d)))
    return out


def bad_deploy_cells(seed: int) -> list[Cell]:
    return _image_cells("bad_deploy", seed)


def image_pull_cells(seed: int) -> list[Cell]:
    return _image_cells("image_pull_failure", seed)


def _health_cells(seed: int) -> list[Cell]:
    category = "health_check_failure"

    draw = partial(Draw.of, seed, category)

    details = {"good_path": "/healthz", "bad_path": "/health"}
    tg = Knob(
        "aws_lb_target_group", "name", "path",
        '  port     = 8080\n  protocol = "HTTP"\n  vpc_id   = "vpc-0abc"', nest=("health_check",),
    )  # fmt: skip
    out = [
        c
        for c in _knob_styles(category, tg, seed, '"/health"', '"/healthz"', '"/status"', details=details)
        if c.style != "count over a list"
    ]
    d = draw("alb module")

    def alb(v: str) -> dict[str, str]:
        return {
            "alb.tf": f"""module "alb" {{
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"
  name    = "prod-public"

  target_groups = {{
    {d.other} = {{
      name_prefix = "oth-"
      port        = 80
      health_check = {{ path = "/status" }}
    }}
    {d.svc} = {{
      name        = {d.name(d.svc)}
      port        = 8080
      health_check = {{
        path    = {v}
        matcher = "200"
      }}
    }}
  }}
}}
"""
        }

    out.append(_value_cell(category, "registry module (alb)", d, alb, '"/health"', '"/healthz"', details=details))
    d = draw("probe")

    def probe(v: str) -> dict[str, str]:
        return {
            "k8s.tf": f'''resource "kubernetes_deployment_v1" "{d.label(d.svc)}" {{
  metadata {{
    name = {d.name(d.svc)}
  }}
  spec {{
    template {{
      spec {{
        container {{
          name = "{d.svc}"
          liveness_probe {{
            http_get {{
              path = "/livez"
              port = 8080
            }}
          }}
          readiness_probe {{
            http_get {{
              path = {v}
              port = 8080
            }}
          }}
        }}
      }}
    }}
  }}
}}
'''
        }

    out.append(_value_cell(category, "kubernetes probe", d, probe, '"/health"', '"/healthz"', details=details))
    return out


def _db_cells(seed: int) -> list[Cell]:
    category = "db_connection_exhaustion"

    draw = partial(Draw.of, seed, category)

    out = []
    d = draw("plain")

    def plain(v: str) -> dict[str, str]:
        blocks = []
        for svc, value in ((d.svc, v), (d.other, '"500"')):
            blocks.append(f'''resource "aws_db_parameter_group" "{svc}" {{
  name   = "{svc}-pg16"
  family = "postgres16"

  parameter {{
    name  = "log_min_duration_statement"
    value = "500"
  }}
  parameter {{
    name         = "max_connections"
    value        = {value}
    apply_method = "pending-reboot"
  }}
}}

resource "aws_db_instance" "{svc}" {{
  identifier           = {d.name(svc)}
  engine               = "postgres"
  instance_class       = "db.r6g.large"
  parameter_group_name = aws_db_parameter_group.{svc}.name
  deletion_protection  = true
}}
''')
        return {"db.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "plain resources", d, plain, '"200"', '"400"'))
    d = draw("tfvars")

    def tfvars(v: str) -> dict[str, str]:
        files = plain("var.max_connections")
        files["variables.tf"] = 'variable "max_connections" {\n  type    = string\n  default = "100"\n}\n'
        files["envs/prod.tfvars"] = f"max_connections = {v}\n"
        files["envs/dev.tfvars"] = 'max_connections = "50"\n'
        return files

    out.append(_value_cell(category, "environment tfvars", d, tfvars, '"300"', '"600"'))
    d = draw("for_each")

    def for_each(v: str) -> dict[str, str]:
        return {
            "locals.tf": f'locals {{\n  databases = {{\n    {d.svc} = {{ max_connections = {v} }}\n    {d.other} = {{ max_connections = "800" }}\n  }}\n}}\n',
            "db.tf": f"""resource "aws_db_parameter_group" "this" {{
  for_each = local.databases
  name     = "${{each.key}}-pg"
  family   = "postgres16"
  parameter {{
    name  = "max_connections"
    value = each.value.max_connections
  }}
}}

resource "aws_db_instance" "this" {{
  for_each             = local.databases
  identifier           = {d.each_name()}
  engine               = "postgres"
  parameter_group_name = aws_db_parameter_group.this[each.key].name
}}
""",
        }

    out.append(_value_cell(category, "for_each over locals", d, for_each, '"250"', '"500"'))
    d = draw("rds module")

    def rds(v: str) -> dict[str, str]:
        blocks = [
            f'module "{svc}_db" {{\n  source  = "terraform-aws-modules/rds/aws"\n  version = "~> 6.9"\n\n'
            f'  identifier = {d.name(svc)}\n  engine     = "postgres"\n  family     = "postgres16"\n\n'
            f'  parameters = [\n    {{\n      name  = "autovacuum"\n      value = 1\n    }},\n'
            f'    {{\n      name  = "max_connections"\n      value = {value}\n    }}\n  ]\n}}\n'
            for svc, value in ((d.svc, v), (d.other, "900"))
        ]
        return {"rds.tf": "\n".join(blocks)}

    out.append(_value_cell(category, "registry module (rds)", d, rds, "150", "300"))
    d = draw("local module")

    def local_module(v: str) -> dict[str, str]:
        module = (
            'variable "name" {}\nvariable "max_connections" {\n  default = "100"\n}\n\n'
            'resource "aws_db_parameter_group" "this" {\n  name   = "${var.name}-pg"\n  family = "postgres16"\n'
            '  parameter {\n    name  = "max_connections"\n    value = var.max_connections\n  }\n}\n\n'
            'resource "aws_db_instance" "this" {\n  identifier           = var.name\n  engine = "postgres"\n'
            "  parameter_group_name = aws_db_parameter_group.this.name\n}\n"
        )
        calls = [
            f'module "{svc}" {{\n  source          = "./modules/database"\n  name            = {d.name(svc)}\n'
            f"  max_connections = {value}\n}}\n"
            for svc, value in ((d.svc, v), (d.other, '"700"'))
        ]
        return {"modules/database/main.tf": module, "databases.tf": "\n".join(calls)}

    out.append(_value_cell(category, "local module", d, local_module, '"400"', '"800"'))
    d = draw("aurora")

    def aurora(v: str) -> dict[str, str]:
        return {
            "aurora.tf": f'''resource "aws_rds_cluster_parameter_group" "{d.svc}" {{
  name   = "{d.svc}-aurora-pg"
  family = "aurora-postgresql16"
  parameter {{
    name  = "max_connections"
    value = {v}
  }}
}}

resource "aws_rds_cluster" "{d.svc}" {{
  cluster_identifier              = {d.name(d.svc)}
  engine                          = "aurora-postgresql"
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.{d.svc}.name
  deletion_protection             = true
}}
'''
        }

    out.append(_value_cell(category, "plain Aurora", d, aurora, '"1000"', '"2000"'))
    return out


def health_cells(seed: int) -> list[Cell]:
    return _health_cells(seed)


def db_cells(seed: int) -> list[Cell]:
    return _db_cells(seed)


GENERATORS = (
    memory_cells, cpu_cells, capacity_cells, timeout_cells, queue_cells, rate_cells, disk_cells,
    bad_deploy_cells, image_pull_cells, health_cells, db_cells,
)  # fmt: skip


def cells(seed: int = 7) -> list[Cell]:
    from tests.tfstyles.additive import ADDITIVE  # it builds on this module's Cell and Draw

    return [c for make in (*GENERATORS, *ADDITIVE) for c in make(seed)]
