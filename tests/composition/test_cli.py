"""The `passnum` command as an IT person runs it: real processes on a fresh SQLite data folder."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.live_server import DataTemplates, _free_port, _wait_until_up

PASSNUM = Path(sys.executable).with_name("passnum")


def run(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env["PASSNUM_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [str(PASSNUM), *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, data_templates: DataTemplates) -> Path:
    """A folder where `passnum migrate` then `passnum demo` ran (a copy of the run's template)."""
    return data_templates.copy(data_templates.demo, tmp_path_factory.mktemp("passnum-data"))


def test_migrate_creates_the_sqlite_database_and_is_safe_to_rerun(demo_dir):
    assert (demo_dir / "passnum.sqlite").exists()
    assert "à jour" in run(demo_dir, "migrate").stdout


def test_demo_prints_one_login_per_role_in_french_and_can_be_loaded_twice(demo_dir):
    out = run(demo_dir, "demo").stdout
    for role in ("Agent du Département", "Financeur", "Prescripteur", "Agent d'un lieu qualifié"):
        assert role in out
    assert "site_agent" not in out  # the role's word, never its code
    assert "mot de passe" in out


def test_token_create_prints_a_token_and_revoke_refuses_an_unknown_one(demo_dir):
    token = run(demo_dir, "token", "create", "agent@demo.passnum.fr").stdout.strip()
    assert token.startswith("pn_") and len(token) > 30
    assert "révoqué" in run(demo_dir, "token", "revoke", token).stdout
    again = run(demo_dir, "token", "revoke", token, check=False)
    assert again.returncode == 1 and "inconnu" in again.stderr


def test_token_for_an_unknown_email_fails_with_a_clear_message(demo_dir):
    result = run(demo_dir, "token", "create", "personne@nulle.part", check=False)
    assert result.returncode == 1
    assert "Aucun utilisateur" in result.stderr


def test_user_create_invites_and_prints_the_link_when_no_smtp_is_configured(demo_dir):
    result = run(
        demo_dir,
        "user",
        "create",
        "nouveau@demo.fr",
        "--organisation-id",
        "1",
        "--role",
        "staff",
    )
    assert "nouveau@demo.fr" in result.stdout
    assert "/invitation/" in result.stdout and "72 heures" in result.stdout


def test_user_create_no_longer_takes_a_password(demo_dir):
    result = run(
        demo_dir,
        "user",
        "create",
        "autre@demo.fr",
        "--organisation-id",
        "1",
        "--role",
        "staff",
        "--password",
        "abcabcabcabc",
        check=False,
    )
    assert result.returncode == 2
    assert "abcabcabcabc" not in result.stdout


def test_serve_refuses_production_mode_with_the_default_secret(demo_dir, monkeypatch):
    monkeypatch.setenv("PASSNUM_ENV", "production")
    result = run(demo_dir, "serve", "--port", "8765", check=False)
    assert result.returncode == 2
    assert "PASSNUM_SECRET_KEY" in result.stderr


def test_serve_refuses_production_mode_while_demo_accounts_are_active(demo_dir, monkeypatch):
    monkeypatch.setenv("PASSNUM_ENV", "production")
    monkeypatch.setenv("PASSNUM_SECRET_KEY", "a-real-secret-for-this-test-only")
    result = run(demo_dir, "serve", "--port", "8765", check=False)
    assert result.returncode == 2
    assert "comptes de démonstration" in result.stderr


def test_serve_refuses_production_mode_without_a_public_url(demo_dir, monkeypatch):
    monkeypatch.setenv("PASSNUM_ENV", "production")
    monkeypatch.setenv("PASSNUM_SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.delenv("PASSNUM_PUBLIC_URL", raising=False)
    result = run(demo_dir, "serve", "--port", "8765", check=False)
    assert result.returncode == 2
    assert "PASSNUM_PUBLIC_URL doit être défini en production" in result.stderr


def test_serve_without_a_public_url_links_to_the_port_it_actually_serves(demo_dir, monkeypatch):
    monkeypatch.delenv("PASSNUM_PUBLIC_URL", raising=False)
    token = run(demo_dir, "token", "create", "agent@demo.passnum.fr").stdout.strip()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env["PASSNUM_DATA_DIR"] = str(demo_dir)
    log = demo_dir / "serve-without-public-url.log"
    process = subprocess.Popen(
        [str(PASSNUM), "serve", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/health", process, log)
        headers = {"Authorization": f"Bearer {token}"}
        link = httpx.get(f"{base}/api/v1/fleet/ical-url", headers=headers).json()["url"]
        assert link.startswith(f"{base}/equipment/ical/")
        assert httpx.get(link).status_code == 200  # the link printed works on this server
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_user_add_membership_gives_an_existing_person_a_second_organisation(demo_dir):
    # The demo's staff agent also becomes a funder of the Département (organisation 1).
    args = ("user", "add-membership", "agent@demo.passnum.fr", "--organisation-id", "1")
    assert "Rattachement ajouté" in run(demo_dir, *args, "--role", "funder").stdout
    again = run(demo_dir, *args, "--role", "funder", check=False)
    assert again.returncode == 1 and "déjà rattachée" in again.stderr
    wrong = run(demo_dir, *args, "--role", "site_agent", check=False)
    assert wrong.returncode == 1 and "rôle requis" in wrong.stderr


def test_user_reset_two_factor_removes_a_lost_phone_from_the_command_line(demo_dir):
    """The last staff member's phone and recovery codes lost: nobody is left to reset it on the
    staff page, so the command does (its sessions end too)."""
    import sqlite3

    with sqlite3.connect(demo_dir / "passnum.sqlite") as db:
        (user_id,) = db.execute(
            "SELECT id FROM piccolo_user WHERE email = 'agent@demo.passnum.fr'"
        ).fetchone()
        db.execute(
            'INSERT INTO two_factor ("user", secret, enabled_at, last_step, created_at) '
            "VALUES (?, 'JBSWY3DPEHPK3PXP', '2027-03-01 09:00:00', 0, '2027-03-01 09:00:00')",
            (user_id,),
        )
    out = run(demo_dir, "user", "reset-two-factor", "AGENT@demo.passnum.fr").stdout
    assert "Double authentification réinitialisée" in out
    with sqlite3.connect(demo_dir / "passnum.sqlite") as db:
        assert db.execute("SELECT count(*) FROM two_factor").fetchone() == (0,)
    again = run(demo_dir, "user", "reset-two-factor", "agent@demo.passnum.fr").stdout
    assert "n'avait pas de double authentification" in again
    unknown = run(demo_dir, "user", "reset-two-factor", "personne@nulle.part", check=False)
    assert unknown.returncode == 1 and "Aucun utilisateur" in unknown.stderr
