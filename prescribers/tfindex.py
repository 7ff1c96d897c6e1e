"""An index of a Terraform configuration: every block, what it names (per `for_each`/`count` instance), and
where each value it reads really lives (the attribute, a locals map entry, the environment's tfvars, a default).

Terraform as teams write it: registry and local modules, collections over locals, per-environment tfvars,
names built by interpolation. The index resolves all of that to spans of text, so a fix edits the one literal
that feeds the failing resource and nothing shared.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from kernel import InputError, Problem
from prescribers._hcltext import Node, Span, parse_error, parse_root, unquote

# Attributes (and tags and labels) through which a block names the thing telemetry calls it by.
IDENTITY_KEYS = (
    "name",
    "function_name",
    "identifier",
    "family",
    "cluster_identifier",
    "node_group_name",
    "bucket",
    "name_prefix",
    "common_name",
    "db_name",
    "service_name",
    "cluster_name",
    "app_name",
    "replication_group_id",
    "cluster_id",
    "domain_name",
    "table_name",
    "queue_name",
    "account_id",
)
TAG_KEYS = ("Name", "service", "Service", "app", "App", "app.kubernetes.io/name", "app.kubernetes.io/instance")
_NAMED = ("metadata", "tags", "labels", "default_tags", "template", "manifest", "spec", "subject")
ENVIRONMENTS = {
    "prod": ("prod", "production", "prd", "live"),
    "staging": ("staging", "stage", "stg"),
    "dev": ("dev", "development"),
    "qa": ("qa", "test", "uat"),
    "preprod": ("preprod",),
    "sandbox": ("sandbox", "sbx"),
}
_ENV_OF = {alias: env for env, aliases in ENVIRONMENTS.items() for alias in aliases}
# Words names carry besides the thing's own name: kind suffixes and prefixes (`-svc`, `-tg`, `ecs-`).
NOISE = {
    "svc", "service", "tg", "sg", "role", "task", "td", "app", "deployment", "deploy", "ecs", "eks", "gke",
    "lambda", "fn", "func", "function", "lb", "alb", "nlb", "np", "ng", "pool", "nodepool", "nodes", "rds",
    "k8s", "cr", "run", "release", "chart", "workload", "api", "tls", "cert", "certificate",
}  # fmt: skip
# Maps whose entries are separate things (node groups, containers, services): a fix changes the failing one only.
COLLECTIONS = {
    "eks_managed_node_groups", "self_managed_node_groups", "node_groups", "node_pools", "container_definitions",
    "services", "functions", "containers", "instances", "workers", "queues", "tables", "apps", "target_groups",
}  # fmt: skip
# Kubernetes resources that hold a pod spec, however deep (a CronJob's sits under job_template).
K8S_WORKLOADS = (
    "kubernetes_deployment", "kubernetes_deployment_v1", "kubernetes_stateful_set", "kubernetes_stateful_set_v1",
    "kubernetes_daemon_set_v1", "kubernetes_daemonset", "kubernetes_job_v1", "kubernetes_job",
    "kubernetes_cron_job_v1", "kubernetes_cron_job",
)  # fmt: skip
# Registry modules: the resource types a call of each stands for (its inputs carry those resources' knobs).
REGISTRY_MODULES = (
    ("terraform-aws-modules", "eks", "aws", ("aws_eks_cluster", "aws_eks_node_group")),
    ("terraform-aws-modules", "rds", "aws", ("aws_db_instance", "aws_db_parameter_group")),
    ("terraform-aws-modules", "rds-aurora", "aws", ("aws_rds_cluster", "aws_rds_cluster_parameter_group")),
    ("terraform-aws-modules", "ecs", "aws", ("aws_ecs_service", "aws_ecs_task_definition")),
    ("terraform-aws-modules", "lambda", "aws", ("aws_lambda_function", "aws_iam_role")),
    ("terraform-aws-modules", "alb", "aws", ("aws_lb", "aws_lb_target_group")),
    ("terraform-aws-modules", "security-group", "aws", ("aws_security_group",)),
    ("terraform-aws-modules", "autoscaling", "aws", ("aws_autoscaling_group",)),
    ("terraform-aws-modules", "dynamodb-table", "aws", ("aws_dynamodb_table",)),
    ("terraform-aws-modules", "sqs", "aws", ("aws_sqs_queue",)),
    ("terraform-aws-modules", "elasticache", "aws", ("aws_elasticache_replication_group",)),
    ("terraform-google-modules", "kubernetes-engine", "google", ("google_container_node_pool",)),
    ("terraform-google-modules", "cloud-run", "google", ("google_cloud_run_v2_service",)),
    ("GoogleCloudPlatform", "cloud-run", "google", ("google_cloud_run_v2_service",)),
    ("terraform-google-modules", "sql-db", "google", ("google_sql_database_instance",)),
)  # fmt: skip
VALUES_FILES = (".yaml", ".yml", ".yaml.tpl", ".yml.tpl", ".yaml.tftpl", ".yml.tftpl")
_RESOURCE_REF = re.compile(
    r"\b((?:data\.)?[a-z][a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\[[^\]\n]*\])?\.(?:id|arn|name|json|email|member|security_group_id|cert_pem)\b"
)
_PATH = r"((?:\.[A-Za-z_][\w-]*|\[\s*(?:\"[^\"]*\"|\d+|count\.index|each\.key)\s*\])*)"
_REF = re.compile(rf"(var|local|each\.value)\.([A-Za-z_][\w-]*){_PATH}|(each\.value){_PATH}")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[\s*(\"[^\"]*\"|\d+|count\.index|each\.key)\s*\]")
_INTERPOLATED = re.compile(r"\$\{\s*([^}]+?)\s*\}")
_CALL = re.compile(r"(lookup|try|toset|tolist|tomap|nonsensitive)\((.*)\)", re.S)


@dataclass(slots=True)
class Located:
    """Where a value lives: the literal's span in `file`, or (span None) the object it is missing from."""

    file: str
    span: Span | None
    owner: str  # the address safety knows the place by: a resource, "locals", "variable.x"
    via: list[str] = field(default_factory=list)  # how it was reached, for the summary
    node: Node | None = None  # the object literal the value is (or is missing from)
    key: str = ""
    default: str | None = None  # lookup()/try() default, when the key is missing

    def where(self, block: Block) -> str:
        """` (in envs/prod.tfvars)` when the value lives outside the block's file, for a fix's summary."""
        return "" if self.file == block.file else f" (in {self.file})"


