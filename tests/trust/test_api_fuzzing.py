"""Schemathesis against /schema/openapi.json of a real server, authenticated as each role.

A bounded number of generated requests per operation; the run fails on any 500 or any response
that does not match the documented schema.
"""

import subprocess
import sys
from pathlib import Path

import pytest

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
ROLES = {
    "anonyme": None,
    "staff": "agent@demo.passnum.fr",
    "funder": "financeur@demo.passnum.fr",
    "prescriber": "prescriptrice@demo.passnum.fr",
    "site_agent": "mairie.sainteny@demo.passnum.fr",
}


def fuzz(url: str, token: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    headers = ["-H", f"Authorization: Bearer {token}"] if token else []
    return subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance",
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
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_generated_request_breaks_the_api(live_server, role):
    email = ROLES[role]
    token = live_server.passnum("token", "create", email).strip() if email else None
    result = fuzz(live_server.url, token)
    assert result.returncode == 0, result.stdout[-6000:]
