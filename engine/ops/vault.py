"""Optional HashiCorp Vault KV v2 secret store: secrets not set in the environment are read from Vault.

One KV v2 secret at `settings.vault.mount`/`settings.vault.path` holds the secrets under their
environment names (`AEGIS_TELEGRAM__BOT_TOKEN`, `AEGIS_SOURCES__BIZINFO_API_KEY`, ...). The environment
and `.env` win; Vault fills what they leave unset. Reads use `raise_on_deleted_version=True`, so a
deleted latest version is an error rather than silently no secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, SecretStr

from engine.errors import AegisError
from engine.settings import Settings, iter_secrets

if TYPE_CHECKING:
    import hvac

VAULT_TIMEOUT_S = 10


class VaultError(AegisError):
    """Vault could not be read or written (unreachable, forbidden, deleted version)."""

    user_message = "Vault에서 비밀 값을 읽거나 쓰지 못했습니다 (AEGIS_VAULT__URL·토큰·경로 확인)."


def vault_client(settings: Settings) -> hvac.Client:
    """Return an hvac client for the configured Vault (token from settings.vault.token)."""
    import hvac

    token = settings.vault.token.get_secret_value() if settings.vault.token else None
    return hvac.Client(url=settings.vault.url, token=token, timeout=VAULT_TIMEOUT_S)


def read_secrets(settings: Settings, client: hvac.Client | None = None) -> tuple[dict[str, str], int | None]:
    """Return (the secret's data, its version) from Vault KV v2."""
    import hvac.exceptions
    import requests

    client = client or vault_client(settings)
    try:
        response = client.secrets.kv.v2.read_secret_version(
            path=settings.vault.path, mount_point=settings.vault.mount, raise_on_deleted_version=True
        )
    except hvac.exceptions.InvalidPath as exc:
        raise VaultError(f"Vault has no secret at {settings.vault.mount}/{settings.vault.path}") from exc
    except (hvac.exceptions.VaultError, requests.RequestException) as exc:
        raise VaultError(f"Vault read failed: {type(exc).__name__}") from exc
    data = response.get("data") or {}
    values = {str(k): str(v) for k, v in (data.get("data") or {}).items() if v not in (None, "")}
    version = (data.get("metadata") or {}).get("version")
    return values, int(version) if version is not None else None


def write_secrets(
    settings: Settings, values: dict[str, str], *, cas: int | None, client: hvac.Client | None = None
) -> int:
    """Write a new version of the secret (check-and-set against `cas`); return the new version."""
    import hvac.exceptions
    import requests

    client = client or vault_client(settings)
    try:
        response = client.secrets.kv.v2.create_or_update_secret(
            path=settings.vault.path, secret=values, cas=cas, mount_point=settings.vault.mount
        )
    except (hvac.exceptions.VaultError, requests.RequestException) as exc:
        raise VaultError(f"Vault write failed: {type(exc).__name__}") from exc
    return int((response.get("data") or {}).get("version") or 0)


def secret_path(env_name: str) -> list[str]:
    """Return the attribute path of a secret's environment name (`AEGIS_LLM__OPENAI__API_KEY` → llm.openai.api_key)."""
    return [part.lower() for part in env_name.removeprefix("AEGIS_").split("__")]


def with_secret(settings: Settings, env_name: str, value: str | None) -> Settings:
    """Return a copy of the settings with one secret replaced (None unsets it)."""
    path = secret_path(env_name)

    def replace(model: BaseModel, rest: list[str]) -> Any:
        head = rest[0]
        if len(rest) == 1:
            return model.model_copy(update={head: SecretStr(value) if value is not None else None})
        return model.model_copy(update={head: replace(getattr(model, head), rest[1:])})

    result: Settings = replace(settings, path)
    return result


def apply_vault(settings: Settings, client: hvac.Client | None = None) -> Settings:
    """Fill every secret the environment left unset from Vault; return the settings unchanged without a Vault URL."""
    if not settings.vault.url:
        return settings
    values, _version = read_secrets(settings, client)
    for env_name, current in iter_secrets(settings):
        if current is None and env_name in values and env_name != "AEGIS_VAULT__TOKEN":
            settings = with_secret(settings, env_name, values[env_name])
    return settings
