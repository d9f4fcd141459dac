"""``publish``: a run's wikitext into its marked section of a wiki page, dry run first."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from glamgraph import vocab
from glamgraph.client import CONTACT_ENV_VAR, user_agent
from glamgraph.client.secrets import redacted_logs
from glamgraph.errors import BadInput
from glamgraph.publish import listeria as listeria_blocks
from glamgraph.publish.credentials import Credentials, check_wiki_url, load_credentials
from glamgraph.publish.run import read_run
from glamgraph.publish.section import splice, unified_diff
from glamgraph.publish.wiki import EditConflict, PageState, WikiClient

log = logging.getLogger("glamgraph.publish")

PublishAction = Literal["dry-run", "unchanged", "edited", "created"]
ENV_CONTACT: Final = CONTACT_ENV_VAR
#: MediaWiki keeps at most 500 characters of an edit summary.
MAX_SUMMARY: Final = 500
_SUMMARY_DROP: Final = re.compile(r"[\[\]{}|~\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` did, or would do.

    Attributes:
        page: the page title as the wiki normalised it.
        api_url: the wiki's ``api.php``.
        region: the section's name (the run's region QID).
        action: ``dry-run`` (nothing sent but the read), ``unchanged`` (no edit needed),
            ``edited`` or ``created``.
        summary: the edit summary.
        diff: the unified diff of the page, current -> proposed ('' when unchanged).
        where: where the section is on the page.
        base_revid: the revision the edit is based on (``None`` for a new page).
        new_revid: the revision the edit made.
        request: the edit's parameters as sent (or to be sent): the text shown by its size and
            MD5, the CSRF token never.
        notes: anything the user should know (a page to create, a merge by the wiki).
    """

    page: str
    api_url: str
    region: str
    action: PublishAction
    summary: str
    diff: str
    where: str
    base_revid: int | None = None
    new_revid: int | None = None
    request: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def operator_agent(contact: str | None = None) -> str:
    """glamgraph's User-Agent with the operator's contact (``contact`` or ``GLAMGRAPH_CONTACT``),
    the client layer's one builder (:func:`glamgraph.client.user_agent`).

    >>> "(me@example.org; " in operator_agent("me@example.org")
    True
    """
    return user_agent(contact)


