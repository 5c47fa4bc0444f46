"""Records that live for years gather long histories: the staff see the newest 50 events of a
record (older ones on ?historique=2), on every page that shows a history."""

from datetime import date
from html import unescape

from equipment.tables import Item, Loan
from passnum.tables import AuditEntry
from reimbursements.tables import Statement
from tests.factories import login
from tests.factories import text_of as raw_text
from tests.vouchers.conftest import make_batch


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def sixty_events(entity: str, entity_id: int | str) -> None:
    """Sixty updates of one record, the n-th changing its note to « note n »."""
    await AuditEntry.insert(
        *[
            AuditEntry(
                user_email="agent@manche.test",
                action="update",
                entity=entity,
                entity_id=str(entity_id),
                changes={"note": f"note {n:02d}"},
            )
            for n in range(60)
        ]
    )


async def test_an_organisation_shows_its_newest_fifty_events_then_the_older_ones(client, world):
    await sixty_events("organisation", world.prescriber_org_id)
    await sixty_events("organisation", world.other_prescriber_org_id)
    await login(client, world.staff)
    url = f"/staff/organisations/{world.prescriber_org_id}"
    first = await client.get(url)
    assert first.status_code == 200
    text = text_of(first.text)
    # sixty updates after the organisation's creation
    assert "61 événement(s), du plus récent au plus ancien, page 1 sur 2" in text
    assert "Note : note 59" in text and "Note : note 10" in text and "Note : note 09" not in text
    assert 'aria-label="Pages de l&#39;historique"' in first.text
    assert 'href="?historique=2" rel="next"' in first.text
    assert "<title>Centre médico-social de Coutances" in first.text
    assert "Historique" not in first.text.split("</title>")[0]

    second = text_of((await client.get(f"{url}?historique=2")).text)
    assert "Page 2 sur 2 — 51 à 61 sur 61" in second
    assert "Note : note 09" in second and "Note : note 00" in second and "note 10" not in second
    bad = await client.get(f"{url}?historique=abc")
    assert bad.status_code == 200
    assert "« abc » n'est pas un numéro de page : voici la page 1." in text_of(bad.text)


async def test_a_device_pages_its_loans_and_its_history_each_keeping_the_other(client, world):
    tablet = Item(item_type="tablet", serial="SN-1", asset_tag="MAN-00001")
    await Item.insert(tablet)
    await sixty_events("item", tablet.id)
    await login(client, world.staff)
    page = await client.get("/i/MAN-00001?page=1&historique=2")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in text and "Note : note 00" in text
    assert 'href="?page=1&amp;historique=1" rel="prev"' in page.text


async def test_batch_loan_and_statement_pages_page_their_history_too(client, world):
    batch = await make_batch(world, count=1)
    await sixty_events("batch", batch.id)
    statement = Statement(
        site=world.site_id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    await Statement.insert(statement)
    await sixty_events("statement", statement.id)
    loan = Loan(
        number="PR-00001",
        borrower=world.borrower_id,
        contact_name="Claire Lebrun",
        start_date=date(2026, 1, 5),
        due_date=date(2026, 1, 12),
        status="returned",
    )
    await Loan.insert(loan)
    await sixty_events("loan", loan.number)
    await login(client, world.staff)
    pages = (f"/staff/tirages/{batch.id}", f"/releves/{statement.id}", "/loans/PR-00001")
    for url in pages:
        first = await client.get(url)
        assert first.status_code == 200, url
        assert 'href="?historique=2" rel="next"' in first.text, url
        # the batch's own create/activate entries come on top of the sixty
        assert "sur 2" in text_of((await client.get(f"{url}?historique=2")).text), url
