"""Making one text value safe for the file it lands in: spreadsheets (CSV) and XML.

- :func:`csv_cell`: a cell of a CSV meant for spreadsheets. A value starting with ``=``, ``+``,
  ``-``, ``@``, TAB or CR is a formula to Excel, LibreOffice or Google Sheets (even a phone
  number such as ``+32-2-123-45-67``; a plain number such as ``-12.5`` is left as is), so it gets a leading ``'`` (the spreadsheet convention
  for "this is text"); ``neutralise=False`` keeps raw values. Every value is cut to
  :data:`MAX_FIELD` characters, the XLSX limit, which also keeps Python's ``csv`` reader (whose
  default field limit is 131,072) able to read the file back.
- :func:`xml_safe`: text without the characters XML 1.0 forbids (NUL and other C0 controls but
  TAB, LF and CR; lone surrogates; U+FFFE and U+FFFF), for XLSX, SVG and HTML outputs.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final

#: The longest cell written (characters): Excel's limit on the text of one cell.
MAX_FIELD: Final = 32767
#: What makes a spreadsheet read a cell as a formula (or a DDE command).
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

_NUMBER_RE: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")
_XML_FORBIDDEN_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow in a document.

    Args:
        text: any text (a label from Wikidata, say).

    Returns:
        The text minus NUL, the C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE, U+FFFF.

    >>> xml_safe("a\\x00b\\ufffe\\uffffc\\td\\ud800")
    'abc\\td'
    """
    return _XML_FORBIDDEN_RE.sub("", text)


_RAW: ContextVar[bool] = ContextVar("glamgraph_raw_csv", default=False)


@contextlib.contextmanager
def raw_csv(raw: bool = True) -> Iterator[None]:
    """Within the block, the CSV writers keep raw values (``raw=False``: neutralise, the default).

    >>> with raw_csv():
    ...     csv_cell("=1+1")
    '=1+1'
    """
    token = _RAW.set(raw)
    try:
        yield
    finally:
        _RAW.reset(token)


def neutralising() -> bool:
    """Whether CSV cells are neutralised here (not inside :func:`raw_csv`).

    >>> neutralising()
    True
    """
    return not _RAW.get()


def csv_cell(value: str, *, neutralise: bool | None = None) -> str:
    """One CSV cell: cut to :data:`MAX_FIELD` characters, a would-be formula prefixed with ``'``.

    Args:
        value: the cell's text.
        neutralise: prefix cells that a spreadsheet would evaluate; ``False`` writes the raw
            value (still length-capped); ``None`` (default): neutralise unless inside
            :func:`raw_csv`.

    Returns:
        The text to write.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("+32-2-123-45-67"), csv_cell("Louvre")
    ('\\'=HYPERLINK("http://x")', "'+32-2-123-45-67", 'Louvre')
    >>> csv_cell("-12.5"), csv_cell("@SUM(A1)", neutralise=False)
    ('-12.5', '@SUM(A1)')
    """
    if neutralise is None:
        neutralise = neutralising()
    if not value.isascii():  # a lone surrogate cannot be written as UTF-8
        value = _SURROGATE_RE.sub("\ufffd", value)
    if neutralise and value.startswith(FORMULA_START) and not _NUMBER_RE.fullmatch(value):
        value = "'" + value
    return value[:MAX_FIELD]
