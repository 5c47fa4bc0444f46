"""Staff pages through real HTTP: batches, activation, allocation, moves, search with history,
PDF downloads (direct and as a background job); the funder's list of its batches."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

from pypdf import PdfReader

from passnum import clock, storage, tasks
from tests.factories import login, post_form
from tests.vouchers.conftest import actor_of, make_batch
from tests.vouchers.pages_helpers import seen
from vouchers import schemas
from vouchers import services as svc
from vouchers.codes import format_code
from vouchers.tables import Batch, Booklet


def batch_form(world, **extra) -> dict:
    return {
        "funder_id": str(world.operator_id),
        "label": "Département 2027",
        "booklet_count": "3",
        "face_value": "10",
        "valid_from": clock.today().isoformat(),
        "valid_until": (clock.today() + timedelta(days=365)).isoformat(),
        "grace_days": "31",
        "allowed_insee_codes": "",
        **extra,
    }


async def test_staff_create_activate_and_allocate_a_batch(client, world):
    await login(client, world.staff)
    assert "Nouveau tirage" in seen(await client.get("/staff/tirages"))
    response = await post_form(client, "/staff/tirages", batch_form(world))
    assert response.status_code == 200 and "Brouillon" in seen(response)
    batch_id = int(re.search(r"/staff/tirages/(\d+)", str(response.url)).group(1))
    paid = {"amount": "150", "payment_reference": "Titre 12", "paid_on": clock.today().isoformat()}
    response = await post_form(client, f"/staff/tirages/{batch_id}/activer", paid)
    assert "Tirage activé" in seen(response)
    response = await post_form(
        client,
        f"/staff/tirages/{batch_id}/attribuer",
        {"to_organisation_id": str(world.prescriber_org_id), "count": "2"},
    )
    assert "2 carnet(s) attribué(s)" in seen(response)
    assert await Booklet.count().where(Booklet.holder == world.prescriber_org_id) == 2


async def test_a_bad_batch_form_is_explained_and_kept(client, world):
    await login(client, world.staff)
    response = await post_form(
        client, "/staff/tirages", batch_form(world, booklet_count="0", valid_until="hier")
    )
    assert response.status_code == 422
    assert "date valide" in seen(response) and 'value="Département 2027"' in response.text
    assert await Batch.count() == 0


async def test_a_grace_period_that_is_not_a_number_is_explained(client, world):
    await login(client, world.staff)
    response = await post_form(client, "/staff/tirages", batch_form(world, grace_days="un mois"))
    assert response.status_code == 422
    assert "délai de grâce doit aller de 0 à 366 jours" in seen(response)
    assert await Batch.count() == 0


async def test_allocating_more_than_the_stock_is_refused_with_the_numbers(client, world):
    batch = await make_batch(world, count=2)
    await login(client, world.staff)
    response = await post_form(
        client,
        f"/staff/tirages/{batch.id}/attribuer",
        {"to_organisation_id": str(world.prescriber_org_id), "count": "5"},
    )
    assert response.status_code == 409 and "2 carnet(s) disponible(s) pour 5" in seen(response)


async def test_staff_move_stock_between_prescriber_organisations(client, scene):
    w = scene.world
    await login(client, w.staff)
    response = await post_form(
        client,
        "/staff/stock",
        {
            "from_organisation_id": str(w.prescriber_org_id),
            "to_organisation_id": str(w.other_prescriber_org_id),
            "count": "1",
        },
    )
    assert response.status_code == 200 and "1 carnet(s) déplacé(s)" in seen(response)
    moved = await Booklet.select().where(Booklet.number == scene.allocated).first()
    assert moved["holder"] == w.other_prescriber_org_id


async def test_staff_find_a_booklet_by_cheque_code_with_its_full_history(client, scene):
    agent = await actor_of(scene.world.site_agent)
    await svc.redeem_cheque(agent, schemas.RedemptionIn(code=scene.codes[1], activity="workshop"))
    await login(client, scene.world.staff)
    response = await client.get("/staff/recherche", params={"q": format_code(scene.codes[1])})
    assert response.status_code == 200
    text = seen(response)
    assert f"Carnet n° {scene.issued}" in text
    assert "Mairie de Terre-et-Marais" in text
    ledger = text.split("Scans de ces chèques")[1].split("Historique")[0]
    assert "Chèque accepté" in ledger and "redeemed" not in ledger
    history = text.split("Historique (journal d'audit)")[1]
    assert "Remis à la personne" in history and "Chèque accepté" in history
    assert "Lieu : Mairie de Terre-et-Marais" in history and "Activité : Atelier" in history
    for code in ("hand_out", "redeem", "site :", "activity", "workshop", "beneficiary"):
        assert code not in history, code
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", history)
    await svc.reverse_redemption(await actor_of(scene.world.staff), scene.codes[1], "Doublon")
    again = seen(await client.get("/staff/recherche", params={"q": scene.issued}))
    assert "Encaissement annulé" in again.split("Scans de ces chèques")[1].split("Historique")[0]
    assert "Motif : Doublon" in again and "reversed" not in again
    assert "Dossier CMS" not in text  # the internal reference stays with the prescriber
    by_number = await client.get("/staff/recherche", params={"q": scene.issued})
    assert "Chèques du carnet" in seen(by_number)
    missing = await client.get("/staff/recherche", params={"q": "rien"})
    assert missing.status_code == 404 and "Aucun carnet ni chèque" in seen(missing)


async def test_staff_cancel_a_booklet_from_its_history(client, scene):
    await login(client, scene.world.staff)
    response = await post_form(client, f"/carnets/{scene.issued}/annuler", {"reason": "stolen"})
    assert response.status_code == 200 and "Voir l'historique du carnet" in seen(response)
    history = seen(await client.get("/staff/recherche", params={"q": scene.issued}))
    assert "Annulé le" in history and "Volé" in history


async def test_staff_download_a_small_batch_and_one_booklet_as_pdf(client, scene):
    await login(client, scene.world.staff)
    response = await client.get(f"/staff/tirages/{scene.batch.id}/carnets.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 4
    one = await client.get(f"/staff/carnets/{scene.issued}/pdf")
    assert one.status_code == 200 and len(PdfReader(io.BytesIO(one.content)).pages) == 1


async def test_a_background_print_job_shows_progress_then_a_download(client, scene, tmp_path):
    await login(client, scene.world.staff)
    response = await post_form(client, f"/staff/tirages/{scene.batch.id}/impression", {})
    assert response.status_code == 200 and "Impression du tirage" in seen(response)
    job_id = int(re.search(r"/staff/impressions/(\d+)", str(response.url)).group(1))
    state = (await client.get(f"/staff/impressions/{job_id}/etat")).json()
    assert state["status"] == "queued" and state["download"] == ""
    # Starting it again while it waits queues nothing more: one job, one task in the queue.
    again = await post_form(client, f"/staff/tirages/{scene.batch.id}/impression", {})
    assert str(again.url).endswith(f"/staff/impressions/{job_id}")
    await tasks.work_until_idle()  # a worker (passnum worker; passnum serve on SQLite)
    state = (await client.get(f"/staff/impressions/{job_id}/etat")).json()
    assert state["status"] == "done" and state["done"] == state["total"] == 4
    queued = await tasks.app().job_manager.list_jobs_async(task="vouchers:print_run")
    assert [job.status for job in queued] == ["succeeded"]
    page = await client.get(f"/staff/impressions/{job_id}")
    assert "PDF prêt" in seen(page)
    pdf = await client.get(state["download"])
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) == 4
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-length"] == str(len(pdf.content))
    name = f"tirage-{scene.batch.id}-impression-{job_id}.pdf"
    assert f'filename="{name}"' in pdf.headers["content-disposition"]
    # The PDF is in document storage (files beside SQLite, rows in PostgreSQL), not var/exports.
    stored = await storage.stat(f"vouchers/print-jobs/{name}")
    assert stored.size == len(pdf.content)
    assert stored.sha256 == hashlib.sha256(pdf.content).hexdigest()


async def test_the_funder_sees_its_batches_with_handed_out_and_used_numbers(client, scene):
    agent = await actor_of(scene.world.site_agent)
    await svc.redeem_cheque(agent, schemas.RedemptionIn(code=scene.codes[0], activity="workshop"))
    await Batch.update({Batch.funder: scene.world.funder_id}).where(Batch.id == scene.batch.id)
    await login(client, scene.world.funder)
    text = seen(await client.get("/financeur/tirages"))
    assert "Département 2026" in text and "1 sur 20" in text and "10,00" in text


async def test_non_staff_cannot_reach_staff_pages(client, scene):
    await login(client, scene.world.prescriber)
    for url in ("/staff/tirages", "/staff/stock", "/staff/recherche", "/financeur/tirages"):
        assert (await client.get(url)).status_code == 403, url
