"""A USB scanner left on its factory US layout, plugged into a computer set to French AZERTY, types
what the AZERTY keys under the US characters give: ``&é"'(-è_çà`` for ``1234567890``, ``M!!`` for
``://``, A/Q and Z/W swapped, ``?`` for M. passnum reads the cheque (or booklet) anyway, whether it
was the QR code's URL or the code's barcode. The strings below are exactly what such a scanner
types; codes typed by hand with A, Q, W, Z or M keep their letters."""

from __future__ import annotations

import pytest

from tests.factories import login
from tests.vouchers.test_pages_scanner import result_of, scan
from vouchers.codes import parse_booklet_number, parse_code
from vouchers.tables import Booklet, Cheque

DIGITS = "1234567890AQWZMG"  # a valid code: every digit, the swapped letters, then its check
SHUFFLED = "MAZE5QW7NRT8KX00"
SCANNED = {
    # the cheque's Code128 barcode (the code alone)
    "&é\"'(-è_çàQAZW?G": DIGITS,
    "?QWE(AZèNRT_KXàà": SHUFFLED,
    # the QR code: https://passnum.test/c/CODE
    "httpsM!!pqssnu,:test!c!&é\"'(-è_çàQAZW?G": DIGITS,
    "httpsM!!pqssnu,:test!c!?QWE(AZèNRT_KXàà": SHUFFLED,
}


@pytest.mark.parametrize(("typed", "code"), SCANNED.items())
def test_what_a_us_scanner_types_on_azerty_reads_as_the_cheque_code(typed: str, code: str) -> None:
    assert parse_code(typed) == code


@pytest.mark.parametrize("typed", ["MAZE-5QW7-NRT8-KX00", "maze 5qw7 nrt8 kx00", SHUFFLED])
def test_a_code_typed_by_hand_keeps_its_a_q_w_z_and_m(typed: str) -> None:
    assert parse_code(typed) == SHUFFLED


def test_a_booklet_number_from_the_same_scanner_reads_as_its_digits() -> None:
    assert parse_booklet_number("&àààààçç") == "10000099"
    assert parse_booklet_number("10000099") == "10000099"


async def _with_codes(scene) -> None:
    await Cheque.update({Cheque.code: DIGITS}).where(Cheque.code == scene.codes[0])
    await Cheque.update({Cheque.code: SHUFFLED}).where(Cheque.code == scene.codes[1])


async def test_the_api_redeems_a_url_typed_by_a_us_scanner_on_azerty(client, scene):
    await _with_codes(scene)
    response = await client.post(
        "/api/v1/redemptions",
        json={"code": "httpsM!!pqssnu,:test!c!&é\"'(-è_çàQAZW?G", "activity": "individual"},
        headers=await scene.world.site_agent.bearer(),
    )
    assert response.status_code == 201, response.text
    assert response.json()["code"] == DIGITS


async def test_the_scanner_page_redeems_what_the_scanner_typed(client, scene):
    await _with_codes(scene)
    await login(client, scene.world.site_agent)
    response = await scan(client, "httpsM!!pqssnu,:test!c!?QWE(AZèNRT_KXàà")
    assert result_of(response) == "redeemed"
    assert "MAZE-5QW7-NRT8-KX00" in response.text


async def test_a_prescriber_hands_out_a_booklet_whose_number_the_scanner_typed(client, scene):
    await Booklet.update({Booklet.number: "10000099"}).where(Booklet.number == scene.allocated)
    response = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": "&àààààçç", "beneficiary": {"consent": True}},
        headers=await scene.world.prescriber.bearer(),
    )
    assert response.status_code == 201, response.text
    assert response.json()["booklet_number"] == "10000099"


async def test_the_public_check_form_finds_the_cheque_the_scanner_typed(client, scene):
    await _with_codes(scene)
    response = await client.get(
        "/c", params={"code": "httpsM!!pqssnu,:test!c!?QWE(AZèNRT_KXàà"}, follow_redirects=False
    )
    assert response.headers["location"] == f"/c/{SHUFFLED}"