@dataclass(slots=True, eq=False)
class Block:
    file: str  # relative to the Terraform folder
    kind: str  # resource | data | variable | locals | module | output | ...
    type: str  # e.g. aws_ecs_service ("" for variable/module)
    name: str
    node: Node
    names: set[str] = field(default_factory=set)  # identities it carries, every instance's (resolved)
    instances: dict[str, Located | None] = field(default_factory=dict)  # for_each key / count index → entry
    instance_names: dict[str, set[str]] = field(default_factory=dict)
    provides: tuple[str, ...] = ()  # a module call: the resource types it stands for
    source: str = ""  # a module call's source
    inner: bool = False  # inside a local module's own code: edited through the call, never directly
    members: list[Block] = field(default_factory=list)  # a local module call: the blocks of its module

    @property
    def address(self) -> str:
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}" if self.name else self.kind

    def acts_as(self, types: tuple[str, ...]) -> bool:
        return self.type in types or any(t in types for t in self.provides)


class TerraformIndex:
    """Parses every .tf and .tfvars file with python-hcl2 and resolves what feeds every value."""

    def __init__(self, root: str | Path, environment: str | None = None) -> None:
        self.root = Path(root)
        self.files: dict[str, str] = {}
        self.roots: dict[str, Node] = {}
        self.blocks: list[Block] = []
        self.environment = environment_of(environment or "")
        self.focus: dict[str, str] = {}  # block address → the instance the diagnosis is about
        self.wanted: dict[str, str] = {}  # block address → the name telemetry gave
        self.fed: set[str] = set()  # owners of every value located through a block (for the safety check)
        self.notes: list[str] = []  # why a value could not be located, for the summary
        self._objects: dict[str, dict[int, Node]] = {}
        problems = []
        paths = sorted(self.root.rglob("*.tf")) + sorted(self.root.rglob("*.tfvars"))
        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            if any(part.startswith(".") for part in rel.split("/")[:-1]):
                continue  # .terraform/ holds downloaded modules: never ours to edit
            text = path.read_text(encoding="utf-8")
            tree = parse_root(text)
            if tree is None:
                problems.append(Problem(f"terraform/{rel}", "", f"does not parse as HCL2: {parse_error(text)}"))
                continue
            self.files[rel], self.roots[rel] = text, tree
            if rel.endswith(".tf"):
                self.blocks += [_block(rel, n) for n in tree.children if n.kind == "block"]
        values = (p for p in self.root.rglob("*.*") if p.name.endswith(VALUES_FILES))
        for path in sorted(values):  # Helm values files a release may read with file() or templatefile()
            rel = path.relative_to(self.root).as_posix()
            if not any(part.startswith(".") for part in rel.split("/")[:-1]):
                self.files[rel] = path.read_text(encoding="utf-8")
        if problems:
            raise InputError(problems, what=f"Terraform in {self.root}")
        self._modules()
        for block in self.blocks:
            block.instances = self._instances(block)
            self._identities(block)
        self.notes.clear()  # what naming could not resolve is not why a fix could not be written

    # -- lookups ---------------------------------------------------------------------------------

    def text(self, block: Block) -> str:
        return self.files[block.file][block.node.start : block.node.end + 1]

    def get(self, address: str) -> Block | None:
        return next((b for b in self.blocks if b.address == address), None)

    def relevant(self, resource: str, types: tuple[str, ...] = ()) -> list[Block]:
        """Blocks that telemetry's `resource` refers to, best first; each block's best instance is focused."""
        wanted = telemetry_name(resource)
        scored: list[tuple[int, Block]] = []
        for b in self.blocks:
            if b.kind not in ("resource", "data", "module") or b.inner or (types and not b.acts_as(types)):
                continue
            if not self._in_environment(b.file):
                continue
            best, key = 0, None
            for instance, names in (b.instance_names or {None: b.names}).items():  # type: ignore[dict-item]
                score = max((match_score(wanted, n) for n in names), default=0)
                if instance is not None:
                    score = max(score, match_score(wanted, instance))
                if score > best:
                    best, key = score, instance
            label = 2 if match_score(wanted, b.name.replace("_", "-")) >= 3 else 0
            if label > best and not b.instances:
                best = label
            if best:
                scored.append((best, b))
                self.wanted.setdefault(b.address, resource)
                if key is not None:
                    self.focus.setdefault(b.address, key)
        return [b for _, b in sorted(scored, key=lambda s: -s[0])]

    def closest(self, resource: str, n: int = 3) -> list[str]:
        """The identities nearest to `resource` (with their blocks), for a summary that found nothing."""
        named = {f"{name} ({b.address})": name for b in self.blocks if not b.inner for name in b.names}
        named |= {f"{b.address}": b.name for b in self.blocks if b.kind in ("resource", "module") and not b.inner}
        ranked = sorted(named, key=lambda k: -difflib.SequenceMatcher(None, resource.lower(), named[k].lower()).ratio())
        return ranked[:n]

    def references(self, block: Block) -> list[Block]:
        """Resources a block refers to (aws_security_group.db.id, aws_iam_role.x.name, ...)."""
        out = []
        for type_, name in _RESOURCE_REF.findall(self.text(block)):
            found = self.get(f"{type_}.{name}")
            if found and found not in out:
                out.append(found)
        return out

    def referrers(self, block: Block) -> list[Block]:
        """Blocks whose text refers to this one."""
        needle = re.compile(rf"\b{re.escape(block.address)}[.\[]")
        return [b for b in self.blocks if b is not block and needle.search(self.text(b))]

    def value_files(self, block: Block) -> list[str]:
        """The YAML files a `helm_release` reads as values: `file(...)` or `templatefile(...)` in its `values`."""
        span = block.node.attrs.get("values")
        if span is None:
            return []
        out = []
        here = posixpath.dirname(block.file)
        for raw in re.findall(r'(?:file|templatefile)\(\s*"([^"]+)"', span.value):
            rel = raw.replace("${path.module}", here or ".").replace("${path.root}", ".").replace("${path.cwd}", ".")
            rel = posixpath.normpath(rel if raw.startswith("${") else posixpath.join(here, rel))
            if rel in self.files and rel.endswith(VALUES_FILES):
                out.append(rel)
        return out

    def module_inputs(self, call: Block, key: str) -> list[str]:
        """The inputs of a local module call that its module writes into `key` (`max_node_count = var.max_nodes`
        makes `max_nodes` the call's knob for max_node_count)."""
        names: list[str] = []
        for member in call.members:
            stack = [member.node]
            while stack:
                node = stack.pop()
                stack += node.children
                span = node.attrs.get(key)
                if span is not None and (m := re.fullmatch(r"var\.([A-Za-z_][\w-]*)", span.value.strip())):
                    names.append(m.group(1))
        return list(dict.fromkeys(names))

    def share_focus(self, focused: Block, other: Block) -> None:
        """`other` iterates the same keys as `focused` (`aws_iam_role.task[each.key]`): the same instance is meant."""
        key = self.focus.get(focused.address)
        if key is not None and other.address not in self.focus and key in other.instances:
            self.focus[other.address] = key
            self.wanted.setdefault(other.address, self.wanted.get(focused.address, ""))

    # -- where values live -----------------------------------------------------------------------

    def locate(self, block: Block, node: Node, key: str) -> Located | None:
        """Where the literal behind `key` (an entry of `node`, inside `block`) lives, for the focused instance."""
        span = node.attrs.get(key)
        if span is None:
            return None
        found = self.follow(block, block.file, span, block.address, [f"{key} in {block.address}"])
        if found is not None:
            self.fed.add(found.owner)
        return found

    def reads(self, block: Block, node: Node, key: str) -> list[Located]:
        """Every literal `key`'s value reads: the one it resolves to, and those its `${...}` parts resolve to."""
        found = self.locate(block, node, key)
        out = [found] if found is not None and found.span is not None else []
        for part in _INTERPOLATED.finditer(node.attrs[key].value if key in node.attrs else ""):
            inner = self.follow(block, block.file, Span(0, 0, part.group(1)), block.address, [])
            if inner is not None and inner.span is not None and inner.span.end > 0:
                self.fed.add(inner.owner)
                out.append(inner)
        return out

    def resolve(self, block: Block, node: Node, key: str) -> tuple[str, Span] | None:
        found = self.locate(block, node, key)
        return (found.file, found.span) if found and found.span else None

    def follow(self, block: Block, file: str, span: Span, owner: str, via: list[str], depth: int = 0) -> Located | None:
        """From an expression to the literal it reads: var (tfvars, then default), local, each.value, lookup()."""
        expr = span.value.strip()
        here = Located(file, span, owner, via, self._object_at(file, span.start))
        if depth > 8:
            return None
        call = _CALL.fullmatch(expr)
        if call:
            args = _split_args(call.group(2))
            if call.group(1) == "lookup" and len(args) >= 2:
                inner = f"{args[0]}[{args[1]}]"
            else:
                inner = args[0] if args else ""
            default = args[-1] if len(args) >= 2 else None
            found = self._follow_text(block, file, inner, owner, via, depth)
            if found is not None and found.span is None:
                found.default = default
            return found
        if _REF.fullmatch(expr):
            return self._follow_text(block, file, expr, owner, via, depth)
        return here

    def _follow_text(
        self, block: Block, file: str, expr: str, owner: str, via: list[str], depth: int
    ) -> Located | None:
        ref = _REF.fullmatch(expr)
        if not ref:
            return None
        if ref.group(4):  # each.value[...]
            head, path = "each.value", ref.group(5)
        else:
            head, name, path = ref.group(1), ref.group(2), ref.group(3)
            if head == "each.value":
                path = f".{name}{path}"
        if head == "each.value":
            at = self._entry(block)
            if at is None:
                return None
            at = Located(at.file, at.span, at.owner, [*via, *at.via], at.node, at.key)
        elif head == "var":
            at = self.variable(name, via)
        else:
            at = self._local(name, via)
        for step in _STEP.finditer(path):
            if at is None:
                return None
            key = step.group(1) or unquote(step.group(2))
            if key == "count.index" or key == "each.key":
                key = self.focus.get(block.address, "")
            at = self._step(block, at, key, depth)
        if at is not None and at.span is not None and _REF.fullmatch(at.span.value.strip()):
            return self.follow(block, at.file, at.span, at.owner, at.via, depth + 1)
        return at

    def _step(self, block: Block, at: Located, key: str, depth: int) -> Located | None:
        if at.span is not None and at.node is None:  # a reference to something else first
            followed = self.follow(block, at.file, at.span, at.owner, at.via, depth + 1)
            if followed is None or followed.node is None:
                return None
            at = followed
        node = at.node
        if node is None:
            return None
        if key.isdigit() and not node.attrs:  # a list of objects
            element = next((c for c in node.children if c.index == int(key)), None)
            return Located(at.file, None, at.owner, [*at.via, f"[{key}]"], element) if element else None
        span = node.attrs.get(key)
        if span is None:
            return Located(at.file, None, at.owner, [*at.via, f'["{key}"] (not set)'], node, key)
        return Located(at.file, span, at.owner, [*at.via, f'["{key}"]'], self._object_at(at.file, span.start), key)

    def variable(self, name: str, via: list[str]) -> Located | None:
        """A variable's value for the incident's environment: its tfvars (environment file first), else the default."""
        applying, other = self._var_files()
        for rel in applying:
            span = self.roots[rel].attrs.get(name)
            if span is not None:
                why = f"var.{name} from {rel}" + (
                    f" (environment {self.environment})" if rel not in self._auto() else ""
                )
                return Located(rel, span, f"variable.{name}", [*via, why], self._object_at(rel, span.start), name)
        setting = [rel for rel in other if name in self.roots[rel].attrs]
        if setting:
            which = (
                f"environment {self.environment} has no file among"
                if self.environment
                else "the incident names no environment; set in"
            )
            self.notes.append(f"var.{name} is set per environment ({which} {', '.join(setting)})")
            return None
        var = self.get(f"variable.{name}")
        if var is None:
            return None
        span = var.node.attrs.get("default")
        if span is None:
            self.notes.append(f"var.{name} has no default and no tfvars sets it")
            return None
        return Located(
            var.file,
            span,
            f"variable.{name}",
            [*via, f"default of var.{name}"],
            self._object_at(var.file, span.start),
            name,
        )

    def _local(self, name: str, via: list[str]) -> Located | None:
        for b in self.blocks:
            if b.kind == "locals" and not b.inner and name in b.node.attrs and self._in_environment(b.file):
                span = b.node.attrs[name]
                return Located(
                    b.file,
                    span,
                    "locals",
                    [*via, f"local.{name} in {b.file}"],
                    self._object_at(b.file, span.start),
                    name,
                )
        return None

    def feeders(self, block: Block) -> list[Located]:
        """Every place outside the block that feeds one of its values (tfvars, locals, defaults)."""
        out = []
        stack = [block.node]
        while stack:
            node = stack.pop()
            stack += node.children
            for key in node.attrs:
                for found in self.reads(block, node, key):
                    if found.file != block.file or found.owner != block.address:
                        out.append(found)
        return out

    # -- collections, modules and names ----------------------------------------------------------

    def _entry(self, block: Block) -> Located | None:
        if not block.instances:
            return None
        key = self.focus.get(block.address)
        if key is None and len(block.instances) == 1:
            key = next(iter(block.instances))
        if key is None:
            self.notes.append(f"{block.address} is a collection of {len(block.instances)}; none matched by name")
            return None
        return block.instances.get(key)

    def _instances(self, block: Block) -> dict[str, Located | None]:
        """A collection's instances: each for_each key (or count index) → the entry that feeds each.value."""
        attrs = block.node.attrs
        if "for_each" in attrs:
            found = self.follow(block, block.file, attrs["for_each"], block.address, [])
            expr = attrs["for_each"].value
            if found is not None and found.node is not None:
                return {
                    key: self._member(found, key, f'entry "{key}" of {found.via[-1] if found.via else expr}')
                    for key in found.node.attrs
                }
            listed = re.findall(r'"([^"\n]+)"', expr) if "toset(" in expr or expr.lstrip().startswith("[") else []
            return dict.fromkeys(listed)
        if "count" in attrs:
            target = re.fullmatch(r"length\((.+)\)", attrs["count"].value.strip())
            if target:
                found = self._follow_text(block, block.file, target.group(1).strip(), block.address, [], 0)
                if found is not None and found.node is not None:
                    return {
                        str(c.index): Located(
                            found.file, None, found.owner, [f"element {c.index} of {found.via[-1]}"], c
                        )
                        for c in found.node.children
                        if c.index is not None
                    }
        return {}

    def _member(self, at: Located, key: str, why: str) -> Located:
        node = at.node
        assert node is not None
        span = node.attrs[key]
        owner = self._owner(at.file, span.start, None) if at.file.endswith(".tfvars") else at.owner
        return Located(at.file, span, owner, [why], self._object_at(at.file, span.start), key)

    def _modules(self) -> None:
        for block in self.blocks:
            if block.kind != "module":
                continue
            source = unquote(block.node.attrs.get("source", Span(0, 0, "")).value)
            block.source = source
            if source.startswith(("./", "../")):
                folder = posixpath.normpath(posixpath.join(posixpath.dirname(block.file), source))
                inside = [b for b in self.blocks if posixpath.dirname(b.file) == folder]
                for b in inside:
                    b.inner = True
                block.members = inside
                block.provides = tuple(sorted({b.type for b in inside if b.type}))
            else:
                block.provides = registry_types(source)

    def _identities(self, block: Block) -> None:
        keys = [None] if not block.instances else list(block.instances)
        for key in keys:
            if key is not None:
                self.focus[block.address] = key
            names = {key} if key else set()
            for node in _named_nodes(block.node):
                for attr in (*IDENTITY_KEYS, *TAG_KEYS):
                    span = node.attrs.get(attr)
                    if span is not None and (value := self.evaluate(block, span)):
                        names.add(value)
                        if attr == "common_name" and "." in value:  # a host: what it serves is its first label
                            names.add(value.split(".")[0])
            names |= self._members(block)
            block.names |= names
            if key is not None:
                block.instance_names[key] = names
        self.focus.pop(block.address, None)

    def _members(self, block: Block) -> set[str]:
        """The names of a collection's entries inside a block (a module's node groups, pools, containers)."""
        out: set[str] = set()
        for node in block.node.children:
            if node.header not in COLLECTIONS or node.kind == "block":
                continue
            for entry in node.children:
                if node.kind == "object" and entry.kind == "object":
                    out.add(entry.header)
                if "name" in entry.attrs and (name := self.evaluate(block, entry.attrs["name"])):
                    out.add(name)
        return out

    def evaluate(self, block: Block, span: Span, depth: int = 0) -> str:
        """A string value as Terraform would build it, for names: interpolations resolved where they can be."""
        raw = span.value.strip()
        if depth > 6:
            return ""
        if raw == "each.key":
            return self.focus.get(block.address, "")
        if _REF.fullmatch(raw) or _CALL.fullmatch(raw):
            found = self.follow(block, block.file, span, block.address, [])
            if found is None or found.span is None or found.span.value.strip() == raw:
                return ""
            return self.evaluate(block, found.span, depth + 1)
        fmt = re.fullmatch(r'format\(\s*"([^"]*)"\s*,(.*)\)', raw, re.S)
        if fmt:
            args = [self.evaluate(block, Span(0, 0, a), depth + 1) for a in _split_args(fmt.group(2))]
            try:
                return fmt.group(1).replace("%d", "%s") % tuple(args)
            except TypeError:
                return ""
        if not (raw.startswith('"') and raw.endswith('"')):
            return ""

        def sub(m: re.Match[str]) -> str:
            return self.evaluate(block, Span(0, 0, m.group(1).strip()), depth + 1)

        return re.sub(r"\$\{([^}]*)\}", sub, unquote(raw))

    # -- environments ----------------------------------------------------------------------------

    def _auto(self) -> list[str]:
        return [r for r in self.roots if r.endswith(".tfvars") and _path_environment(r) is None]

    def _var_files(self) -> tuple[list[str], list[str]]:
        """The tfvars that apply, highest precedence first (the environment's, then auto ones), and the rest."""
        auto = self._auto()
        envs = [r for r in self.roots if r.endswith(".tfvars") and r not in auto]
        mine = [r for r in envs if self.environment and _path_environment(r) == self.environment]
        auto_ordered = sorted(auto, key=lambda r: (r.endswith("terraform.tfvars"), r), reverse=False)
        return mine + auto_ordered, [r for r in envs if r not in mine]

    def _in_environment(self, rel: str) -> bool:
        env = _path_environment(rel)
        return env is None or self.environment is None or env == self.environment

    def _owner(self, rel: str, offset: int, block: Block | None) -> str:
        if rel.endswith(".tfvars"):
            root = self.roots[rel]
            for key, span in root.attrs.items():
                if span.start <= offset < span.end:
                    return f"variable.{key}"
            return "variable"
        for b in self.blocks:
            if b.file == rel and b.node.start <= offset <= b.node.end:
                return b.address
        return block.address if block else ""

    def _object_at(self, rel: str, offset: int) -> Node | None:
        if rel not in self._objects:
            table: dict[int, Node] = {}
            stack = list(self.roots[rel].children)
            while stack:
                node = stack.pop()
                stack += node.children
                if node.kind in ("object", "tuple"):
                    table.setdefault(node.start, node)
            self._objects[rel] = table
        return self._objects[rel].get(offset)


