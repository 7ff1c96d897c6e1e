"""The one settings object: environment variables plus an optional YAML file (CLOUD_DOCTOR_CONFIG)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, create_model
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from analyzers.digest import DEFAULT_TOKEN_BUDGET
from bot.alerts.sns import is_sns_url
from collectors.sources import SOURCES
from kernel import CloudDoctorError
from kernel.aws import WebIdentity, use_web_identity
from kernel.durations import DURATION, seconds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "incidents"
SECRET_FIELDS = ("slack_bot_token", "slack_signing_secret", "cloud_doctor_webhook_token", "gemini_access_token",
                 "cloud_doctor_github_webhook_secret")  # fmt: skip


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlackAccess(Section):
    channels: list[str] = []  # where commands are accepted; empty = anywhere the app is
    command_users: list[str] = []  # who may run commands; empty (with no groups) = anyone in those channels
    command_groups: list[str] = []
    reviewers: list[str] = []  # who may approve or reject a fix
    reviewer_groups: list[str] = []
    default_channel: str | None = None


class Route(Section):
    """Alerts to a channel: every key of `match` (severity, cluster, service, source, alertname or any label)
    must equal the alert's value; a value may be a glob such as `checkout*`."""

    match: dict[str, str]
    channel: str


class GeminiSettings(Section):
    project: str | None = None
    location: str = "us-central1"
    model: str = "gemini-2.5-flash"
    base_url: str | None = None  # a private endpoint (or the tests' stand-in); default Vertex AI's own
    timeout_seconds: float = Field(default=60.0, gt=0)


class BedrockSettings(Section):
    region: str = "us-east-1"
    model_id: str | None = None  # a model ID or an inference-profile ARN
    endpoint_url: str | None = None  # a VPC endpoint (or the tests' stand-in); default the regional one
    timeout_seconds: float = Field(default=120.0, gt=0)


class Engines(Section):
    diagnoser: Literal["rules", "gemini"] = "rules"
    prescriber: Literal["templates", "bedrock"] = "templates"
    gemini: GeminiSettings = GeminiSettings()
    bedrock: BedrockSettings = BedrockSettings()


class TerraformSettings(Section):
    path: Path | None = None


class DigestSettings(Section):
    token_budget: int = Field(default=DEFAULT_TOKEN_BUDGET, ge=500, le=1_000_000)


class WebhookSettings(Section):
    cooldown: str = Field(default="30m", pattern=DURATION)  # one alert identity starts at most one job per this
    group_window: str = Field(default="10m", pattern=DURATION)  # a service's alerts within this join one job
    lookback: str = Field(default="15m", pattern=DURATION)  # the diagnosis looks this far before the alert began
    storm_threshold: int = Field(default=20, ge=2)  # new alerts in a minute that make a storm: one summary message
    storm_settle: str = Field(default="10s", pattern=DURATION)  # the summary waits this long for the storm to land
    retention: str = Field(default="7d", pattern=DURATION)  # alert history kept this long (jobs are kept)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    basic_auth_user: str = "cloud-doctor"  # basic auth is this user with CLOUD_DOCTOR_WEBHOOK_TOKEN as password
    sns_topics: list[str] = []  # CloudWatch via SNS: the topic ARNs accepted (none configured = none accepted)
    # SigningCertURL -> a PEM file: certificates pinned instead of fetched (air-gapped hosts; the tests' key)
    sns_certificates: dict[str, Path] = {}


class RepositorySettings(Section):
    """Where approved fixes go as pull requests: a GitHub repository, and the folder in it that is the incident's
    terraform/. A service maps to the first repository that lists it (or that lists none)."""

    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")  # owner/name
    path: str = ""  # the repository folder the fix's files are relative to, e.g. infra/live
    base_branch: str = "main"
    services: list[str] = []  # [] = every service
    git_url: str | None = None  # default https://github.com/<repo>.git (the tests: a local bare repository)
    api_url: str = "https://api.github.com"
    # Credentials, from the environment only. A GitHub App installation (preferred: short-lived tokens scoped to
    # this repository, not a person's account) or a token in `token_env`.
    app_id: int | None = None
    installation_id: int | None = None
    private_key_env: str | None = None  # the App's PEM private key
    token_env: str | None = "GITHUB_TOKEN"  # used when no App is configured
    # Whose comments and check runs are plans: Atlantis's account, Terraform Cloud's App. Anyone else's comment
    # that looks like a plan is not one (it could hide a destroy behind "0 to destroy").
    plan_authors: list[str] = ["atlantis", "atlantis[bot]", "atlantis-bot", "Terraform Cloud", "HCP Terraform"]
    committer_name: str = "Cloud Doctor"
    committer_email: str = "cloud-doctor@users.noreply.github.com"


