"""The Scanner without a network, in Debian's Chromium: a town-hall agent opens the Scanner online
(the service worker keeps the page, the offline kit is downloaded), then the network goes away —
the browser is offline *and* the server is stopped. The page opens again from the service worker,
three cheques get the right offline verdicts, the browser is closed and reopened with the queue
intact, and when the server is back the queue is sent and each server answer shown. Two phones
accepting the same cheque offline produce exactly one redemption and one item in staff's review.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from tests.browser.conftest import CHROMIUM, assert_accessible, log_in, shot
from tests.browser.test_journey_site_agent import AGENT
from tests.live_server import PASSNUM, DataTemplates, _free_port, _wait_until_up
from vouchers.codes import ALPHABET, check_symbol

STAFF = "agent@demo.passnum.fr"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
FIRST_LOAD_BUDGET = 100_000  # bytes transferred, without the camera fallback library


@dataclass
class Server:
    """A `passnum serve` that the test can stop and start again on the same port and data."""

    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("a")
        self.process = subprocess.Popen(
            [PASSNUM, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_up(f"{self.url}/health", self.process, self.data_dir / "server.log")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def query(self, sql: str, *args) -> list[tuple]:
        path = self.data_dir / "passnum.sqlite"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, data_templates: DataTemplates
) -> Iterator[Server]:
    """Its own server on its own copy of the demo data (built once per run, tests/live_server.py),
    since the test stops it and starts it again."""
    data_dir = data_templates.copy(data_templates.demo, tmp_path_factory.mktemp("offline-scanner"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env.update(PASSNUM_DATA_DIR=str(data_dir), PASSNUM_PUBLIC_URL=f"http://127.0.0.1:{port}")
    running = Server(data_dir, port, env)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    assert CHROMIUM.exists(), "Chromium is missing: `make system-deps` installs it with apt-get"
    with sync_playwright() as running:
        yield running


def phone(playwright: Playwright, profile: Path, server: Server) -> BrowserContext:
    """A phone's browser: a profile kept on disk, so closing and reopening keeps its storage."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=ARGS,
        base_url=server.url,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
        service_workers="allow",
    )


def unused_codes(server: Server, count: int) -> list[str]:
    """Unused cheques of handed-out demo booklets, accepted at the demo agent's town hall."""
    rows = server.query(
        "SELECT c.code FROM cheque c JOIN booklet b ON c.booklet = b.id "
        "JOIN batch r ON b.batch = r.id "
        "WHERE b.status = 'issued' AND c.status = 'valid' AND r.status = 'active' "
        "AND r.valid_from <= date('now') AND r.allowed_site_ids = '[]' "
        "AND r.allowed_insee_codes = '[]' "
        "AND date(r.valid_until, '+' || r.grace_days || ' days') > date('now', '+1 day') "
        "ORDER BY random() LIMIT ?",
        count,
    )
    assert len(rows) == count, "the demo has no unused cheque left"
    return [r[0] for r in rows]


def no_such_code() -> str:
    body = "".join(random.choice(ALPHABET) for _ in range(15))
    return body + check_symbol(body)


def open_scanner_online(page: Page) -> None:
    page.goto("/scanner")
    page.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
    )
    page.wait_for_function("() => !!document.getElementById('hors-connexion').dataset.kit")


def scan(page: Page, text: str, expected: str) -> None:
    page.locator("#code").fill(text)
    page.locator("#code").press("Enter")
    expect(page.locator("#resultat")).to_have_attribute("data-result", expected)


def kit_time(page: Page) -> str:
    return page.locator("#hors-connexion").get_attribute("data-kit") or ""