def _named_nodes(node: Node, depth: int = 0) -> list[Node]:
    out = [node]
    if depth < 4:
        for child in node.children:
            if child.word in _NAMED:
                out += _named_nodes(child, depth + 1)
    return out


def _block(rel: str, node: Node) -> Block:
    labels = node.labels
    kind = node.word
    if kind in ("resource", "data") and len(labels) >= 2:
        return Block(rel, kind, labels[0], labels[1], node)
    return Block(rel, kind, "", labels[0] if labels else "", node)


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of a call."""
    out: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "([{":
            depth += 1
        elif not quoted and ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        out.append("".join(current).strip())
    return out


def registry_types(source: str) -> tuple[str, ...]:
    """The resource types a registry module stands for, from its source (registry address or git URL)."""
    for namespace, name, provider, types in REGISTRY_MODULES:
        if re.search(rf"(^|/){namespace}/{name}/{provider}(//|$|\?)", source) or re.search(
            rf"{namespace}/terraform-{provider}-{name}(\.git)?(//|$|\?)", source
        ):
            return types
    return ()


def environment_of(text: str) -> str | None:
    """The environment a name speaks of (`prod`, `eks-production-use1`, `stg`), canonical, or None."""
    found = {_ENV_OF[t] for t in re.split(r"[^a-z0-9]+", text.lower()) if t in _ENV_OF}
    return found.pop() if len(found) == 1 else None


def _path_environment(rel: str) -> str | None:
    parts = rel.lower().rsplit(".", 1)[0].split("/")
    return environment_of(" ".join(parts))


def telemetry_name(resource: str) -> str:
    """The name in an ARN, a `service/cluster/name` or a `namespace/name`: its last part."""
    return re.split(r"[/:]", resource.strip())[-1] or resource


def _core(name: str) -> tuple[str, ...]:
    tokens = [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t]
    return tuple(t for t in tokens if t not in NOISE and t not in _ENV_OF and not t.isdigit())


def match_score(wanted: str, name: str) -> int:
    """4 the same name; 3 the same once kind words and environments are set aside; 1 one contains the other."""
    if not wanted or not name:
        return 0
    if wanted.lower() == name.lower():
        return 4
    a, b = _core(wanted), _core(name)
    if not a or not b:
        return 0
    if a == b:
        return 3
    small, large = (a, b) if len(a) < len(b) else (b, a)
    joined = "-".join(large)
    if len("".join(small)) > 3 and re.search(rf"(^|-){re.escape('-'.join(small))}(-|$)", joined):
        return 1
    return 0
