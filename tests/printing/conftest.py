"""Printing fixtures: plain data factories, no database."""

import random
from collections.abc import Callable

import pytest

from printing import BookletData, ChequeData

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.fixture
def make_booklet() -> Callable[..., BookletData]:
    """Booklets with random but reproducible cheque codes."""
    rng = random.Random(2027)

    def make(index: int = 1, **changes: object) -> BookletData:
        cheques = []
        for position in range(1, 6):
            code = "".join(rng.choice(CROCKFORD) for _ in range(16))
            cheques.append(ChequeData(code, f"https://passnum.example.fr/c/{code}", position))
        fields: dict[str, object] = {
            "number": f"2027-{index:06d}",
            "funder_name": "Département de la Manche",
            "face_value_cents": 1000,
            "validity": (
                "Valable du 01/01/2027 au 31/12/2027",
                "accepté jusqu'au 31/01/2028 si le carnet a été remis avant",
            ),
            "cheques": cheques,
        }
        fields.update(changes)
        return BookletData(**fields)  # type: ignore[arg-type]

    return make