def edit_summary(page: str, region: str, label: str, provenance: str, listeria: bool) -> str:
    """The edit summary: page, region and the run's provenance line, one line, no markup.

    >>> edit_summary("GLAM/Contacts", "Q15", "Africa", "Made by glamgraph 0.1.0 on 2025-01-15", False)
    'glamgraph publish: section Q15 (Africa) of GLAM/Contacts, tables. Made by glamgraph 0.1.0 on 2025-01-15'
    """
    what = "ListeriaBot lists" if listeria else "tables"
    name = f"{region} ({label})" if label and label != region else region
    text = f"glamgraph publish: section {name} of {page}, {what}. {provenance}"
    text = " ".join(_SUMMARY_DROP.sub(" ", text).split())
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def publish(
    page: str,
    from_dir: str | Path,
    *,
    wiki: str = vocab.META_API,
    apply: bool = False,
    create: bool = False,
    listeria: bool = False,
    bot: bool = False,
    credentials: Credentials | None = None,
    credentials_file: str | Path | None = None,
    contact: str | None = None,
    maxlag: int = 5,
    max_attempts: int = 5,
    max_retry_after_s: float = 120.0,
    timeout_s: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PublishResult:
    """Put a run's tables into their marked section of a wiki page; a dry run unless ``apply``.

    Reads the page's current revision, replaces only the text between
    ``<!-- glamgraph:begin REGION -->`` and ``<!-- glamgraph:end REGION -->`` (appending the
    section the first time) and, with ``apply``, saves it in one edit based on the revision read
    (``baserevid``, ``basetimestamp``, ``starttimestamp``), ``nocreate`` unless ``create``,
    ``assert=user`` (``bot`` with ``bot``), ``maxlag``. Just before the edit the page is read
    again: if it changed, nothing is sent. Without a change there is no edit.

    Args:
        page: the page title, e.g. ``"GLAM/Point of contact"``.
        from_dir: a folder written by ``glamgraph coverage --out``.
        wiki: the wiki's ``api.php`` (default Meta-Wiki).
        apply: make the edit (needs a bot password); otherwise only read and compare.
        create: create the page if it does not exist.
        listeria: ``{{Wikidata list}}`` blocks for ListeriaBot instead of static tables.
        bot: flag the edit as a bot edit (``bot=1``, ``assert=bot``).
        credentials: the bot password; default from ``credentials_file`` or the environment.
        credentials_file: a file readable only by its owner (see
            :func:`~glamgraph.publish.credentials.load_credentials`).
        contact: the operator's contact for the User-Agent (default ``GLAMGRAPH_CONTACT``).
        maxlag: the ``maxlag`` sent with every request.
        max_attempts: attempts per request on maxlag and other answers to wait out.
        max_retry_after_s: the longest ``Retry-After`` honoured; a longer one fails at once.
        timeout_s: seconds to wait for one answer.
        sleep: how to wait between attempts (tests pass a recorder).

    Returns:
        A :class:`PublishResult`: the diff, the summary, the edit's parameters and outcome.

    Raises:
        BadInput: a bad run folder, page title, URL or credentials; a page that does not exist
            without ``create``; a refused login; broken markers on the page (exit 2).
        EditConflict: the page changed between the read and the write (exit 3, nothing edited).
        MediaWikiError: the wiki refused the edit (protected page, blocked user) or could not
            be reached (exit 3).

    Example (not run: it reaches Meta-Wiki)::

        >>> r = publish("GLAM/Point of contact", "glamgraph-out")  # doctest: +SKIP
        >>> print(r.diff)  # doctest: +SKIP
    """
    if not page.strip() or any(c in page for c in "\n\r\t#<>[]{}|"):
        raise BadInput(f"malformed page title: {page!r}")
    run = read_run(from_dir)
    body = listeria_blocks.render(run) if listeria else run.wikitext()
    check_wiki_url(wiki, sends_credentials=False)
    creds: Credentials | None = None
    if apply:  # refuse before any request
        creds = credentials or load_credentials(credentials_file)
        check_wiki_url(wiki, sends_credentials=True)
    client = WikiClient(
        wiki,
        user_agent=operator_agent(contact),
        maxlag=maxlag,
        max_attempts=max_attempts,
        max_retry_after_s=max_retry_after_s,
        timeout_s=timeout_s,
        sleep=sleep,
    )
    secrets = [creds.password] if creds is not None else []
    try:
        with redacted_logs(secrets):
            state = client.read(page)
            return _publish(client, state, run.region, run.region_label, run.provenance, body,
                            apply=apply, create=create, listeria=listeria, bot=bot, creds=creds)  # fmt: skip
    finally:
        client.close()


def _publish(
    client: WikiClient,
    state: PageState,
    region: str,
    label: str,
    provenance: str,
    body: str,
    *,
    apply: bool,
    create: bool,
    listeria: bool,
    bot: bool,
    creds: Credentials | None,
) -> PublishResult:
    placed = splice(state.text, region, body)
    summary = edit_summary(state.title, region, label, provenance, listeria)
    diff = unified_diff(state.text, placed.text, state.title)
    request = _edit_params(state, placed.text, summary, create=create, bot=bot)
    shown = _shown(request, client.maxlag, bot)
    notes: list[str] = []
    common = {
        "page": state.title,
        "api_url": client.api_url,
        "region": region,
        "summary": summary,
        "where": placed.where(),
        "base_revid": state.revid,
    }
    if state.exists and placed.text == state.text:
        return PublishResult(**common, action="unchanged", diff="")  # type: ignore[arg-type]
    if not state.exists:
        notes.append(
            f"{state.title} does not exist on {client.api_url}"
            + ("; --create makes it" if not create else "; the edit creates it")
        )
    if not apply:
        return PublishResult(
            **common,  # type: ignore[arg-type]
            action="dry-run",
            diff=diff,
            request=shown,
            notes=tuple(notes),
        )
    if not state.exists and not create:
        raise BadInput(
            f"{state.title} does not exist on {client.api_url}; pass --create to make it "
            "(nothing was edited)"
        )
    assert creds is not None
    import wikibaseintegrator.wbi_helpers
    import wikibaseintegrator.wbi_login  # noqa: F401 - their loggers exist once imported

    with redacted_logs([creds.password]):
        client.log_in(creds)
        again = client.read(state.title)
        if again.revid != state.revid or again.text != state.text:
            raise EditConflict(
                f"{state.title} on {client.api_url} changed since it was read (revision "
                f"{state.revid} -> {again.revid}); nothing was edited and the other edit is "
                "kept: run publish again to see the new diff"
            )
        edit = client.edit(request, bot=bot)
    if edit.get("nochange") not in (None, False):
        return PublishResult(**common, action="unchanged", diff="")  # type: ignore[arg-type]
    new = int(edit["newrevid"]) if str(edit.get("newrevid", "")).isdigit() else None
    old = edit.get("oldrevid")
    if state.exists and old is not None and str(old) != str(state.revid):
        notes.append(f"the wiki merged the edit onto revision {old} (made meanwhile; it is kept)")
    return PublishResult(
        **common,  # type: ignore[arg-type]
        action="edited" if state.exists else "created",
        diff=diff,
        new_revid=new,
        request=shown,
        notes=tuple(notes),
    )


def _edit_params(
    state: PageState, text: str, summary: str, *, create: bool, bot: bool
) -> dict[str, str]:
    params = {
        "action": "edit",
        "title": state.title,
        "text": text,
        "summary": summary,
        "md5": hashlib.md5(text.encode("utf-8")).hexdigest(),
        "contentmodel": "wikitext",
        "watchlist": "nochange",
        "formatversion": "2",
    }
    if state.curtimestamp:
        params["starttimestamp"] = state.curtimestamp
    if state.exists:
        params["baserevid"] = str(state.revid)
        params["basetimestamp"] = str(state.timestamp)
        params["nocreate"] = "1"
    elif create:
        params["createonly"] = "1"
    else:
        params["nocreate"] = "1"
    if bot:
        params["bot"] = "1"
    return params


def _shown(params: dict[str, str], maxlag: int, bot: bool) -> dict[str, str]:
    """The parameters as a person reads them: the text by size and digest, no token."""
    out = dict(params)
    out["text"] = f"<{len(params['text'].encode('utf-8'))} bytes, md5 {params['md5']}>"
    out["assert"] = "bot" if bot else "user"
    out["maxlag"] = str(maxlag)
    out["token"] = "<CSRF token of the login>"
    return out