class AwsSettings(Section):
    """Keyless AWS access from GCP: the Cloud Run service account's Google ID token is exchanged for the
    role's credentials (AssumeRoleWithWebIdentity), refreshed before expiry; no AWS keys anywhere."""

    web_identity_role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")
    audience: str = "cloud-doctor"  # the ID token's audience, pinned by the role's trust policy
    metadata_url: str = "http://metadata.google.internal"  # the tests point it at a stand-in
    sts_region: str = "us-east-1"
    sts_endpoint_url: str | None = None  # a VPC endpoint (or the tests' moto server)
    duration_seconds: int = Field(default=3600, ge=900, le=43200)

    def identity(self) -> WebIdentity | None:
        if not self.web_identity_role_arn:
            return None
        return WebIdentity(
            role_arn=self.web_identity_role_arn,
            audience=self.audience,
            metadata_url=self.metadata_url,
            sts_region=self.sts_region,
            sts_endpoint_url=self.sts_endpoint_url,
            duration_seconds=self.duration_seconds,
        )


def available_cpus(cgroup: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """CPUs this process may use: a container's CPU quota (cgroup v2 `cpu.max`, as on Cloud Run and
    Kubernetes) when there is one, else the CPUs it may be scheduled on. os.cpu_count() is the host's."""
    try:
        quota, period = cgroup.read_text().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class FeedbackSettings(Section):
    # a live job's collection (redacted) is kept this long for `feedback export`; judged jobs keep theirs
    keep_evidence: str = Field(default="14d", pattern=DURATION)


class JobSettings(Section):
    # worker processes per instance; default: one per CPU but one, which stays with the acknowledgements
    workers: int = Field(default_factory=lambda: max(1, available_cpus() - 1), ge=1, le=32)
    lease_seconds: int = Field(default=60, ge=5)  # a job whose worker died is reclaimed after this
    max_attempts: int = Field(default=3, ge=1)  # a job whose workers died this often fails with that reason
    max_open_per_user: int = Field(default=5, ge=1)  # a person's queued or running jobs per channel
    poll_seconds: float = Field(default=1.0, gt=0)


class ClusterBase(Section):
    """A cluster (or cloud account) to collect from; its source blocks come from collectors.sources."""

    name: str
    cloud: Literal["aws", "gcp"]
    region: str | None = None
    project: str | None = None
    services: list[str] = []  # which services live here; empty = ask this cluster about any service

    def secret(self, env_name: str | None) -> str | None:
        """A credential named by the YAML and held in the environment (secrets never sit in the YAML)."""
        return os.environ.get(env_name) if env_name else None

    def source_config(self, name: str) -> Any:
        """The settings of one source of this cluster (None when it is not configured)."""
        return getattr(self, name, None)


if TYPE_CHECKING:
    Cluster = ClusterBase
else:  # one optional block per registered source: `prometheus: {...}`, `loki: {...}`, ...
    Cluster = create_model(
        "Cluster", __base__=ClusterBase, **{name: (kind.config | None, None) for name, kind in SOURCES.items()}
    )


class Settings(BaseSettings):
    """Everything a deployment configures; secrets only from the environment."""

    model_config = SettingsConfigDict(extra="forbid", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    cloud_doctor_store: str | None = None
    cloud_doctor_webhook_token: SecretStr | None = None
    cloud_doctor_config: Path | None = None
    gemini_access_token: SecretStr | None = None  # a pre-minted OAuth token; default: Application Default Credentials

    slack: SlackAccess = SlackAccess()
    routes: list[Route] = []
    incidents: dict[str, Path] = {}
    clusters: list[Cluster] = []
    engines: Engines = Engines()
    terraform: TerraformSettings = TerraformSettings()
    digest: DigestSettings = DigestSettings()
    webhooks: WebhookSettings = WebhookSettings()
    jobs: JobSettings = JobSettings()
    feedback: FeedbackSettings = FeedbackSettings()
    aws: AwsSettings = AwsSettings()
    repositories: list[RepositorySettings] = []
    # service -> its runbook, linked in every diagnosis of it (an alert's runbook_url annotation comes first)
    runbooks: dict[str, Annotated[str, Field(pattern=r"^https?://[^\s<>|`]{1,490}$")]] = {}
    cloud_doctor_github_webhook_secret: SecretStr | None = None  # X-Hub-Signature-256's key
    cloud_doctor_repos_dir: Path | None = None  # where clones are kept; default a folder in the temp directory
    _bundles: dict[str, Path] | None = PrivateAttr(default=None)
    _services: list[str] | None = PrivateAttr(default=None)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (env_settings, init_settings)  # environment over the YAML, which comes in through init

    @property
    def store_url(self) -> str:
        if self.cloud_doctor_store:
            return self.cloud_doctor_store
        beside = self.cloud_doctor_config.parent if self.cloud_doctor_config else Path.cwd()
        return f"sqlite:///{(beside / 'cloud-doctor.db').resolve()}"

    def engine_options(self) -> dict[str, dict[str, Any]]:
        """Constructor arguments of each engine, by registry name."""
        gemini, bedrock = self.engines.gemini, self.engines.bedrock
        token = self.gemini_access_token.get_secret_value() if self.gemini_access_token else None
        return {
            "rules": {},
            "templates": {},
            "gemini": {
                "project": gemini.project,
                "location": gemini.location,
                "model": gemini.model,
                "base_url": gemini.base_url,
                "access_token": token,
                "timeout_seconds": gemini.timeout_seconds,
            },
            "bedrock": {
                "region": bedrock.region,
                "model_id": bedrock.model_id,
                "endpoint_url": bedrock.endpoint_url,
                "timeout_seconds": bedrock.timeout_seconds,
            },
        }

    def repository_for(self, service: str) -> RepositorySettings | None:
        """The repository a service's approved fixes go to, if any."""
        return next((r for r in self.repositories if not r.services or service in r.services), None)

    def serves_live(self, service: str) -> bool:
        """Whether a configured cluster answers for this service (live telemetry wins over bundles)."""
        return any(not c.services or service in c.services for c in self.clusters)

    def known_services(self) -> list[str]:
        """Every name a command accepts (bundled examples answer to their folder name and a short alias)."""
        if self._services is None:  # asked on every command
            self._services = sorted(set(self.incident_bundles()) | {s for c in self.clusters for s in c.services})
        return self._services

    def listed_services(self) -> list[str]:
        """One name per service for people to read: a bundle reached by a short alias is listed once, by it."""
        bundles = self.incident_bundles()
        by_path: dict[Path, str] = {}
        for name, path in sorted(bundles.items(), key=lambda kv: (len(kv[0]), kv[0])):
            by_path.setdefault(path, name)  # the shortest name of each bundle
        return sorted(set(by_path.values()) | {s for c in self.clusters for s in c.services})

    def incident_bundles(self) -> dict[str, Path]:
        """Service name -> bundle; with none configured, the bundled examples (`checkout-oom`, `checkout`)."""
        if self._bundles is None:
            self._bundles = self._find_bundles()
        return self._bundles

    def _find_bundles(self) -> dict[str, Path]:
        if self.incidents:
            return dict(self.incidents)
        found: dict[str, Path] = {}
        for bundle in sorted(EXAMPLES.glob("*/incident.json")):
            found[bundle.parent.name] = bundle.parent
        short: dict[str, list[Path]] = {}
        for name, path in found.items():
            short.setdefault(name.rsplit("-", 1)[0], []).append(path)
        found.update({k: v[0] for k, v in short.items() if len(v) == 1 and k not in found})
        return found


def load_settings(require_slack: bool = False) -> Settings:
    """Read and validate everything at once; one error lists every problem with what to do."""
    problems: list[str] = []
    raw: dict[str, Any] = {}
    config = os.environ.get("CLOUD_DOCTOR_CONFIG")
    if config:
        raw = _read_yaml(Path(config), problems)
    for key in SECRET_FIELDS:
        if key in raw or key.upper() in raw:
            problems.append(f"{config}: {key}: secrets come only from the environment; set {key.upper()} instead")
            raw.pop(key, None)
            raw.pop(key.upper(), None)
    settings = None
    try:
        settings = Settings(**raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"{config or 'environment'}: {where}: {_explain(err)}")
    if settings is not None:
        problems += _check(settings, require_slack)
    if problems:
        raise CloudDoctorError("settings have problems:\n" + "\n".join(f"  - {p}" for p in problems))
    assert settings is not None
    use_cloud_identity(settings)
    return settings


SECRET_WORDS = ("token", "secret", "password", "passwd", "api_key", "apikey", "private_key", "credential")
# Where a secret someone wrote into the YAML belongs instead.
SECRET_HOMES = {
    ("slack", "bot_token"): "SLACK_BOT_TOKEN",
    ("slack", "token"): "SLACK_BOT_TOKEN",
    ("slack", "signing_secret"): "SLACK_SIGNING_SECRET",
    ("webhooks", "token"): "CLOUD_DOCTOR_WEBHOOK_TOKEN",
    ("engines", "gemini", "access_token"): "GEMINI_ACCESS_TOKEN",
}


def _explain(err: Any) -> str:
    """pydantic's message, except for a key that is a secret: say so, and where the secret goes."""
    loc = tuple(str(p) for p in err["loc"])
    key = loc[-1].lower() if loc else ""
    unknown = err["type"] in ("extra_forbidden", "unexpected_keyword_argument")
    path = tuple(p for p in loc if not p.isdigit())
    if not unknown or not any(word in key for word in SECRET_WORDS):
        if unknown:
            hidden = {*SECRET_FIELDS, "cloud_doctor_config"}  # from the environment only
            accepted = ", ".join(f for f in _section_fields(path[:-1]) if f not in hidden) or "see README"
            return f"not a setting here (misspelt, or in the wrong section?); this section takes: {accepted}"
        return str(err["msg"])
    home = SECRET_HOMES.get(path)
    if home:
        return f"is a secret: secrets come only from the environment; remove it here and set {home}"
    named = [f"`{f}`" for f in _section_fields(path[:-1]) if f.endswith("_env")]
    if named:
        return (
            "is a secret: secrets never sit in the YAML; put it in an environment variable and give that "
            f"variable's name in {' or '.join(named)}"
        )
    return "is a secret: secrets never sit in the YAML, and this section takes none (README, Settings)"


def _section_fields(path: tuple[str, ...]) -> list[str]:
    """The field names of the settings section at a YAML path such as ("clusters", "loki"), through lists and
    optionals: pydantic models and the collectors' dataclasses alike."""
    import dataclasses

    section: Any = Settings
    for part in path:
        fields = getattr(section, "model_fields", None) or {f.name: f for f in dataclasses.fields(section)}
        field = fields.get(part)
        if field is None:
            return []
        annotation = getattr(field, "annotation", None) or field.type
        found = [
            t for t in (annotation, *_inner(annotation)) if hasattr(t, "model_fields") or dataclasses.is_dataclass(t)
        ]
        if not found:
            return []
        section = found[0]
    if dataclasses.is_dataclass(section):
        return [f.name for f in dataclasses.fields(section)]
    return list(section.model_fields)


def _inner(annotation: Any) -> list[Any]:
    from typing import get_args

    args = list(get_args(annotation))
    return args + [inner for a in args for inner in get_args(a)]


def use_cloud_identity(settings: Settings) -> None:
    """AWS sessions of this process take the keyless web identity when `aws.web_identity_role_arn` is set
    (worker processes call this too: they receive the settings, not the environment)."""
    use_web_identity(settings.aws.identity())


def _read_yaml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"CLOUD_DOCTOR_CONFIG={path}: cannot read it ({exc.strerror})")
        return {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problems.append(f"{path}:{where} is not valid YAML: {getattr(exc, 'problem', exc)}")
        return {}
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.append(f"{path}: the top level must be a mapping of sections (slack, incidents, ...)")
        return {}
    base = path.parent
    incidents = doc.get("incidents")
    if isinstance(incidents, dict):  # bundle paths are relative to the config file
        doc["incidents"] = {k: str((base / str(v)).resolve()) for k, v in incidents.items()}
    webhooks = doc.get("webhooks")
    if isinstance(webhooks, dict) and isinstance(webhooks.get("sns_certificates"), dict):
        webhooks["sns_certificates"] = {
            k: str((base / str(v)).resolve()) for k, v in webhooks["sns_certificates"].items()
        }
    return doc


def _check(settings: Settings, require_slack: bool) -> list[str]:
    problems = []
    if require_slack:
        for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
            if getattr(settings, name.lower()) is None:
                problems.append(f"environment: {name} is required to serve Slack")
    if not settings.store_url.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg://")):
        problems.append("environment: CLOUD_DOCTOR_STORE must be sqlite:///path.db or postgresql://...")
    for service, path in settings.incidents.items():
        if not (path / "incident.json").is_file():
            problems.append(f"incidents.{service}: {path} is not an incident bundle (no incident.json)")
    if not settings.slack_api_url.startswith(("http://", "https://")):
        problems.append("environment: SLACK_API_URL must be an http(s) URL")
    if settings.cloud_doctor_webhook_token or settings.webhooks.sns_topics:
        catch_all = any(not r.match for r in settings.routes)
        if not settings.slack.default_channel and not catch_all:
            problems.append(
                "slack.default_channel: alert webhooks are enabled; name the channel for alerts no route matches"
            )
    hooks = settings.webhooks
    if seconds(hooks.retention) < max(seconds(hooks.cooldown), seconds(hooks.group_window)):
        problems.append("webhooks.retention: keep alert history at least as long as cooldown and group_window")
    for url, pem in settings.webhooks.sns_certificates.items():
        if not is_sns_url(url):
            problems.append(f"webhooks.sns_certificates: {url} is not an https://sns.<region>.amazonaws.com/ URL")
        if not pem.is_file():
            problems.append(f"webhooks.sns_certificates.{url}: {pem} is not a file (a PEM certificate)")
    return problems
