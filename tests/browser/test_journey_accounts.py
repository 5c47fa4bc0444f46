"""Journeys of one's own account (issue 16), in Chromium against a real `passnum serve` whose
e-mails reach the tests' local SMTP server: an invited person chooses a password and logs in; a
forgotten password is reset through the e-mailed link; a staff member turns on two-factor login
(the QR code read back with zxing) and then logs in with a code. Each page is axe-checked."""

from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyotp
import zxingcpp
from PIL import Image

from tests.browser.conftest import assert_accessible, log_in, shot

STAFF = "agent@demo.passnum.fr"
OPERATOR = "Département de la Manche"
FIRST_PASSWORD = "trois pommes sur la table"
SECOND_PASSWORD = "un chat gris dort au soleil"


def _organisation_id(live_server, name: str) -> str:
    path = Path(live_server.env["PASSNUM_DATA_DIR"]) / "passnum.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (found,) = db.execute("SELECT id FROM organisation WHERE name = ?", (name,)).fetchone()
    return str(found)


def _link(smtp_server, to: str, path: str, seconds: float = 20) -> str:
    """The link of ``path`` in the last e-mail sent to ``to``: invitations made on a page and
    reset links go through the task queue, which `passnum serve` runs on SQLite (it looks for
    work every second), so the e-mail arrives a moment after the page answered."""
    deadline = time.monotonic() + seconds
    while True:
        mails = [
            m
            for m in smtp_server.messages
            if m["To"] == to and f"{path}/" in m.get_body().get_content()
        ]
        if mails or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert mails, f"no e-mail to {to}: {[m['To'] for m in smtp_server.messages]}"
    body = mails[-1].get_body().get_content()
    found = re.search(rf"(https?://\S+{path}/[\w-]+)", body)
    assert found, body
    return found.group(1)


def _choose_password(page, link: str, password: str) -> None:
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Nouveau mot de passe").fill(password)
    page.get_by_label("Confirmez le mot de passe").fill(password)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url("**/login?compte=pret")
    assert "Votre mot de passe est enregistré" in page.text_content("main")


def _invited(live_server, smtp_server, page, email: str) -> None:
    """A staff account opened with `passnum user create`, its password chosen by its link."""
    operator = _organisation_id(live_server, OPERATOR)
    live_server.passnum("user", "create", email, "--organisation-id", operator, "--role", "staff")
    _choose_password(page, _link(smtp_server, email, "/invitation"), FIRST_PASSWORD)


def test_an_invited_person_chooses_a_password_and_logs_in(live_server, page, smtp_server):
    log_in(page, STAFF)
    page.goto(f"/staff/organisations/{_organisation_id(live_server, OPERATOR)}")
    page.locator("#u-email").fill("nouvelle.agente@manche.test")
    page.locator("#u-first").fill("Nadia")
    page.locator("#u-role").select_option("staff")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert "Invitation envoyée à nouvelle.agente@manche.test" in page.text_content("main")
    link = _link(smtp_server, "nouvelle.agente@manche.test", "/invitation")

    page.context.clear_cookies()  # the invited person, on their own computer
    _choose_password(page, link, FIRST_PASSWORD)
    shot(page, "compte-invitation-acceptee")
    log_in(page, "nouvelle.agente@manche.test", FIRST_PASSWORD)
    assert "Espace du Département" in page.text_content("h1")

    page.context.clear_cookies()
    page.goto(link)
    assert "déjà été utilisé" in page.text_content("main")
    assert_accessible(page)


def test_a_forgotten_password_is_reset_with_the_e_mailed_link(live_server, page, smtp_server):
    email = "oubli@manche.test"
    _invited(live_server, smtp_server, page, email)
    page.goto("/login")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_role("button", name="Recevoir un lien").click()
    page.wait_for_load_state()
    assert "Si un compte existe avec cette adresse" in page.text_content("[role=status]")
    shot(page, "compte-mot-de-passe-oublie")

    _choose_password(page, _link(smtp_server, email, "/mot-de-passe-oublie"), SECOND_PASSWORD)
    log_in(page, email, FIRST_PASSWORD)
    assert "mot de passe incorrect" in page.text_content("[role=alert]")
    log_in(page, email, SECOND_PASSWORD)
    assert "Espace du Département" in page.text_content("h1")


def test_staff_turn_on_two_factor_and_then_log_in_with_a_code(live_server, page, smtp_server):
    email = "double.facteur@manche.test"
    _invited(live_server, smtp_server, page, email)
    log_in(page, email, FIRST_PASSWORD)
    page.goto("/mon-compte")
    page.get_by_role("link", name="Activer la double authentification").click()
    page.wait_for_url("**/mon-compte/double-authentification")
    assert_accessible(page)
    shot(page, "double-authentification-activer")

    # What the phone's camera reads from the QR code is the key shown to type by hand.
    key = page.locator("#cle-totp").text_content().replace(" ", "")
    picture = Image.open(io.BytesIO(page.locator(".qr-code svg").screenshot()))
    [read] = zxingcpp.read_barcodes(picture)
    uri = urlparse(read.text)
    assert uri.scheme == "otpauth" and parse_qs(uri.query)["secret"] == [key]
    assert email in read.text.replace("%40", "@")

    phone = pyotp.TOTP(key)
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(phone.now())
    page.get_by_role("button", name="Activer la double authentification").click()
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes li").all_text_contents()
    assert len(codes) == 10
    assert_accessible(page)
    shot(page, "double-authentification-codes-de-secours")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    assert "activée" in page.text_content("main")

    page.get_by_role("button", name=re.compile("Se déconnecter")).click()
    page.wait_for_url("**/login")
    log_in(page, email, FIRST_PASSWORD)
    page.wait_for_url("**/login/code")
    assert "Votre mot de passe est bon" in page.text_content("main")
    assert_accessible(page)
    shot(page, "double-authentification-code")
    # The code of the next 30 seconds (the one just used for enrolment never works twice).
    next_code = phone.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    page.get_by_label("Code à 6 chiffres, ou code de secours").fill(next_code)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert "Espace du Département" in page.text_content("h1")


def _act_for(page, organisation: str) -> None:
    page.get_by_label("Vous agissez pour").select_option(label=organisation)
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()


def test_a_prescriber_who_is_also_a_site_agent_elsewhere_sees_each_role_in_its_place(
    live_server, page, smtp_server
):
    """A CCAS social worker who also holds a permanence at Coutances town hall: the header says
    for whom they act, and each role's pages open only in its own organisation."""
    email = "travailleuse.sociale@manche.test"
    ccas, town_hall = "CCAS de Saint-Lô", "Mairie de Coutances"
    live_server.passnum(
        *("user", "create", email, "--organisation-id", _organisation_id(live_server, ccas)),
        *("--role", "prescriber"),
    )
    live_server.passnum(
        *("user", "add-membership", email),
        *("--organisation-id", _organisation_id(live_server, town_hall), "--role", "site_agent"),
    )
    _choose_password(page, _link(smtp_server, email, "/invitation"), FIRST_PASSWORD)
    log_in(page, email, FIRST_PASSWORD)

    _act_for(page, ccas)
    assert "Espace prescripteur" in page.text_content("h1")
    assert_accessible(page)
    assert page.goto("/carnets/remettre").status == 200
    assert page.goto("/scanner").status == 403

    page.goto("/")
    _act_for(page, town_hall)
    assert "Espace lieu d'accueil" in page.text_content("h1")
    assert page.goto("/scanner").status == 200
    assert page.goto("/carnets/remettre").status == 403
    shot(page, "deux-organisations-lieu")
