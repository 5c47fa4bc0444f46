"""Asset labels print on a standard sheet, and a partly used sheet can go back in the printer."""

import pytest
import zxingcpp

from printing import SHEET_FORMATS, render_label_sheet
from tests.printing.samples import labels
from tests.printing.scanning import mm_to_px, pdf_text, rasterise, scan

SHEET = SHEET_FORMATS["a4-3x8-70x37"]


def slots_of(pdf: bytes) -> list[dict[int, str]]:
    """Per page: sheet position (1-based) of each QR found, from its centre."""
    pages = []
    for page in rasterise(pdf):
        found = {}
        for result in scan(page):
            if result.format != zxingcpp.BarcodeFormat.QRCode:
                continue  # the Code 128 under it
            corners = (result.position.top_left, result.position.bottom_right)
            x = sum(point.x for point in corners) / 2
            y = sum(point.y for point in corners) / 2 - mm_to_px(SHEET.top)
            column = int(x // mm_to_px(SHEET.label_width))
            row = int(y // mm_to_px(SHEET.label_height))
            found[row * SHEET.columns + column + 1] = result.text
        pages.append(found)
    return pages


def test_printing_on_a_partly_used_sheet_starts_at_the_first_free_label() -> None:
    pages = slots_of(render_label_sheet(labels(3), start_position=5))
    assert pages == [
        {
            5: "https://passnum.example.fr/m/PN-000001",
            6: "https://passnum.example.fr/m/PN-000002",
            7: "https://passnum.example.fr/m/PN-000003",
        }
    ]


def test_labels_beyond_the_sheet_continue_on_a_new_sheet_from_the_top() -> None:
    pages = slots_of(render_label_sheet(labels(30), start_position=20))
    assert sorted(pages[0]) == [20, 21, 22, 23, 24]
    assert sorted(pages[1]) == list(range(1, 25))
    assert sorted(pages[2]) == [1]
    assert pages[2][1] == "https://passnum.example.fr/m/PN-000030"


def test_each_label_shows_its_asset_tag_owner_and_phone() -> None:
    text = " ".join(pdf_text(render_label_sheet(labels(2)))[0].split())
    assert "PN-000001" in text and "PN-000002" in text
    assert "Département de la Manche" in text and "02 33 05 55 50" in text


def test_each_label_carries_its_asset_tag_in_code128() -> None:
    found = scan(rasterise(render_label_sheet(labels(24)))[0])
    bars = sorted(r.text for r in found if r.format == zxingcpp.BarcodeFormat.Code128)
    assert bars == [f"PN-{index:06d}" for index in range(1, 25)]


@pytest.mark.parametrize("position", [0, 25])
def test_a_start_position_off_the_sheet_is_refused(position: int) -> None:
    with pytest.raises(ValueError, match="Position de départ"):
        render_label_sheet(labels(1), start_position=position)
