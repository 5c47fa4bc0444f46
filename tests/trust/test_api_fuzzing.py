"""Schemathesis against /schema/openapi.json of a real server, authenticated as each role.

A bounded number of generated requests per operation; the run fails on any 500 or any response
that does not match the documented schema. Each role is fuzzed on the operations the access table
of ``test_permissions_matrix`` lets it into: elsewhere the guard answers 401 or 403 before the
request is read (that test proves it for every route), so generating bodies there tests nothing.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import DataTemplates, LiveServer, serving_the_demo
from tests.smtp_server import SmtpServer
from tests.trust.test_permissions_matrix import EXPECTED

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")  # PDF bodies sent as their bytes
ROLES = {
    "anonymous": None,
    "staff": "agent@demo.passnum.fr",
    "funder": "financeur@demo.passnum.fr",
    "prescriber": "prescriptrice@demo.passnum.fr",
    "site_agent": "mairie.sainteny@demo.passnum.fr",
}


def operations_open_to(role: str) -> str:
    """A regular expression matching the names ("GET /api/v1/me") of the role's operations."""
    names = [key for key, who in EXPECTED.items() if who == "public" or role in who.split()]
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


def fuzz(url: str, token: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    headers = ["-H", f"Authorization: Bearer {token}"] if token else []
    return subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,"
            "content_type_conformance",
            "--max-examples",
            "15",
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "--suppress-health-check",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            *headers,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
    )


@pytest.fixture(scope="module")
def fuzzed_server(
    tmp_path_factory: pytest.TempPathFactory,
    data_templates: DataTemplates,
    _smtp_controller: SmtpServer,
) -> Iterator[LiveServer]:
    """A server of the fuzzing's own: the organisations, positions and loans it makes up must not
    reach the browser journeys' server (one of them once paged a demo site off a list)."""
    folder = tmp_path_factory.mktemp("fuzzed-data")
    with serving_the_demo(data_templates, folder, _smtp_controller) as server:
        yield server


@pytest.mark.parametrize("role", ROLES)
def test_no_generated_request_breaks_the_api(fuzzed_server, role):
    email = ROLES[role]
    token = fuzzed_server.passnum("token", "create", email).strip() if email else None
    result = fuzz(fuzzed_server.url, token, "--include-name-regex", operations_open_to(role))
    assert result.returncode == 0, result.stdout[-6000:]
    selected = re.search(r"Selected: (\d+)/", result.stdout)
    assert selected and int(selected.group(1)) > 0, result.stdout[-2000:]