def test_the_scanner_decides_offline_keeps_its_queue_and_synchronises(playwright, server, tmp_path):
    valid, used = unused_codes(server, 2)
    unknown = no_such_code()
    profile = tmp_path / "telephone"
    context = phone(playwright, profile, server)
    page = context.new_page()
    log_in(page, AGENT)
    open_scanner_online(page)
    transferred = page.evaluate(
        """() => performance.getEntriesByType('navigation')
              .concat(performance.getEntriesByType('resource'))
              .filter(e => !e.name.includes('zxing'))
              .reduce((sum, e) => sum + (e.transferSize || 0), 0)"""
    )
    print(f"\nScanner first load: {transferred} bytes transferred (kit included)")
    assert 0 < transferred < FIRST_LOAD_BUDGET
    manifest = page.evaluate("fetch('/scanner/manifest.webmanifest').then(r => r.json())")
    assert manifest["start_url"] == "/scanner" and manifest["display"] == "standalone"
    assert_accessible(page)

    # Online, a cheque is used; the agent asks for a fresh kit, which now lists it as used.
    with page.expect_navigation():
        page.locator("#code").fill(used)
        page.locator("#code").press("Enter")
    assert page.locator("#resultat").get_attribute("data-result") == "redeemed"
    page.wait_for_function("() => !!document.getElementById('hors-connexion').dataset.kit")
    before = kit_time(page)
    page.wait_for_timeout(1100)  # the kit's time is to the second
    page.get_by_role("button", name="Mettre à jour la liste hors connexion").click()
    page.wait_for_function(
        f"() => document.getElementById('hors-connexion').dataset.kit !== '{before}'"
    )

    page.goto("/scanner")  # the Scanner as it opens (a GET, not the answer to a scan)
    page.wait_for_function("() => !!document.getElementById('hors-connexion').dataset.kit")

    # The network goes away: the browser offline, and the server stopped.
    context.set_offline(True)
    server.stop()
    page.reload()  # served by the service worker
    expect(page.locator("h1")).to_have_text("Scanner un chèque")
    expect(page.locator("#hc-etat")).to_contain_text("HORS CONNEXION")
    expect(page.locator("#hc-etat")).to_contain_text("Liste hors connexion du")
    scan(page, valid, "offline_accepted")
    expect(page.locator("#resultat")).to_contain_text("Accepté hors connexion")
    shot(page, "hors-connexion-1-accepte")
    assert_accessible(page)
    scan(page, used, "offline_already_used")
    scan(page, unknown, "offline_unknown")
    expect(page.locator("#resultat")).to_contain_text("ne l'acceptez pas")
    scan(page, valid, "offline_already_used")  # this phone already took it
    expect(page.locator("#resultat")).to_contain_text("déjà été scanné sur cet appareil")
    expect(page.locator("#hc-file")).to_contain_text("1 chèque(s) accepté(s) hors connexion")
    shot(page, "hors-connexion-2-deja-utilise")

    # The browser is closed (the phone restarts) and opened again, still without network.
    context.close()
    context = phone(playwright, profile, server)
    context.set_offline(True)
    page = context.new_page()
    page.goto("/scanner")
    expect(page.locator("#hc-etat")).to_contain_text("HORS CONNEXION")
    expect(page.locator("#hc-file")).to_contain_text("1 chèque(s) accepté(s) hors connexion")
    assert server.query("SELECT status FROM cheque WHERE code = ?", valid) == [("valid",)]

    # The network comes back: the queue is sent and the server's answer shown.
    server.start()
    context.set_offline(False)
    expect(page.locator("#hc-resultats li[data-result='redeemed']")).to_contain_text(
        "encaissé", timeout=20_000
    )
    expect(page.locator("#hc-file")).to_contain_text("Aucun scan en attente")
    shot(page, "hors-connexion-3-synchronise")
    assert server.query("SELECT status FROM cheque WHERE code = ?", valid) == [("redeemed",)]
    assert server.query(
        "SELECT o.result, o.review FROM offline_scan o JOIN cheque c ON c.id = o.cheque "
        "WHERE c.code = ?",
        valid,
    ) == [("redeemed", "")]
    context.close()


def test_two_phones_accepting_the_same_cheque_offline_pay_it_once_and_staff_decide(
    playwright, server, tmp_path
):
    (code,) = unused_codes(server, 1)
    phones = [phone(playwright, tmp_path / name, server) for name in ("mairie", "domicile")]
    pages = []
    for context in phones:
        page = context.new_page()
        log_in(page, AGENT)
        open_scanner_online(page)
        context.set_offline(True)
        expect(page.locator("#hc-etat")).to_contain_text("HORS CONNEXION", timeout=40_000)
        pages.append(page)
    for page in pages:
        page.reload()
        scan(page, code, "offline_accepted")

    first, second = pages
    phones[0].set_offline(False)
    expect(first.locator("#hc-resultats li[data-result='redeemed']")).to_be_visible(timeout=20_000)
    phones[1].set_offline(False)
    refused = second.locator("#hc-resultats li[data-result='already_redeemed']")
    expect(refused).to_contain_text("transmis au Département", timeout=20_000)
    shot(second, "hors-connexion-4-conflit")
    assert server.query(
        "SELECT count(*) FROM scan_attempt a JOIN cheque c ON c.id = a.cheque "
        "WHERE c.code = ? AND a.result = 'redeemed'",
        code,
    ) == [(1,)]
    assert server.query(
        "SELECT o.result, o.review FROM offline_scan o JOIN cheque c ON c.id = o.cheque "
        "WHERE c.code = ? ORDER BY o.id",
        code,
    ) == [("redeemed", ""), ("already_redeemed", "pending")]

    # Staff decide; the town hall sees the decision on its Scanner.
    staff_context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "departement"),
        executable_path=str(CHROMIUM),
        headless=True,
        args=ARGS,
        base_url=server.url,
        locale="fr-FR",
    )
    desk = staff_context.new_page()
    log_in(desk, STAFF)
    desk.goto("/staff/hors-connexion")
    card = desk.locator("section.card").filter(has_text=code[:4])
    expect(card).to_contain_text("Encaissement retenu")
    assert_accessible(desk)
    card.get_by_label("Compenser le lieu").check()
    card.get_by_label("Motif (montré au lieu)").fill("Visite à domicile de bonne foi.")
    card.get_by_role("button", name="Enregistrer la décision").click()
    expect(desk.locator(".alert-success")).to_contain_text("Décision enregistrée")
    shot(desk, "hors-connexion-5-decision")
    second.goto("/scanner")
    expect(second.locator("body")).to_contain_text("Décision du Département : Compensé")
    expect(second.locator("body")).to_contain_text("Visite à domicile de bonne foi.")
    staff_context.close()
    for context in phones:
        context.close()
