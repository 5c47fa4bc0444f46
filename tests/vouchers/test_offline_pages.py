"""The Scanner's offline pieces through real HTTP with a logged-in browser session: the service
worker and manifest, the kit and the synchronisation for the page (session and CSRF), the site
agent seeing staff's decision, and staff's review page with its signal for frequent conflicts."""

from __future__ import annotations

import re
import uuid

from passnum import clock
from tests.factories import csrf_header, login, post_form, text_of
from vouchers.tables import Cheque, OfflineScan


async def page_kit(client) -> dict:
    response = await client.get("/scanner/kit")
    assert response.status_code == 200, response.text
    return response.json()


async def page_sync(client, *scans: dict):
    token = (await client.get("/scanner/jeton")).json()["csrf"]
    return await client.post(
        "/scanner/sync", json={"scans": list(scans)}, headers={"x-csrftoken": token}
    )


def offline(code: str, kit: dict, **extra) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "code": code,
        "scanned_at": clock.now().isoformat(),
        "activity": "individual",
        "kit": kit["token"],
        **extra,
    }


async def test_the_scanner_is_an_installable_app_kept_by_its_service_worker(client, scene):
    worker = await client.get("/scanner/sw.js")
    assert worker.status_code == 200
    assert worker.headers["service-worker-allowed"] == "/scanner"
    assert worker.headers["content-type"] == "text/javascript; charset=utf-8"  # the charset once
    assert "__VERSION__" not in worker.text and '"/static/offline-scanner.js"' in worker.text
    assert re.search(r'passnum-scanner-[0-9a-f]{12}"', worker.text)
    manifest = (await client.get("/scanner/manifest.webmanifest")).json()
    assert (manifest["start_url"], manifest["display"], manifest["lang"]) == (
        "/scanner",
        "standalone",
        "fr",
    )
    for icon in manifest["icons"]:
        assert (await client.get(icon["src"])).headers["content-type"] == "image/png"
    await login(client, scene.world.site_agent)
    page = await client.get("/scanner")
    assert '<link rel="manifest" href="/scanner/manifest.webmanifest">' in page.text
    assert 'id="hors-connexion"' in page.text and "/static/offline-scanner.js" in page.text


async def test_the_page_gets_its_kit_and_sends_its_queue_with_the_session(client, scene):
    await login(client, scene.world.site_agent)
    kit = await page_kit(client)
    assert kit["cheque_count"] == 5
    refused = await client.post(
        "/scanner/sync", json={"scans": [offline(scene.codes[0], kit)]}, headers={}
    )
    assert refused.status_code == 403  # no CSRF token: nothing done
    response = await page_sync(client, offline(scene.codes[0], kit, place="home"))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["result"] == "redeemed"
    cheque = await Cheque.objects().where(Cheque.code == scene.codes[0]).first()
    assert (cheque.status, cheque.place) == ("redeemed", "home")
    page = text_of((await client.get("/scanner")).text)
    assert "Vos scans hors connexion reçus" in page and "encaissé" in page


async def test_only_a_site_agent_gets_a_kit_from_the_page(client, scene):
    await login(client, scene.world.prescriber)
    assert (await client.get("/scanner/kit")).status_code in (302, 303, 403)


async def test_staff_review_a_conflict_and_the_site_sees_the_decision(client, scene):
    world = scene.world
    await login(client, world.site_agent)
    kit = await page_kit(client)
    await Cheque.update(
        {
            Cheque.status: "redeemed",
            Cheque.site: world.other_site_id,
            Cheque.redeemed_at: clock.stamp(),
        }
    ).where(Cheque.code == scene.codes[0])
    result = (await page_sync(client, offline(scene.codes[0], kit))).json()["results"][0]
    assert (result["result"], result["review"]) == ("already_redeemed", "pending")
    page = text_of((await client.get("/scanner")).text)
    assert "refusé (chèque déjà utilisé)" in page

    client.cookies.clear()
    await login(client, world.staff)
    listing = await client.get("/staff/hors-connexion")
    text = text_of(listing.text)
    assert "Mairie de Terre-et-Marais" in text and "Bibliothèque de Périers" in text
    assert "Encaissement retenu" in text and "10,00 €" in text
    scan_id = (await OfflineScan.objects().first()).id
    missing = await post_form(client, f"/staff/hors-connexion/{scan_id}", {"decision": "reject"})
    assert missing.status_code == 422
    assert "Indiquez le motif" in text_of(missing.text)
    done = await post_form(
        client,
        f"/staff/hors-connexion/{scan_id}",
        {"decision": "reject", "note": "Chèque déjà présenté ailleurs la veille."},
        follow_redirects=False,
    )
    assert done.status_code in (302, 303)
    assert "Aucun scan hors connexion à examiner" in text_of(
        (await client.get("/staff/hors-connexion")).text
    )
    decided = text_of((await client.get("/staff/hors-connexion?traites=1")).text)
    assert "Non compensé" in decided and "agent@manche.test" in decided

    client.cookies.clear()
    await login(client, world.site_agent)
    page = text_of((await client.get("/scanner")).text)
    assert "Décision du Département : Non compensé" in page
    assert "Chèque déjà présenté ailleurs la veille." in page


async def test_a_site_whose_offline_scans_conflict_often_is_flagged(client, scene):
    world = scene.world
    await login(client, world.site_agent)
    kit = await page_kit(client)
    await Cheque.update({Cheque.status: "cancelled"}).where(Cheque.code.is_in(scene.codes[:3]))
    answer = await page_sync(client, *(offline(code, kit) for code in scene.codes[:3]))
    assert [r["result"] for r in answer.json()["results"]] == ["cancelled"] * 3
    client.cookies.clear()
    await login(client, world.staff)
    text = text_of((await client.get("/staff/hors-connexion")).text)
    assert "Signal : 3 scans hors connexion refusés pour ce lieu en 90 jours." in text
    assert csrf_header(client)
