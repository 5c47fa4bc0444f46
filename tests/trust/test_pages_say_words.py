"""What a person reads on a page is French words and official names, never the stored codes:
organisation roles and states, account roles, batch states, the commune a person lives in (not
its INSEE code), and times as passnum.fr writes them."""

from __future__ import annotations

import re
from datetime import datetime

from organisations.tables import Organisation
from tests.factories import login, post_form
from tests.vouchers.conftest import make_batch
from tests.vouchers.pages_helpers import seen

CODES = ("operator", "funder", "prescriber", "site_agent", "qualified", "suspended", "borrower")


async def test_the_organisation_page_names_roles_and_state_in_french_without_insee_code(
    client, world
):
    await login(client, world.staff)
    text = seen(await client.get(f"/staff/organisations/{world.site_id}"))
    facts = text.split("Comptes")[0]
    assert "Rôles Lieu qualifié" in facts
    assert "Statut du lieu Qualifié" in facts
    assert "Terre-et-Marais" in facts and "50564" not in facts and "Code INSEE" not in facts
    accounts = text.split("Comptes")[1].split("Inviter une personne")[0]
    assert "Agent d'un lieu qualifié" in accounts
    for code in CODES:
        assert code not in facts + accounts, code
    listing = seen(await client.get("/staff/organisations"))
    assert "Opérateur, Financeur" in listing  # the Département
    assert "Financeur, Prescripteur" in listing  # the CAF
    for code in CODES:
        assert f"{code}," not in listing and f"{code} " not in listing.split("Nouvelle")[0]


async def test_a_suspended_site_says_since_when_and_why(client, world):
    await Organisation.update(
        {
            Organisation.site_status: "suspended",
            Organisation.suspended_from: datetime(2026, 11, 2).date(),
            Organisation.suspension_reason: "Contrôle en cours",
        }
    ).where(Organisation.id == world.site_id)
    await login(client, world.staff)
    text = seen(await client.get(f"/staff/organisations/{world.site_id}"))
    assert "Statut du lieu Suspendu depuis le 02/11/2026 — Contrôle en cours" in text


async def test_batch_states_are_the_batch_status_vocabulary_on_every_page(client, world):
    draft = await make_batch(world, count=1, active=False, label="Tirage brouillon")
    await login(client, world.staff)
    listing = seen(await client.get("/staff/tirages"))
    assert "Brouillon (en attente du paiement)" in listing
    page = seen(await client.get(f"/staff/tirages/{draft.id}"))
    assert "État Brouillon (en attente du paiement)" in page


async def test_the_lock_out_message_and_the_security_page_give_the_paris_time(
    client, world, clock_at
):
    clock_at(datetime(2026, 11, 29, 23, 50))  # Paris wall clock
    for _ in range(5):
        await post_form(client, "/login", {"email": world.prescriber.email, "password": "x"})
    refused = await post_form(
        client, "/login", {"email": world.prescriber.email, "password": world.prescriber.password}
    )
    assert "verrouillé jusqu'à 00:05" in seen(refused)
    await login(client, world.staff)
    security = seen(await client.get("/staff/security"))
    assert "30/11/2026 à 00:05" in security
    assert re.search(r"29/11/2026 à 23:50", security)


async def test_page_titles_elide_de_before_a_vowel(client, world):
    await Organisation.update({Organisation.name: "Espace public numérique d'Isigny"}).where(
        Organisation.id == world.site_id
    )
    await login(client, world.staff)
    edit = seen(await client.get(f"/lieux/{world.site_id}/coordonnees"))
    assert "Coordonnées d'Espace public numérique d'Isigny" in edit
    assert "de Espace" not in edit
    hours = seen(await client.get(f"/lieux/{world.site_id}/horaires"))
    assert "Horaires d'Espace public numérique d'Isigny" in hours


async def test_statement_pages_write_amounts_dates_and_states_as_passnum_fr_does(client, world):
    from datetime import date

    from reimbursements.tables import Statement

    statement = Statement(
        site=world.site_id,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status="paid",
        cheque_count=125,
        total_cents=125000,
        paid_on=date(2026, 11, 15),
        payment_reference="MANDAT-42",
    )
    await statement.save()
    await login(client, world.staff)
    listing = seen(await client.get("/releves"))
    assert "1 250,00 €" in listing and "1250,00" not in listing
    detail = seen(await client.get(f"/releves/{statement.id}"))
    assert "Statut Payé — payé le 15/11/2026" in detail
    assert "Période du 01/10/2026 au 31/10/2026" in detail
    assert "1250,00" not in detail


def test_no_template_spells_a_label_or_formats_a_date_or_an_amount_itself():
    """Templates call label()/choices() (passnum.vocabulary) and day()/moment()/euros()
    (passnum.fr): a vocabulary's dict indexed by hand, a strftime or a "%.2f" is a second
    spelling that drifts (statements showed « 1250,00 € » while every other page said
    « 1 250,00 € »)."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    allowed = {("equipment/templates/equipment/calendar.html", 'strftime("%d/%m")')}  # "sem. du"
    pattern = re.compile(r'[A-Z][A-Z_]{3,}(\.get\(|\[|\.items\(\))|strftime\("[^"]*"\)|"%\.\df"')
    found = [
        (str(path.relative_to(root)), match.group(0))
        for path in root.glob("*/**/templates/**/*.html")
        if ".venv" not in path.parts
        for match in pattern.finditer(path.read_text())
    ]
    found = [f for f in found if not any(f[0] == a and a_text in f[1] for a, a_text in allowed)]
    found = [f for f in found if "reporting/_charts.html" not in f[0]]  # percentages, "36,5 %"
    assert found == []


def test_no_module_formats_a_french_date_itself():
    """Dates and times a person reads go through passnum.fr (format_date, format_moment,
    format_timestamp, format_time): a module writing "%d/%m/%Y" itself is a second spelling."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    rooms = ("src", "composition", "organisations", "vouchers", "equipment", "reimbursements")
    rooms += ("reporting", "territory", "printing")
    pattern = re.compile(r'strftime\("[^"]*%d/%m|:%d/%m')  # writing one (strptime reads)
    found = [
        str(path.relative_to(root))
        for room in rooms
        for path in (root / room).rglob("*.py")
        if pattern.search(path.read_text()) and path.name != "fr.py"
    ]
    # The calendar's short week heading « du 02/03 au 08/03 » has no year on purpose.
    assert found == ["equipment/pages_calendar.py"]
