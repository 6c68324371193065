"""Settings on pydantic-settings: one base, one subclass per service.

Every field can be overridden from the environment as `WOONREGIE_<FIELD>` (for example
`WOONREGIE_KAFKA_BOOTSTRAP`, `WOONREGIE_DATABASE_URL`, `WOONREGIE_PORT`). A process runs one
service, so the variables of a process are that service's settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class WoonregieSettings(BaseSettings):
    # Secrets may come from files named like the variable, lower case, in the folder
    # WOONREGIE_SECRETS_DIR names (compose mounts its `secrets:` in /run/secrets).
    model_config = SettingsConfigDict(env_prefix="WOONREGIE_", env_file=".env", extra="ignore",
                                      secrets_dir=os.environ.get("WOONREGIE_SECRETS_DIR"))

    service_name: str = "woonregie"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = REPO_ROOT / "data"
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file per service in data_dir"
    )
    auth_database_url: str | None = Field(
        default=None, description="token store shared by the services; default data_dir/auth.db"
    )
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    otel_endpoint: str = "http://127.0.0.1:4318"
    log_level: str = "INFO"
    log_json: bool = True
    outbox_poll_seconds: float = 0.2
    max_body_bytes: int = 1_000_000
    kafka_reconnect_backoff_ms: int = Field(
        default=50, ge=1, description="first wait before a Kafka client reconnects")
    kafka_reconnect_backoff_max_ms: int = Field(
        default=1_000, ge=1, description="longest wait between reconnects (kafka-python's "
        "default, 30 s, kept a client away that long after the broker returned)")
    kafka_fetch_min_bytes: int = Field(
        default=65_536, ge=1, description="a kafka-python consumer's fetch waits for this "
        "many bytes (or kafka_fetch_max_wait_ms): a busy topic comes in fewer, larger "
        "batches, one transaction and one offset commit each")
    kafka_fetch_max_wait_ms: int = Field(
        default=100, ge=0, le=1_000, description="how long a fetch waits for "
        "kafka_fetch_min_bytes: the most an event on a quiet topic waits to be read")
    person_token_minutes: int = Field(
        default=5, ge=1, le=60, description="lifetime of the portal's signed person tokens")
    person_token_key_file: Path | None = Field(
        default=None, description="the portal's Ed25519 private key (PEM) for person tokens; "
        "unset: a key created once in data_dir (development only)")
    person_token_jwks: str | None = Field(
        default=None, description="the portal's public keys, a JWKS file or URL (its "
        "/.well-known/jwks.json); default: data_dir/portal-jwks.json")

    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / f'{self.service_name}.db'}"

    def auth_db_url(self) -> str:
        if self.auth_database_url:
            return self.auth_database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'auth.db'}"

    def kafka_security(self) -> dict:
        """Security keyword arguments understood by kafka-python clients."""
        options: dict = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            password = self.kafka_sasl_password
            options["sasl_plain_password"] = password.get_secret_value() if password else None
        if self.kafka_ssl_cafile:
            options["ssl_cafile"] = str(self.kafka_ssl_cafile)
        return options

    def kafka_fetch(self) -> dict:
        """Fetch batching keyword arguments of kafka-python consumers."""
        return {"fetch_min_bytes": self.kafka_fetch_min_bytes,
                "fetch_max_wait_ms": self.kafka_fetch_max_wait_ms}

    def kafka_reconnect(self) -> dict:
        """Reconnect backoff keyword arguments of kafka-python clients."""
        return {"reconnect_backoff_ms": self.kafka_reconnect_backoff_ms,
                "reconnect_backoff_max_ms": self.kafka_reconnect_backoff_max_ms}


class RegistrySettings(WoonregieSettings):
    service_name: str = "registry"
    port: int = 8001
    turnover_rate: float = Field(
        default=0.07, description="yearly share of social stock that is re-let (mutatiegraad)"
    )
    load_reference_data: bool = Field(
        default=True, description="on start, store and publish new or changed reference data"
    )
    reference_data_path: Path | None = Field(
        default=None, description="reference data JSON; default: the file bundled with registry"
    )
    social_stock_per_inhabitant: float = Field(
        default=0.138, ge=0,
        description="fallback while no stock is registered: ~30% social rent of ~277,000 "
                    "dwellings (2017) over 602,833 inhabitants (2025)",
    )
    feed_consumer_group: str = "registry-feed"
    feed_topics_refresh_ms: int = Field(
        default=30_000, ge=500,
        description="how often registry looks for new corporations' feed topics (by pattern)")


class IntakeSettings(WoonregieSettings):
    service_name: str = "intake"
    port: int = 8002
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="HMAC key for BSN pseudonyms; unset: a random key kept in data_dir (dev only)",
    )
    encryption_key: SecretStr | None = Field(
        default=None,
        description="Fernet key for personal data at rest; unset: a random key kept in data_dir",
    )
    default_urgency_validity_days: int = 90
    expiry_check_seconds: float = 60.0
    consumer_group: str = "intake"


class AllocationSettings(WoonregieSettings):
    service_name: str = "allocation"
    port: int = 8003
    proposal_expiry_days: int = 14
    consumer_group: str = "allocation"
    pacing: Literal["even", "front-loaded"] = Field(
        default="even", description="how the fair-share controller spreads a municipality's "
        "target: even over the period's lettings, or front-loaded up to the top of the band")
    band_tolerance: float = Field(default=0.02, ge=0, le=1,
                                  description="front-loaded fills up to ceil(T * (1 + this))")
    decision_lead_days: int | None = Field(
        default=None, ge=0, description="decide a vacancy this many days before the dwelling "
        "is free (the worker's timer does it); unset: when it is announced")
    timer_seconds: float = Field(
        default=300.0, ge=1, description="how often the worker expires proposals and decides "
        "held-back vacancies, by the clock's date (a back-filled year sets it long)")


class MonitoringSettings(WoonregieSettings):
    service_name: str = "monitoring"
    port: int = 8004
    stalled_proposal_days: int = 10
    consumer_group: str = "monitoring"
    suppression_threshold: int = 5
    alert_check_seconds: float = Field(
        default=30.0, description="how often bands and stalled proposals are checked for alerts"
    )
    band_relative_tolerance: float = Field(
        default=0.10, ge=0, description="on track while |lag| <= max(minimum, relative * expected)"
    )
    band_minimum_tolerance: float = Field(default=1.0, ge=0)
    dashboard_refresh_seconds: int = Field(default=5, ge=1, le=3600)
    metrics_exact: bool = Field(
        default=False,
        description="/metrics shows exact realisation counts (else cells under the threshold "
                    "are left out); only for a /metrics reachable from the ops network alone",
    )
    stalled_accepted_days: int = Field(
        default=30, ge=0,
        description="an accepted proposal without a move-in for longer than this raises an alert")


class PortalSettings(WoonregieSettings):
    """The portal: people's web application; it owns accounts and sessions only."""

    service_name: str = "portal"
    port: int = 8000
    platform_urls: str = Field(
        default="registry=http://127.0.0.1:8001,intake=http://127.0.0.1:8002,"
                "allocation=http://127.0.0.1:8003,monitoring=http://127.0.0.1:8004",
        description="where the services' APIs are: name=url pairs, comma separated",
    )
    session_idle_minutes: int = Field(default=30, ge=1, description="idle session expiry")
    session_absolute_hours: int = Field(default=12, ge=1, description="absolute session expiry")
    cookie_secure: bool = Field(default=False, description="Secure cookie: set when served "
                                "over TLS (behind a TLS-terminating proxy too)")
    lockout_attempts: int = Field(default=5, ge=1, description="failed logins before lockout")
    lockout_minutes: int = Field(default=15, ge=1)
    page_size: int = Field(default=20, ge=1, le=200)
    oidc_issuer: str | None = Field(default=None, description="OIDC single sign-on; unset: off")
    oidc_client_id: str = Field(default="woonregie-portal", description="the portal's client "
                                "at the OIDC provider")
    oidc_client_secret: SecretStr | None = Field(default=None, description="its secret; or "
                                                 "oidc_client_secret_file")
    oidc_client_secret_file: Path | None = Field(default=None, description="a file holding it "
                                                 "(a mounted secret)")
    oidc_redirect_url: str | None = Field(default=None, description="the callback URL registered "
                                          "at the provider; default: derived from the request")
    oidc_scopes: str = "openid email profile"
    oidc_org_claim: str = Field(default="woonregie_org", description="claim naming the org")
    oidc_role_claim: str = Field(default="woonregie_role", description="claim naming the role")
    oidc_groups_claim: str = Field(default="groups", description="claim listing groups, for "
                                   "oidc_group_map")
    oidc_group_map: dict[str, tuple[str, str]] = Field(
        default_factory=dict, description='group -> [org, role], JSON: {"/lentis/zorg": '
        '["Lentis", "care-provider"]}; used when the org and role claims are absent')
    notifications_database_url: str | None = Field(
        default=None, description="notices of what waits for whom; default "
        "data_dir/portal-notifications.db")
    notifications_consumer_group: str = "portal-notifications"
    public_url: str = Field(default="http://127.0.0.1:8000", description="the portal's address "
                            "as people reach it, for the links in e-mails")
    smtp_host: str | None = Field(default=None, description="e-mail notifications; unset: none")
    smtp_port: int = 25
    smtp_from: str = "Woonregie <noreply@woonregie.localhost>"
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_poll_seconds: float = Field(default=5.0, gt=0, description="how often unsent "
                                     "notices are mailed")

    def oidc_secret(self) -> str | None:
        if self.oidc_client_secret_file:
            return self.oidc_client_secret_file.read_text().strip() or None
        return self.oidc_client_secret.get_secret_value() if self.oidc_client_secret else None

    def notifications_db_url(self) -> str:
        if self.notifications_database_url:
            return self.notifications_database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'portal-notifications.db'}"

    def service_url(self, name: str) -> str:
        pairs = dict(item.split("=", 1) for item in self.platform_urls.split(",") if "=" in item)
        return pairs[name].rstrip("/")
