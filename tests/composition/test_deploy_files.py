"""deploy/: the compose file an operator copies parses and says what the README asks for
production; the Dockerfile builds in two stages and runs `passnum serve` as a non-root user.
(Docker is not on the development machines: nothing here builds or starts a container.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgresql_two_applications_and_an_https_proxy() -> None:
    services = _compose()["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["proxy"]["image"].startswith("caddy:")
    apps = [services["app1"], services["app2"]]
    for app in apps:
        assert "command" not in app  # the image's default: passnum serve
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = app["environment"]
        assert env["PASSNUM_ENV"] == "production"
        assert env["PASSNUM_PUBLIC_URL"].startswith("https://")
        assert env["PASSNUM_SECRET_KEY"].startswith("${PASSNUM_SECRET_KEY:?")  # required
        assert env["PASSNUM_DATABASE_URL"].startswith("postgresql://")
        assert env["PASSNUM_LOG_FORMAT"] == "json"
        assert int(app["stop_grace_period"].rstrip("s")) > _graceful_timeout()
    assert services["migrate"]["command"] == ["passnum", "migrate"]
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy app1:8000 app2:8000" in caddyfile
    assert "health_uri /health" in caddyfile


def _graceful_timeout() -> int:
    match = re.search(r'"--graceful-timeout", "(\d+)"', (DEPLOY / "Dockerfile").read_text())
    assert match, "the Dockerfile's command sets --graceful-timeout"
    return int(match.group(1))


def test_the_image_is_built_in_two_stages_and_serves_as_a_non_root_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    assert "COPY --from=build /opt/passnum /opt/passnum" in dockerfile
    (user,) = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert not user.startswith(("0", "root"))
    assert re.search(r'^CMD \["passnum", "serve", "--host", "0\.0\.0\.0"', dockerfile, re.M)


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run(
        [hadolint, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_a_worker_for_the_background_tasks() -> None:
    services = _compose()["services"]
    worker = services["worker"]
    assert worker["command"] == ["passnum", "worker"]
    assert worker["image"] == services["app1"]["image"]  # app and worker from one image
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["environment"]["PASSNUM_DATABASE_URL"].startswith("postgresql://")
    assert int(worker["stop_grace_period"].rstrip("s")) > 25  # a job's graceful delay
