"""Journey of a site over time in Chromium against a real `passnum serve` (issue 15): a structure
applies on the public form, staff qualify it, its invited contact chooses a password, sees the
site's bank details masked and scans a cheque; staff suspend the site: the next scan is refused
`site_not_qualified` and it is gone from /lieux; staff lift the suspension: it scans again.
Each page is axe-checked."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.browser.conftest import assert_accessible, log_in, shot
from tests.browser.test_journey_site_agent import submit_with_enter, valid_codes

STAFF = "agent@demo.passnum.fr"
NAME = "Espace numérique des Marais"
CONTACT = "lucie@epn-marais.test"
PASSWORD = "les marais au petit matin"
FORM = {
    "name": NAME,
    "kind": "association",
    "siret": "73282932000074",
    "legal_representative": "M. Paul Martin, président",
    "address": "2 rue du Pont",
    "postcode": "50190",
    "phone": "02 33 46 00 00",
    "email": "contact@epn-marais.test",
    "contact_first_name": "Lucie",
    "contact_last_name": "Durand",
    "contact_email": CONTACT,
    "opening_hours": "Mardi 14 h – 17 h",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP882",
    "account_holder": "Association EPN des Marais",
}


def _site_id(live_server) -> str:
    path = Path(live_server.env["PASSNUM_DATA_DIR"]) / "passnum.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (found,) = db.execute("SELECT id FROM organisation WHERE name = ?", (NAME,)).fetchone()
    return str(found)


def _scan(page, code: str) -> str:
    page.goto("/scanner")
    page.locator("#code").fill(code)
    page.locator("#code").focus()
    submit_with_enter(page)
    return page.locator("#resultat").get_attribute("data-result")


def _as_staff(page) -> None:
    page.context.clear_cookies()
    log_in(page, STAFF)


def _as_agent(page) -> None:
    page.context.clear_cookies()
    log_in(page, CONTACT, PASSWORD)


def test_apply_qualify_invite_scan_suspend_refused_requalify(page, live_server, smtp_server):
    first, second = valid_codes(live_server, 2)

    # A structure applies without an account.
    page.goto("/lieux/devenir-lieu-qualifie")
    assert_accessible(page)
    for field, value in FORM.items():
        page.locator(f"#a-{field}").fill(value)
    page.locator("#a-insee_code").fill("Périers")
    page.get_by_role("option", name=re.compile("Périers")).first.click()
    page.get_by_label("Aide aux démarches administratives").check()
    page.get_by_label("J'accepte la charte des lieux qualifiés au nom de la structure.").check()
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.wait_for_load_state()
    shot(page, "site-1-candidature-envoyee")
    assert "Candidature reçue" in page.text_content("h1")

    # Staff qualify it: the contact is invited by e-mail.
    _as_staff(page)
    page.goto("/staff/candidatures")
    assert_accessible(page)
    application = page.locator("section", has_text=NAME)
    application.get_by_role("button", name="Qualifier et inviter le contact").click()
    page.wait_for_load_state()
    shot(page, "site-2-qualifie")
    mails = [m for m in smtp_server.messages if m["To"] == CONTACT]
    assert mails, [m["To"] for m in smtp_server.messages]
    link = re.search(r"https?://\S+/invitation/[\w-]+", mails[-1].get_body().get_content())
    assert link

    # The contact chooses a password, signs in, reads the bank details masked, and scans.
    page.context.clear_cookies()
    page.goto(link.group(0))
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url("**/login?compte=pret")
    _as_agent(page)
    site_id = _site_id(live_server)
    page.goto(f"/lieux/{site_id}/coordonnees-bancaires")
    assert_accessible(page)
    bank = page.text_content("main")
    assert "FR76 **** **** **** **** ***0 189" in bank and "3456 7890" not in bank
    shot(page, "site-3-coordonnees-bancaires-masquees")
    assert _scan(page, first) == "redeemed"
    shot(page, "site-4-premier-scan")
    page.goto("/lieux")
    assert NAME in page.text_content("main")

    # Staff suspend it: the next scan is refused and it leaves /lieux.
    _as_staff(page)
    page.goto(f"/staff/organisations/{site_id}")
    page.get_by_label("Motif (envoyé au lieu)").fill("Contrôle en cours")
    page.get_by_role("button", name="Suspendre").click()
    page.wait_for_load_state()
    assert "Suspendu" in page.text_content("main")
    assert_accessible(page)
    shot(page, "site-5-suspendu")
    _as_agent(page)
    assert _scan(page, second) == "site_not_qualified"
    assert "appelez le Département" in page.text_content("#resultat")
    shot(page, "site-6-scan-refuse")
    page.goto("/lieux")
    assert NAME not in page.text_content("main")

    # Qualified again: it scans again and is back in /lieux.
    _as_staff(page)
    page.goto(f"/staff/organisations/{site_id}")
    page.get_by_role("button", name="Lever la suspension (qualifier de nouveau)").click()
    page.wait_for_load_state()
    _as_agent(page)
    assert _scan(page, second) == "redeemed"
    shot(page, "site-7-scanne-de-nouveau")
    page.goto("/lieux")
    assert NAME in page.text_content("main")
