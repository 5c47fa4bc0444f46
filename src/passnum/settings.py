"""Every setting comes from the environment, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-secret-change-me-in-production"  # noqa: S105 - refused in production
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# none: plain SMTP (a relay on the same machine or network); starttls: upgrade on port 587;
# tls: TLS from the first byte (port 465).
SMTP_TLS_MODES = ("none", "starttls", "tls")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
# The national address API (Base Adresse Nationale); any server speaking its protocol (addok).
DEFAULT_GEOCODER_URL = "https://api-adresse.data.gouv.fr"
# PASSNUM_GEOCODER_URL=off: no geocoder (staff place sites by hand; the tests).
OFF_VALUES = ("off", "none")
DEFAULT_MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_MAP_TILES_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d\'OpenStreetMap</a>'
)
# The account payment runs are paid from (PASSNUM_OPERATOR_IBAN / _BIC): an example one (Banque
# de France, treasury) for development and the demo; set the operator's own in production.
DEFAULT_OPERATOR_IBAN = "FR7630001007941234567890185"
DEFAULT_OPERATOR_BIC = "BDFEFRPPCCT"
# Written by `passnum serve` when PASSNUM_PUBLIC_URL is unset (development): the address it serves.
SERVED_URL_VARIABLE = "PASSNUM_SERVED_URL"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    public_url: str  # PASSNUM_PUBLIC_URL, else (development) the address actually served
    public_url_set: bool  # whether PASSNUM_PUBLIC_URL was given (required in production)
    secret_key: str
    production: bool
    operator_name: str
    operator_phone: str
    session_hours: int
    db_pool_size: int
    smtp_host: str
    smtp_port: int
    smtp_sender: str
    smtp_tls: str
    smtp_user: str
    smtp_password: str = field(repr=False)
    rate_login_per_minute: int
    rate_scan_per_minute: int
    rate_limit_store: str
    lockout_attempts: int
    lockout_minutes: int
    timezone: str = "Europe/Paris"
    fake_now: str = ""
    log_format: str = "text"  # PASSNUM_LOG_FORMAT: text or json
    # A task worker silent this long is taken for dead; its running job goes to another worker.
    task_stalled_seconds: int = 30
    # Run the tasks inside `passnum serve` (default on SQLite) rather than in `passnum worker`.
    tasks_in_process: bool = False
    geocoder_url: str = DEFAULT_GEOCODER_URL  # "" when PASSNUM_GEOCODER_URL=off
    map_tiles_url: str = DEFAULT_MAP_TILES_URL  # "" when PASSNUM_MAP_TILES_URL=off
    map_tiles_attribution: str = DEFAULT_MAP_TILES_ATTRIBUTION
    # The operator's own account, debited by the SEPA credit transfers of payment runs.
    operator_iban: str = DEFAULT_OPERATOR_IBAN
    operator_bic: str = DEFAULT_OPERATOR_BIC
    # The fleet service's address(es), told of each new loan request; "": every staff account.
    fleet_email: str = ""

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "passnum.sqlite"

    @property
    def https(self) -> bool:
        return self.public_url.startswith("https://")


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PASSNUM_{name}", default).strip() or default


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = _env(name, default).lower()
    if value not in allowed:
        raise ValueError(f"PASSNUM_{name} doit valoir {', '.join(allowed)} (reçu : « {value} »).")
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings(
        database_url=_env("DATABASE_URL", ""),
        data_dir=Path(_env("DATA_DIR", str(PROJECT_ROOT / "var"))),
        public_url=(
            _env("PUBLIC_URL", "") or os.environ.get(SERVED_URL_VARIABLE) or DEFAULT_PUBLIC_URL
        ).rstrip("/"),
        public_url_set=bool(_env("PUBLIC_URL", "")),
        secret_key=_env("SECRET_KEY", DEFAULT_SECRET_KEY),
        production=_env("ENV", "development") == "production",
        operator_name=_env("OPERATOR_NAME", "Département de la Manche"),
        operator_phone=_env("OPERATOR_PHONE", "02 33 05 55 50"),
        session_hours=int(_env("SESSION_HOURS", "12")),
        db_pool_size=int(_env("DB_POOL_SIZE", "10")),
        smtp_host=_env("SMTP_HOST", ""),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_sender=_env("SMTP_SENDER", "passnum@localhost"),
        smtp_tls=_choice("SMTP_TLS", "none", SMTP_TLS_MODES),
        smtp_user=_env("SMTP_USER", ""),
        smtp_password=os.environ.get("PASSNUM_SMTP_PASSWORD", ""),
        rate_login_per_minute=int(_env("RATE_LOGIN_PER_MINUTE", "10")),
        rate_scan_per_minute=int(_env("RATE_SCAN_PER_MINUTE", "120")),
        rate_limit_store=_env("RATE_LIMIT_STORE", "file"),
        lockout_attempts=int(_env("LOCKOUT_ATTEMPTS", "5")),
        lockout_minutes=int(_env("LOCKOUT_MINUTES", "15")),
        timezone=_env("TIMEZONE", "Europe/Paris"),
        fake_now=_env("FAKE_NOW", ""),
        log_format=_choice("LOG_FORMAT", "text", ("text", "json")),
        task_stalled_seconds=int(_env("TASK_STALLED_SECONDS", "30")),
        tasks_in_process=_choice(
            "TASKS_IN_PROCESS",
            "no" if _env("DATABASE_URL", "") else "yes",
            ("yes", "no"),
        )
        == "yes",
        geocoder_url=_switchable("GEOCODER_URL", DEFAULT_GEOCODER_URL).rstrip("/"),
        map_tiles_url=_switchable("MAP_TILES_URL", DEFAULT_MAP_TILES_URL),
        map_tiles_attribution=_env("MAP_TILES_ATTRIBUTION", DEFAULT_MAP_TILES_ATTRIBUTION),
        operator_iban=_env("OPERATOR_IBAN", DEFAULT_OPERATOR_IBAN).replace(" ", "").upper(),
        operator_bic=_env("OPERATOR_BIC", DEFAULT_OPERATOR_BIC).replace(" ", "").upper(),
        fleet_email=_env("FLEET_EMAIL", ""),
    )


def _switchable(name: str, default: str) -> str:
    """A service's address: its default when unset, "" when set to ``off``."""
    value = _env(name, default)
    return "" if value.lower() in OFF_VALUES else value


def served_url(host: str, port: int) -> str:
    """The address ``passnum serve --host --port`` answers on, as a browser on this machine types
    it (a wildcard host is reached through 127.0.0.1)."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
