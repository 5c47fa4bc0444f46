"""Booklet printing benchmark: booklets per second, peak memory, cost over QR matrices alone.

Run from the repository root (figures and targets in bench/README.md, "Printing"):
    .venv/bin/python -m bench.printing --booklets 2000
    .venv/bin/python -m bench.printing --booklets 10000 --workers 2
    .venv/bin/python -m bench.printing --smoke
    .venv/bin/python -m bench.printing --booklets 2000 --branded   # a funder's logo and message
"""

import argparse
import io
import os
import platform
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from passnum import clock
from printing import BookletData, ChequeData, render_booklets
from printing.qr import qr_matrix

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHUNK = 50
VALIDITY = (
    "Valable du 01/01/2027 au 31/12/2027",
    "accepté jusqu'au 31/01/2028 si le carnet a été remis avant",
)


def branded_logo() -> bytes:
    """A funder's logo as an upload would give it: a 600 × 240 JPEG with some detail."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 240), (0, 90, 160))
    draw = ImageDraw.Draw(image)
    for step in range(0, 600, 24):
        draw.ellipse((step, 40 + step % 96, step + 90, 130 + step % 96), fill=(250, 200, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


BRANDING: dict[str, object] = {}


def booklet(index: int) -> BookletData:
    rng = random.Random(index)
    cheques = []
    for position in range(1, 6):
        code = "".join(rng.choice(CROCKFORD) for _ in range(16))
        cheques.append(ChequeData(code, f"https://passnum.example.fr/c/{code}", position))
    return BookletData(
        number=f"2027-{index:06d}",
        funder_name="Conseil départemental de la Manche",
        face_value_cents=1000,
        validity=VALIDITY,
        cheques=cheques,
        **BRANDING,  # type: ignore[arg-type]
    )


def booklets(count: int) -> Iterator[BookletData]:
    return (booklet(index) for index in range(count))


def matrices_of_chunk(start: int, stop: int) -> int:
    for one in (booklet(index) for index in range(start, stop)):
        for cheque in one.cheques:
            qr_matrix(cheque.qr_payload)
    return stop - start


def matrix_only(count: int, workers: int) -> float:
    """Time to build the same booklets' QR matrices, on the same number of processes."""
    started = time.perf_counter()
    if workers <= 1:
        matrices_of_chunk(0, count)
    else:
        starts = range(0, count, CHUNK)
        stops = [min(start + CHUNK, count) for start in starts]
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            sum(pool.map(matrices_of_chunk, starts, stops))
    return time.perf_counter() - started


def peak_mb() -> tuple[float, float]:
    """RSS high-water marks (this process, largest child) in MB; Linux reports KiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "inconnu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booklets", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="20 booklets on 2 workers, seconds")
    parser.add_argument(
        "--branded", action="store_true", help="a funder's JPEG logo and message on every cover"
    )
    args = parser.parse_args()
    if args.branded:
        BRANDING.update(
            funder_logo=branded_logo(),
            funder_message="La CAF vous accompagne dans vos démarches en ligne",
            operator_name="Département de la Manche",
            directory_url="passnum.example.fr/lieux",
        )
    count, workers = (20, 2) if args.smoke else (args.booklets, args.workers)

    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        pages = render_booklets(booklets(count), out, workers=workers)
        elapsed = time.perf_counter() - started
        size_mb = out.tell() / 1e6
    own, child = peak_mb()
    assert pages == count, (pages, count)
    matrices = matrix_only(count, workers)

    print(f"{clock.today()} · {os.cpu_count()} CPU · {cpu_model()}")
    if args.branded:
        print(f"branded covers: JPEG logo of {len(BRANDING['funder_logo']) / 1000:.0f} kB")
    print(
        f"{count} booklets, {workers} worker(s): {elapsed:.2f} s, {count / elapsed:.0f} booklets/s"
    )
    print(f"PDF {size_mb:.1f} MB ({size_mb * 1000 / count:.1f} kB per booklet)")
    print(f"peak RSS: main {own:.0f} MB, largest worker {child:.0f} MB")
    print(f"QR matrices alone: {matrices:.2f} s; full rendering = {elapsed / matrices:.2f}x that")


if __name__ == "__main__":
    main()
