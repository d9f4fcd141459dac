"""The User-Agent of every request: glamgraph, its version, and whom to contact.

Wikimedia's User-Agent policy asks for the *operator's* contact (the person running the tool),
not only the tool's: ``--contact EMAIL|URL`` or the ``GLAMGRAPH_CONTACT`` environment variable
gives it. Without one, the project's URL stands in and a hint is logged once per process.

>>> ua = user_agent("me@example.org")
>>> ua.startswith("glamgraph/") and "(me@example.org; " in ua
True
"""

from __future__ import annotations

import logging
import os
import platform
import re
from typing import Final

from glamgraph._version import CONTACT, PROJECT_URL, __version__
from glamgraph.errors import BadInput

#: The environment variable that names the operator's contact (an email address or a URL).
CONTACT_ENV_VAR: Final = "GLAMGRAPH_CONTACT"
_MAX_CONTACT: Final = 200
_HINTED: set[str] = set()  # one hint per process
log = logging.getLogger("glamgraph.client")


def operator_contact(contact: str | None = None) -> str:
    """The operator's contact: ``contact`` if given, else ``$GLAMGRAPH_CONTACT``, else ``""``.

    Control characters (a header injection) and over-long values are refused.

    >>> operator_contact(" me@example.org ")
    'me@example.org'
    >>> operator_contact("a\\nb")
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: --contact / GLAMGRAPH_CONTACT: control characters are not allowed
    """
    value = contact if contact is not None else os.environ.get(CONTACT_ENV_VAR, "")
    value = value.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise BadInput(f"--contact / {CONTACT_ENV_VAR}: control characters are not allowed")
    if len(value) > _MAX_CONTACT:
        raise BadInput(f"--contact / {CONTACT_ENV_VAR}: longer than {_MAX_CONTACT} characters")
    return value


def user_agent(contact: str | None = None, *libraries: str) -> str:
    """``glamgraph/<version> (<operator contact>; <project URL>) Python/<v> [libraries...]``.

    Args:
        contact: the operator's contact; ``None`` reads ``GLAMGRAPH_CONTACT``.
        libraries: ``name/version`` strings of the HTTP libraries underneath.
    """
    who = operator_contact(contact)
    if who:
        parts = f"{who}; {PROJECT_URL}"
    else:
        parts = f"{PROJECT_URL}; {CONTACT}"
        if "hint" not in _HINTED:
            _HINTED.add("hint")
            log.info(
                "no operator contact in the User-Agent: pass --contact EMAIL|URL or set %s",
                CONTACT_ENV_VAR,
            )
    libs = " ".join(re.sub(r"\s+", "", lib) for lib in libraries if lib)
    ua = f"glamgraph/{__version__} ({parts}) Python/{platform.python_version()}"
    return f"{ua} {libs}".strip()
