"""One clock, in the operator's time zone, whatever the server's zone; tests and a live test server
can move it, production cannot."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from organisations.demo import DEMO_PASSWORD
from passnum import clock
from tests.live_server import PASSNUM, _free_port, _wait_until_up

PARIS_SUMMER = timedelta(hours=2)
PARIS_WINTER = timedelta(hours=1)


@pytest.fixture
def server_in_new_york() -> Iterator[None]:
    """The server's own zone is neither UTC nor Paris."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_now_is_paris_time_whatever_the_server_zone(server_in_new_york: None) -> None:
    now = clock.now()
    assert now.tzinfo is not None
    assert str(now.tzinfo) == "Europe/Paris"
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
    assert now.utcoffset() in (PARIS_WINTER, PARIS_SUMMER)
    assert clock.stamp().tzinfo is None
    assert abs(clock.stamp() - now.replace(tzinfo=None)) < timedelta(seconds=2)


def test_late_evening_utc_on_the_31st_is_the_next_day_and_month_in_paris(clock_at) -> None:
    clock_at(datetime(2027, 1, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2027, 2, 1)
    assert clock.stamp() == datetime(2027, 2, 1, 0, 30)
    assert clock.now().isoformat() == "2027-02-01T00:30:00+01:00"


def test_stored_times_get_their_offset_back_across_a_dst_change() -> None:
    # Sunday 28 March 2027, 02:00 in Paris: clocks go forward to 03:00.
    assert clock.aware(datetime(2027, 3, 28, 1, 30)).isoformat() == "2027-03-28T01:30:00+01:00"
    assert clock.aware(datetime(2027, 3, 28, 3, 30)).isoformat() == "2027-03-28T03:30:00+02:00"
    before = datetime(2027, 3, 28, 0, 59, tzinfo=UTC)
    assert clock.to_stored(before) == datetime(2027, 3, 28, 1, 59)
    assert clock.to_stored(before + timedelta(minutes=2)) == datetime(2027, 3, 28, 3, 1)


def test_a_moved_clock_stands_still_or_runs_on(clock_at) -> None:
    clock_at(datetime(2027, 6, 1, 12, 0))  # naive: the operator's wall clock
    assert clock.now().isoformat() == "2027-06-01T12:00:00+02:00"
    clock_at(datetime(2027, 6, 1, 12, 0), frozen=False)
    time.sleep(0.05)
    assert (
        timedelta(0) < clock.now() - datetime(2027, 6, 1, 10, 0, tzinfo=UTC) < timedelta(seconds=2)
    )


def _clock_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    code = "from passnum import clock; print(clock.now().isoformat())"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PASSNUM_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_server_started_for_tests_starts_its_clock_at_passnum_fake_now() -> None:
    result = _clock_in_subprocess(PASSNUM_FAKE_NOW="2027-01-31T23:30:00+00:00", TZ="UTC")
    assert result.returncode == 0, result.stderr
    started = datetime.fromisoformat(result.stdout.strip())
    assert started.utcoffset() == PARIS_WINTER
    assert abs(started - datetime(2027, 2, 1, 0, 30, tzinfo=PARIS)) < timedelta(seconds=30)


def test_passnum_fake_now_is_refused_in_production() -> None:
    result = _clock_in_subprocess(PASSNUM_FAKE_NOW="2027-01-31T23:30:00", PASSNUM_ENV="production")
    assert result.returncode != 0
    assert "PASSNUM_FAKE_NOW est refusé en production" in result.stderr


def test_another_operator_zone_is_a_setting() -> None:
    result = _clock_in_subprocess(
        PASSNUM_TIMEZONE="America/Cayenne", PASSNUM_FAKE_NOW="2027-01-31T23:30:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    started = datetime.fromisoformat(result.stdout.strip())
    assert started.utcoffset() == -timedelta(hours=3)
    assert abs(started - datetime(2027, 1, 31, 23, 30, tzinfo=UTC)) < timedelta(seconds=30)


PARIS = clock.zone()


@pytest.fixture
def server_on_15_march_2027(tmp_path: Path, migrated_copy: Path) -> Iterator[str]:
    """A demo server whose clock starts on 15 March 2027, 10:00 in Paris (PASSNUM_FAKE_NOW)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(
        PASSNUM_DATA_DIR=str(migrated_copy),
        PASSNUM_PUBLIC_URL="http://127.0.0.1",
        PASSNUM_FAKE_NOW="2027-03-15T10:00:00",
    )
    subprocess.run([PASSNUM, "demo"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [PASSNUM, "serve", "--port", str(port)], env=env, stdout=log.open("w"), stderr=log.open("a")
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_live_test_server_lives_on_the_date_of_passnum_fake_now(
    server_on_15_march_2027: str,
) -> None:
    with httpx.Client(base_url=server_on_15_march_2027) as browser:
        browser.get("/login")
        browser.post(
            "/login",
            data={"email": "agent@demo.passnum.fr", "password": DEMO_PASSWORD},
            headers={"x-csrftoken": browser.cookies["passnum_csrf"]},
        )
        page = browser.get("/releves")
    assert page.status_code == 200, page.text[:500]
    # The month proposed for the next statements is the one before the server's today.
    assert 'id="build-month" name="month" value="2027-02"' in page.text


def test_passnum_serve_refuses_a_fake_clock_in_production(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(
        PASSNUM_DATA_DIR=str(tmp_path),
        PASSNUM_ENV="production",
        PASSNUM_SECRET_KEY="a-long-production-secret-for-this-test-only",
        PASSNUM_PUBLIC_URL="https://passnum.test",
        PASSNUM_FAKE_NOW="2027-03-15T10:00:00",
    )
    result = subprocess.run(
        [PASSNUM, "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "PASSNUM_FAKE_NOW" in result.stderr and "interdit en production" in result.stderr
