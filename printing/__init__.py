"""Printed documents of passnum: plain data in, PDF bytes or a PDF stream out.

No database, web framework or application import here (only the kernel's leaf ``passnum.fr`` for
French dates and amounts; import-linter checks it), so the package can be called from a request
handler, a CLI command or a worker process alike. Everything printed is in French.
"""

from printing.booklets import BookletData, ChequeData, render_booklet, render_booklets
from printing.fonts import register_fonts
from printing.labels import SHEET_FORMATS, LabelData, SheetFormat, render_label_sheet
from printing.loans import (
    DEFAULT_TERMS,
    LoanItemLine,
    LoanSlipData,
    SignatureLine,
    render_loan_slip,
    render_return_slip,
)
from printing.statements import (
    BankDetails,
    StatementCompensation,
    StatementData,
    StatementFunderTotal,
    StatementLine,
    render_statement,
)

__all__ = [
    "DEFAULT_TERMS",
    "SHEET_FORMATS",
    "BankDetails",
    "BookletData",
    "ChequeData",
    "LabelData",
    "LoanItemLine",
    "LoanSlipData",
    "SheetFormat",
    "SignatureLine",
    "StatementCompensation",
    "StatementData",
    "StatementFunderTotal",
    "StatementLine",
    "register_fonts",
    "render_booklet",
    "render_booklets",
    "render_label_sheet",
    "render_loan_slip",
    "render_return_slip",
    "render_statement",
]
