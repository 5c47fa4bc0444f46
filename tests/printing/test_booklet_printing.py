"""A funder's print run comes out as booklets that people can read and sites can scan."""

import io
from collections.abc import Callable, Iterator

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from printing import BookletData, register_fonts, render_booklet, render_booklets
from tests.printing.scanning import mm_to_px, pdf_text, rasterise, scan

QR = zxingcpp.BarcodeFormat.QRCode
CODE128 = zxingcpp.BarcodeFormat.Code128
MakeBooklet = Callable[..., BookletData]


def render(booklets: list[BookletData], workers: int = 1) -> bytes:
    out = io.BytesIO()
    render_booklets(booklets, out, workers=workers)
    return out.getvalue()


def test_every_qr_and_barcode_of_a_six_booklet_run_scans_back_to_its_code(
    make_booklet: MakeBooklet,
) -> None:
    booklets = [make_booklet(index) for index in range(1, 7)]
    pages = rasterise(render(booklets))
    assert len(pages) == 6
    for booklet, page in zip(booklets, pages, strict=True):
        results = scan(page)
        qr_texts = sorted(r.text for r in results if r.format == QR)
        bar_texts = sorted(r.text for r in results if r.format == CODE128)
        assert qr_texts == sorted(cheque.qr_payload for cheque in booklet.cheques)
        assert bar_texts == sorted([booklet.number] + [c.code for c in booklet.cheques])


def _is_blank(page: Image.Image, box: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = (round(v) for v in box)
    return page.crop((left, top, right, bottom)).getextrema()[0] > 200


def test_codes_are_large_enough_and_keep_their_quiet_zones(make_booklet: MakeBooklet) -> None:
    page = rasterise(render_booklet(make_booklet()))[0]
    results = scan(page)
    for qr in (r for r in results if r.format == QR):
        left, top = qr.position.top_left.x, qr.position.top_left.y
        right, bottom = qr.position.bottom_right.x, qr.position.bottom_right.y
        assert right - left >= mm_to_px(20)
        quiet = 4 * (right - left) / 33 - 2  # version 4: 33 modules
        assert _is_blank(page, (left - quiet, top, left - 2, bottom))
        assert _is_blank(page, (right + 2, top, right + quiet, bottom))
        assert _is_blank(page, (left, top - quiet, right, top - 2))
        assert _is_blank(page, (left, bottom + 2, right, bottom + quiet))
    for bars in (r for r in results if r.format == CODE128):
        left, right = bars.position.top_left.x, bars.position.top_right.x
        middle = (bars.position.top_left.y + bars.position.bottom_left.y) / 2
        quiet = mm_to_px(10 * 0.33) - 2
        assert _is_blank(page, (left - quiet, middle - 5, left - 2, middle + 5))
        assert _is_blank(page, (right + 2, middle - 5, right + quiet, middle + 5))


def test_booklet_reads_in_french_with_amounts_dates_and_grouped_codes(
    make_booklet: MakeBooklet,
) -> None:
    booklet = make_booklet(42, face_value_cents=125000, operator_phone="02 33 00 00 00")
    text = pdf_text(render_booklet(booklet))[0]
    for expected in [
        "PASS NUMÉRIQUE",
        "Département de la Manche",
        "À remettre par un prescripteur",
        "Pour trouver un lieu : 02 33 00 00 00",
        "Carnet n° 2027-000042",
        "Chèque 1/5",
        "Chèque 5/5",
        "1 250,00 €",
        "Valable du 01/01/2027 au 31/12/2027",
        "accepté jusqu'au 31/01/2028 si le carnet a été remis avant",
        "Chèque non cessible — ne peut être échangé contre de l'argent",
    ]:
        assert expected in text
    code = booklet.cheques[2].code
    assert f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}" in text


def test_a_long_funder_name_is_shortened_rather_than_overprinting_the_barcode(
    make_booklet: MakeBooklet,
) -> None:
    name = "Caisse d'allocations familiales de la Manche, antenne de Saint-Lô et du Cotentin"
    text = pdf_text(render_booklet(make_booklet(funder_name=name)))[0]
    assert "Financeur : Caisse d'allocations" in text
    assert "…" in text


def test_a_print_run_is_written_page_by_page_as_booklets_arrive(
    make_booklet: MakeBooklet,
) -> None:
    consumed = 0
    progress: list[tuple[int, int, int]] = []
    out = io.BytesIO()

    def arriving() -> Iterator[BookletData]:
        nonlocal consumed
        for index in range(1, 8):
            consumed += 1
            yield make_booklet(index)

    pages = render_booklets(
        arriving(), out, on_progress=lambda done: progress.append((done, consumed, out.tell()))
    )
    assert pages == 7
    assert [done for done, _, _ in progress] == list(range(1, 8))
    assert all(seen == done for done, seen, _ in progress)  # never reads ahead
    sizes = [size for _, _, size in progress]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # bytes leave as pages are done
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == 7


def test_two_workers_print_exactly_the_same_document(make_booklet: MakeBooklet) -> None:
    booklets = [make_booklet(index) for index in range(1, 46)]
    serial = render(booklets)
    parallel = render(booklets, workers=2)
    assert parallel == serial
    reader = PdfReader(io.BytesIO(parallel))
    assert len(reader.pages) == 45
    assert "Carnet n° 2027-000045" in reader.pages[44].extract_text()


def _png_logo() -> bytes:
    logo = Image.new("RGBA", (120, 60), (0, 90, 160, 255))
    logo.paste((255, 255, 255, 0), (40, 0, 80, 60))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_funder_logo_is_printed_once_per_document_and_codes_still_scan(
    make_booklet: MakeBooklet,
) -> None:
    logo = _png_logo()
    pdf = render([make_booklet(index, funder_logo=logo) for index in range(1, 4)])
    assert pdf.count(b"/Subtype /Image") == 1
    reader = PdfReader(io.BytesIO(pdf))
    assert all(len(page.images) == 1 for page in reader.pages)
    assert len([r for r in scan(rasterise(pdf)[2]) if r.format == QR]) == 5


def test_a_logo_that_is_not_a_png_is_refused_with_a_french_message(
    make_booklet: MakeBooklet,
) -> None:
    with pytest.raises(ValueError, match="PNG"):
        render_booklet(make_booklet(funder_logo=b"GIF89a"))


def test_fonts_are_registered_once_per_process() -> None:
    register_fonts()
    register_fonts()
    assert register_fonts.cache_info().misses <= 1
