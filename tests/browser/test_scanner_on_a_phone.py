"""The Scanner on a 320 px phone: after each scan the verdict is on screen and announced to screen
readers, the field keeps the focus for the next scan, a mistyped code stays in the field beside
its error, and a USB scanner on the wrong keyboard layout (US on AZERTY) is understood."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, shot
from tests.browser.test_journey_site_agent import AGENT, submit_with_enter, valid_codes

PHONE = {"width": 320, "height": 568}
# Each character of a cheque URL, as a US-layout scanner types it on an AZERTY computer.
US_ON_AZERTY = str.maketrans("1234567890:/.AQWZMaqwzm", "&é\"'(-è_çàM!:QAZW?qazw,")


def scanner_typed(text: str) -> str:
    return text.translate(US_ON_AZERTY)


def verdict_in_view(page) -> bool:
    box = page.locator("#resultat .result-title").bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_the_verdict_is_on_screen_announced_and_the_field_ready_for_the_next_scan(
    page, live_server
):
    first, second = valid_codes(live_server, 2)
    page.set_viewport_size(PHONE)
    log_in(page, AGENT)
    page.goto("/scanner")
    page.locator("#code").fill(first)
    submit_with_enter(page)
    assert page.locator("#resultat").get_attribute("data-result") == "redeemed"
    assert verdict_in_view(page)
    assert page.title().startswith("Chèque accepté")
    expect(page.locator("#annonce")).to_contain_text("Chèque accepté")
    assert page.locator("#annonce").get_attribute("aria-live") == "assertive"
    assert page.evaluate("document.activeElement.id") == "code"
    assert_accessible(page)
    shot(page, "telephone-1-accepte")

    wrong = first[:5] + ("X" if first[5] != "X" else "Y") + first[6:]
    page.keyboard.type(wrong)
    submit_with_enter(page)
    assert page.locator("#resultat").get_attribute("data-result") == "malformed"
    assert verdict_in_view(page)
    assert page.locator("#code").input_value() == wrong
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    expect(page.locator("#annonce")).to_contain_text("Code mal saisi")
    assert_accessible(page)
    shot(page, "telephone-2-mal-saisi")

    page.locator("#code").fill("")
    page.keyboard.type(scanner_typed(f"{live_server.url}/c/{second}"))
    submit_with_enter(page)
    assert page.locator("#resultat").get_attribute("data-result") == "redeemed"
    assert second[:4] in page.text_content("table")
    assert verdict_in_view(page)
    shot(page, "telephone-3-douchette-qwerty")
