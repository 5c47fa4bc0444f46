"""Helpers of the vouchers page tests: what a person reads on a page."""

from __future__ import annotations

import html

from tests.factories import text_of


def seen(response) -> str:
    """The visible text of a page response, entities decoded (« qu'à » rather than qu&#39;à)."""
    return html.unescape(text_of(response.text))
