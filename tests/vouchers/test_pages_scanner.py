"""The site agent's Scanner page, through real HTTP: every result code shows a French message,
what to do next, and the activity choice comes back for the next scan."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from organisations.tables import Organisation
from passnum import clock
from tests.factories import login, post_form
from tests.vouchers.conftest import actor_of, allocate, codes_of, hand_out, make_batch, numbers_of
from tests.vouchers.pages_helpers import seen
from vouchers import services as svc
from vouchers.codes import check_symbol, format_code, qr_payload
from vouchers.tables import Batch, ScanAttempt


async def scan(client, code: str, **extra):
    page = await client.get("/scanner")
    assert page.status_code == 200, page.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    data = {"code": code, "activity": "individual", "place": "site", "nonce": nonce, **extra}
    return await post_form(client, "/scanner", data)


def result_of(response) -> str:
    found = re.search(r'data-result="([a-z_]+)"', response.text)
    assert found, response.text[:2000]
    return found.group(1)


async def _issued_code(world, **batch) -> str:
    made = await make_batch(world, count=1, **batch)
    await allocate(world, made, world.prescriber_org_id, 1)
    number = (await numbers_of(made))[0]
    await hand_out(world.prescriber, number)
    return (await codes_of(number))[0]


async def test_site_agent_scans_a_cheque_and_sees_a_green_accepted_result(client, scene):
    await login(client, scene.world.site_agent)
    response = await scan(client, format_code(scene.codes[0]).lower(), activity="workshop")
    assert response.status_code == 200
    assert result_of(response) == "redeemed"
    text = seen(response)
    assert "result-ok" in response.text and 'aria-live="assertive"' in response.text
    assert response.text.count('id="annonce"') == 1
    assert "Chèque accepté" in text and f"carnet {scene.issued}" in text and "10,00" in text
    assert "À faire" in text
    # The activity choice is kept for the next scan, and today's list shows the cheque.
    assert re.search(r'value="workshop"\s+checked', response.text)
    assert "1 chèque(s) accepté(s) aujourd'hui" in text
    assert format_code(scene.codes[0]) in text


async def test_a_usb_scanner_typing_the_whole_url_redeems_the_cheque(client, scene):
    await login(client, scene.world.site_agent)
    response = await scan(client, qr_payload(scene.codes[1], "https://passnum.test"), place="home")
    assert result_of(response) == "redeemed"
    assert re.search(r'value="home"\s+checked', response.text)


async def test_a_second_scan_of_the_same_cheque_is_refused_in_red(client, scene):
    await login(client, scene.world.site_agent)
    await scan(client, scene.codes[0])
    response = await scan(client, scene.codes[0])
    assert response.status_code == 409
    assert result_of(response) == "already_redeemed"
    text = seen(response)
    assert "result-refused" in response.text
    assert "déjà été utilisé" in text and "Mairie de Terre-et-Marais" in text


async def test_a_reloaded_scan_form_shows_the_first_answer_not_a_refusal(client, scene):
    await login(client, scene.world.site_agent)
    page = await client.get("/scanner")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    data = {"code": scene.codes[0], "activity": "individual", "place": "site", "nonce": nonce}
    first = await post_form(client, "/scanner", data)
    again = await post_form(client, "/scanner", data)
    assert result_of(first) == result_of(again) == "redeemed"
    assert await ScanAttempt.count() == 1


async def test_a_mistyped_code_is_code_mal_saisi(client, scene):
    await login(client, scene.world.site_agent)
    code = scene.codes[0]
    wrong = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    response = await scan(client, wrong)
    assert (response.status_code, result_of(response)) == (422, "malformed")
    assert "Code mal saisi" in seen(response)
    assert response.text.startswith("<!") and "<title>Code mal saisi — Scanner" in response.text
    field = re.search(r'<input id="code"[^>]*>', response.text).group(0)
    assert f'value="{wrong}"' in field and 'aria-invalid="true"' in field
    accepted = await scan(client, code)
    field = re.search(r'<input id="code"[^>]*>', accepted.text).group(0)
    assert 'value=""' in field and "aria-invalid" not in field


async def test_an_unknown_code_is_refused(client, scene):
    await login(client, scene.world.site_agent)
    response = await scan(client, "000000000000000" + check_symbol("000000000000000"))
    assert (response.status_code, result_of(response)) == (404, "unknown")
    assert "ne correspond à aucun chèque" in seen(response)


async def test_cheques_of_a_cancelled_booklet_are_refused(client, scene):
    await svc.cancel_booklet(await actor_of(scene.world.prescriber), scene.issued, "stolen")
    await login(client, scene.world.site_agent)
    response = await scan(client, scene.codes[2])
    assert (response.status_code, result_of(response)) == (409, "cancelled")
    assert "a été annulé" in seen(response)


async def test_cheques_not_handed_out_are_refused(client, scene):
    await login(client, scene.world.site_agent)
    response = await scan(client, (await codes_of(scene.allocated))[0])
    assert (response.status_code, result_of(response)) == (409, "not_issued")
    assert "pas encore été remis" in seen(response)


async def test_expired_and_not_yet_valid_cheques_are_refused(client, world):
    early = await _issued_code(world)
    await Batch.update({Batch.valid_from: clock.today() + timedelta(days=3)}).where(Batch.id > 0)
    late = await _issued_code(world, grace_days=0)
    await Batch.update({Batch.valid_until: clock.today() - timedelta(days=2)}).where(
        Batch.grace_days == 0
    )
    await login(client, world.site_agent)
    response = await scan(client, early)
    assert (response.status_code, result_of(response)) == (409, "not_yet_valid")
    assert "ne sera valable qu'à partir du" in seen(response)
    response = await scan(client, late)
    assert (response.status_code, result_of(response)) == (409, "expired")
    assert "n'est plus valable depuis le" in seen(response)


async def test_a_cheque_reserved_for_other_sites_is_not_accepted_here(client, world):
    code = await _issued_code(world, allowed_insee_codes=["50394"])
    await login(client, world.site_agent)
    response = await scan(client, code)
    assert (response.status_code, result_of(response)) == (409, "not_accepted_here")
    assert "pas accepté dans votre lieu" in seen(response)


async def test_a_suspended_site_is_told_it_is_not_qualified(client, scene):
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.id == scene.world.site_id
    )
    await login(client, scene.world.site_agent)
    response = await scan(client, scene.codes[0])
    assert (response.status_code, result_of(response)) == (403, "site_not_qualified")
    assert "pas (ou plus) habilité" in seen(response)


@pytest.mark.parametrize("who", ["prescriber", "funder", "staff"])
async def test_only_site_agents_reach_the_scanner(client, scene, who):
    await login(client, getattr(scene.world, who))
    assert (await client.get("/scanner")).status_code == 403


async def test_the_scanner_page_works_without_javascript_and_loads_no_inline_script(client, scene):
    await login(client, scene.world.site_agent)
    page = (await client.get("/scanner")).text
    assert re.search(r'<form method="post" action="/scanner"', page)
    assert 'name="code"' in page and "autofocus" in page and '<label for="code">' in page
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/scanner.js" defer>',
        '<script src="/static/offline-scanner.js" defer>',
    ]
    assert 'id="hors-connexion" class="offline" hidden' in page  # shown by offline-scanner.js
    js = await client.get("/static/scanner.js")
    assert js.status_code == 200 and "BarcodeDetector" in js.text
    vendored = await client.get("/static/vendor/zxing-browser.min.js")
    assert vendored.status_code == 200 and "BrowserQRCodeReader" in vendored.text
