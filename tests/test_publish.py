"""``glamgraph publish`` against a real MediaWiki Action API on loopback (tests/servers/wiki_edit.py).

The run folder is a real ``coverage`` run on the test world (Europe, the test affiliates of
test_coverage.py), written by the exporter. Logins go through wikibaseintegrator; every request
is recorded by the server, so the tests check what a wiki would have received.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import wiki_edit

import glamgraph
from glamgraph import publish as publish_api
from glamgraph import vocab
from glamgraph.cli import main
from glamgraph.errors import BadInput, MediaWikiError
from glamgraph.model import Affiliate
from glamgraph.publish import EditConflict, begin_marker, end_marker, splice
from glamgraph.publish.listeria import sparql_for
from glamgraph.publish.run import read_run

HERE = Path(__file__).resolve().parent
USER = "Organiser@glamgraph"
PASSWORD = "pUbl1sh-s3cr3t-9c2e-bot-password"
PAGE = "GLAM/Point of contact"
CONTACT = "organiser@example.org"
SURROUNDINGS_HEAD = "Intro with trailing spaces   \n{{Note|x=1}}\n\nÇa, «ça» \u00a0 & ünïcode\n\n"
SURROUNDINGS_TAIL = "\n\n== Talk ==\nKeep me.  \n[[Category:GLAM]]"


def aff(code: str, type_: str, countries: tuple[str, ...], status: str = "recognised") -> Affiliate:
    return Affiliate(code, f"Test {code}", type_, countries, status, f"test fixture {code}")  # type: ignore[arg-type]


AFFILIATES = [
    aff("WMFR", "chapter", ("Q142",)),
    aff("WMDE", "chapter", ("Q183",)),
    aff("WMBE", "chapter", ("Q31",), "derecognised"),
    aff("NGUG", "user group", ("Q1033",)),
]


@pytest.fixture(scope="module")
def europe_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run folder: coverage of Europe on the test world, regions.csv + contacts.wikitext."""
    from conftest import WORLD_FILES

    from glamgraph.export import write_all
    from glamgraph.sparql.embedded import EmbeddedEngine

    engine = EmbeddedEngine.from_files(WORLD_FILES, name="world")
    cov = glamgraph.coverage("Q46", endpoint=engine, affiliates=AFFILIATES, quiet=True)
    assert cov.uncovered(), "the test world must have uncovered regions"
    out = tmp_path_factory.mktemp("run") / "out"
    write_all(cov, out, formats=["regions", "wikitext"])
    return out


@pytest.fixture()
def run_dir(europe_run: Path, tmp_path: Path) -> Path:
    """A copy of the run folder inside the test's tmp_path (searched for the password)."""
    dest = tmp_path / "out"
    shutil.copytree(europe_run, dest)
    return dest


@pytest.fixture()
def wiki() -> Iterator[wiki_edit.Server]:
    server = wiki_edit.start({USER: PASSWORD})
    try:
        yield server
    finally:
        wiki_edit.stop(server)


@pytest.fixture()
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLAMGRAPH_BOT_USER", USER)
    monkeypatch.setenv("GLAMGRAPH_BOT_PASSWORD", PASSWORD)
    monkeypatch.setenv("GLAMGRAPH_CONTACT", CONTACT)


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits are recorded, never slept (tenacity's sleep is the one publish passes)."""
    slept: list[float] = []
    from glamgraph.publish import flow

    original = flow.publish.__kwdefaults__["sleep"]
    monkeypatch.setitem(flow.publish.__kwdefaults__, "sleep", slept.append)
    assert original is not None
    return slept


@pytest.fixture(autouse=True)
def _preserve_wbi_config() -> Iterator[None]:
    from wikibaseintegrator.wbi_config import config

    saved = dict(config)
    yield
    config.clear()
    config.update(saved)


def cli(*args: str) -> int:
    return main(["publish", *args])


def section_of(text: str, region: str = "Q46") -> str:
    b, e = begin_marker(region), end_marker(region)
    return text[text.index(b) + len(b) : text.index(e)]


def outside(text: str, region: str = "Q46") -> tuple[str, str]:
    b, e = begin_marker(region), end_marker(region)
    return text[: text.index(b) + len(b)], text[text.index(e) :]


# --- the run folder and the section ------------------------------------------------------------


def test_run_folder_gives_region_provenance_and_tables(run_dir: Path) -> None:
    run = read_run(run_dir)
    assert (run.region, run.region_label) == ("Q46", "Europe")
    assert (
        run.provenance.startswith("Made by glamgraph ") and "from endpoint world" in run.provenance
    )
    assert run.wikitext() == (run_dir / "contacts.wikitext").read_text(encoding="utf-8")
    assert {r.region for r in run.uncovered()} and all(
        r.region.startswith("Q") for r in run.uncovered()
    )


def test_bad_run_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such run folder"):
        read_run(tmp_path / "nope")
    (tmp_path / "run.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInput, match=r"not a glamgraph run\.json"):
        read_run(tmp_path)
    (tmp_path / "run.json").write_text('{"region": {"qid": "Q1 --> x"}}', encoding="utf-8")
    with pytest.raises(BadInput, match="malformed region"):
        read_run(tmp_path)
    assert cli(PAGE, "--from", str(tmp_path / "nope")) == 2


def test_splice_replaces_only_between_the_markers() -> None:
    page = (
        SURROUNDINGS_HEAD
        + begin_marker("Q46")
        + "\nold\nlines\n"
        + end_marker("Q46")
        + SURROUNDINGS_TAIL
    )
    new = splice(page, "Q46", "new body\n\n").text
    assert outside(new) == outside(page)
    assert section_of(new) == "\nnew body\n"
    other = splice(page, "Q15", "africa")  # another region's section is appended, Q46's kept
    assert (
        other.appended
        and other.text.startswith(page)
        and section_of(other.text) == section_of(page)
    )
    for broken in (
        page + begin_marker("Q46"),
        end_marker("Q46") + begin_marker("Q46"),
        begin_marker("Q46") + " no end",
    ):
        with pytest.raises(BadInput, match="markers for Q46 are broken"):
            splice(broken, "Q46", "x")
    with pytest.raises(BadInput, match="holds a glamgraph marker"):
        splice("", "Q46", "x " + end_marker("Q46"))
    decomposed = "Ca\u0300"  # MediaWiki stores NFC: the body is normalised so a rerun is a no-op
    assert section_of(splice("", "Q46", decomposed).text) == "\nC\u00e0\n"


# --- dry run -----------------------------------------------------------------------------------


def test_dry_run_prints_the_diff_and_changes_nothing(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, SURROUNDINGS_HEAD + "end of page")
    before = wiki.text(PAGE)
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "appended at the end of the page" in out
    assert f"--- {PAGE} (current)" in out and f"+++ {PAGE} (proposed)" in out
    assert f"+{begin_marker('Q46')}" in out and f"+{end_marker('Q46')}" in out
    assert f"edit to send (POST {wiki.url}):\n  action=edit\n  title={PAGE}\n" in out
    assert "\n  nocreate=1\n" in out and "\n  assert=user\n" in out and "\n  maxlag=5\n" in out
    assert "\n  baserevid=27654321\n" in out and "\n  token=<CSRF token of the login>\n" in out
    assert "dry run: nothing was edited" in out
    assert wiki.text(PAGE) == before and len(wiki.pages[PAGE].history) == 1
    assert [r.action for r in wiki.requests] == ["query"]  # one anonymous read, no login
    read = wiki.requests[0]
    assert "assert" not in read.params and "token" not in read.params
    assert read.params["maxlag"] == "5" and read.params["curtimestamp"] == "1"
    ua = read.headers["User-Agent"]
    assert ua.startswith("glamgraph/") and f"({CONTACT}; " in ua


def test_dry_run_of_a_missing_page_says_create_is_needed(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = publish_api(PAGE, run_dir, wiki=wiki.url)
    assert result.action == "dry-run" and result.base_revid is None
    assert any("--create makes it" in n for n in result.notes)
    assert result.request["nocreate"] == "1" and "baserevid" not in result.request


# --- edits -------------------------------------------------------------------------------------


def test_first_publish_appends_and_keeps_every_other_byte(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    original = SURROUNDINGS_HEAD + "end of page"
    page = wiki.create(PAGE, original)
    base = page.latest
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "edited:" in out
    text = wiki.text(PAGE)
    assert text.startswith(original + "\n\n" + begin_marker("Q46"))
    assert text.endswith(end_marker("Q46"))
    tables = (run_dir / "contacts.wikitext").read_text(encoding="utf-8").rstrip("\n")
    assert section_of(text) == "\n" + tables + "\n"
    (edit,) = wiki.of("edit")
    p = edit.params
    assert edit.method == "POST" and {"token", "text"} <= edit.body_params
    assert p["baserevid"] == str(base.revid) and p["basetimestamp"] == base.timestamp
    assert p["starttimestamp"] > base.timestamp  # the wiki's clock at the read
    assert p["nocreate"] == "1" and "createonly" not in p
    assert p["assert"] == "user" and p["maxlag"] == "5" and "bot" not in p
    assert "GLAM/Point of contact" in p["summary"] and "Q46 (Europe)" in p["summary"]
    assert "Made by glamgraph" in p["summary"] and len(p["summary"]) <= 500
    assert wiki.pages[PAGE].latest.user == "Organiser"
    assert len(wiki.of("login")) == 1 and len(wiki.pages[PAGE].history) == 2
    assert f"({CONTACT}; " in edit.headers["User-Agent"]
    assert "WikibaseIntegrator/" in edit.headers["User-Agent"]


def test_update_leaves_the_surroundings_byte_identical(
    wiki: wiki_edit.Server, run_dir: Path, creds: None
) -> None:
    old = (
        SURROUNDINGS_HEAD
        + begin_marker("Q46")
        + "\nan old table\n"
        + end_marker("Q46")
        + "\n"
        + begin_marker("Q15")
        + "\nAfrica, someone else's run\n"
        + end_marker("Q15")
        + SURROUNDINGS_TAIL
    )
    wiki.create(PAGE, old)
    result = publish_api(PAGE, run_dir, wiki=wiki.url, apply=True)
    assert result.action == "edited" and result.new_revid == wiki.pages[PAGE].latest.revid
    new = wiki.text(PAGE)
    assert outside(new) == outside(old)
    assert section_of(new, "Q15") == section_of(old, "Q15")
    assert "an old table" not in new and '{| class="wikitable sortable"' in section_of(new)
    assert "the section replaces the one between the markers" in result.where
    assert "-an old table" in result.diff


def test_second_apply_with_the_same_run_makes_no_edit(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply") == 0
    capsys.readouterr()
    revisions, requests = len(wiki.pages[PAGE].history), len(wiki.requests)
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "no change" in out and "nothing was edited" in out
    assert len(wiki.pages[PAGE].history) == revisions
    assert [r.action for r in wiki.requests[requests:]] == ["query"]  # a read, no login, no edit


def test_create_needs_the_flag_and_then_creates_only(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    _, err = capsys.readouterr()
    assert code == 2 and "--create" in err and PAGE not in wiki.pages and not wiki.of("edit")
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply", "--create")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "created:" in out
    (edit,) = wiki.of("edit")
    assert edit.params["createonly"] == "1" and "nocreate" not in edit.params
    assert "baserevid" not in edit.params and wiki.text(PAGE).startswith(begin_marker("Q46"))


def test_a_page_created_meanwhile_is_not_overwritten(
    wiki: wiki_edit.Server, run_dir: Path, creds: None
) -> None:
    wiki.before_edit.append(lambda s: s.create(PAGE, "Someone was faster."))
    with pytest.raises(EditConflict, match="articleexists"):
        publish_api(PAGE, run_dir, wiki=wiki.url, apply=True, create=True)
    assert wiki.text(PAGE) == "Someone was faster."


# --- never overwrite ---------------------------------------------------------------------------


def test_an_edit_between_read_and_write_is_refused_and_kept(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    theirs = "Intro.\n\nA colleague's paragraph."
    wiki.before_edit.append(lambda s: s.edit_as("Colleague", PAGE, theirs))
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    _, err = capsys.readouterr()
    assert code == 3
    assert "changed since it was read" in err and "editconflict" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert wiki.text(PAGE) == theirs and wiki.pages[PAGE].latest.user == "Colleague"
    assert len(wiki.of("edit")) == 1


def test_a_change_seen_before_the_edit_sends_no_edit(
    wiki: wiki_edit.Server, run_dir: Path, creds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glamgraph.publish.wiki import WikiClient

    wiki.create(PAGE, "Intro.")
    login = WikiClient.log_in

    def log_in_while_someone_edits(self: WikiClient, c: Any) -> None:
        wiki.edit_as("Colleague", PAGE, "Intro, reworded.")
        login(self, c)

    monkeypatch.setattr(WikiClient, "log_in", log_in_while_someone_edits)
    with pytest.raises(EditConflict, match="changed since it was read"):
        publish_api(PAGE, run_dir, wiki=wiki.url, apply=True)
    assert not wiki.of("edit") and wiki.text(PAGE) == "Intro, reworded."


def test_maxlag_is_waited_out_then_the_edit_succeeds(
    wiki: wiki_edit.Server, run_dir: Path, creds: None, _no_sleep: list[float]
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.queue_maxlag(7, action="query")
    wiki.queue_maxlag(9, action="edit", times=2)
    result = publish_api(PAGE, run_dir, wiki=wiki.url, apply=True)
    assert result.action == "edited"
    assert _no_sleep == [5.0, 5.0, 5.0]  # Retry-After: max(maxlag, 5)
    edits = wiki.of("edit")
    assert len(edits) == 3 and all(e.params["maxlag"] == "5" for e in edits)
    assert len(wiki.pages[PAGE].history) == 2
    assert {e.params["baserevid"] for e in edits} == {str(wiki.pages[PAGE].history[0].revid)}


def test_maxlag_that_does_not_go_away_fails_without_editing(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.queue_maxlag(30, action="edit", times=10)
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    _, err = capsys.readouterr()
    assert code == 3 and "maxlag" in err and "5 attempts" in err
    assert len(wiki.of("edit")) == 5 and wiki.text(PAGE) == "Intro."


def test_a_retry_after_beyond_the_cap_fails_at_once(
    wiki: wiki_edit.Server, run_dir: Path, _no_sleep: list[float]
) -> None:
    wiki.create(PAGE, "Intro.")
    body = wiki_edit.error_body("ratelimited", "You've exceeded your rate limit.")
    wiki.queue_answer(
        "query", 200, body, {"Retry-After": "3600", "MediaWiki-API-Error": "ratelimited"}
    )
    with pytest.raises(MediaWikiError, match="asked to wait 3600 s"):
        publish_api(PAGE, run_dir, wiki=wiki.url)
    assert _no_sleep == [] and len(wiki.requests) == 1


def test_a_server_error_on_the_edit_is_not_resent(
    wiki: wiki_edit.Server, run_dir: Path, creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.queue_answer("edit", 503, {"error": "unavailable"}, {})
    with pytest.raises(MediaWikiError, match="may or may not have been saved"):
        publish_api(PAGE, run_dir, wiki=wiki.url, apply=True)
    assert len(wiki.of("edit")) == 1


# --- refusals ----------------------------------------------------------------------------------


def test_bad_password_is_refused(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    wiki.create(PAGE, "Intro.")
    monkeypatch.setenv("GLAMGRAPH_BOT_PASSWORD", "wrong-" + PASSWORD)
    code = cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply")
    _, err = capsys.readouterr()
    assert code == 2 and f"login to {wiki.url} as {USER} refused" in err
    assert "Incorrect username or password" in err and "wrong-" not in err
    assert not wiki.of("edit") and wiki.text(PAGE) == "Intro."


def test_protected_page_and_blocked_user_give_one_line_errors(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.protect(PAGE)
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply") == 3
    _, err = capsys.readouterr()
    assert err.startswith("glamgraph: error: ") and err.count("\n") == 1
    assert "is protected" in err and "protectedpage" in err and "nothing was edited" in err
    wiki.pages[PAGE].protected = False
    wiki.blocked.add(USER)
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply") == 3
    _, err = capsys.readouterr()
    assert f"{USER} is blocked" in err and "Malfunctioning bot" in err and err.count("\n") == 1
    assert wiki.text(PAGE) == "Intro."


def test_bot_flag_asserts_the_bot_right(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str], creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply", "--bot") == 3
    _, err = capsys.readouterr()
    assert "assertbotfailed" in err and wiki.text(PAGE) == "Intro."
    wiki.bots.add(USER)
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply", "--bot") == 0
    edit = wiki.of("edit")[-1]
    assert edit.params["assert"] == "bot" and edit.params["bot"] == "1"


def test_credentials_checks_come_before_any_request(
    wiki: wiki_edit.Server, run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("GLAMGRAPH_BOT_USER", raising=False)
    monkeypatch.delenv("GLAMGRAPH_BOT_PASSWORD", raising=False)
    wiki.create(PAGE, "Intro.")
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply") == 2
    assert "needs a bot password" in capsys.readouterr().err
    secret = tmp_path / "bot.env"
    secret.write_text(f"# mine\nGLAMGRAPH_BOT_USER={USER}\nGLAMGRAPH_BOT_PASSWORD={PASSWORD}\n")
    secret.chmod(0o644)
    args = [
        PAGE,
        "--from",
        str(run_dir),
        "--wiki",
        wiki.url,
        "--apply",
        "--credentials",
        str(secret),
    ]
    assert cli(*args) == 2
    assert "readable or writable by others (mode 644); run chmod 600" in capsys.readouterr().err
    plain = ["--wiki", "http://wiki.example.org/w/api.php"]
    monkeypatch.setenv("GLAMGRAPH_BOT_USER", USER)
    monkeypatch.setenv("GLAMGRAPH_BOT_PASSWORD", PASSWORD)
    assert cli(PAGE, "--from", str(run_dir), *plain, "--apply") == 2
    assert "refusing to send a password over plain http" in capsys.readouterr().err
    assert wiki.requests == []
    secret.chmod(0o600)
    assert cli(*args) == 0, capsys.readouterr().err
    assert len(wiki.of("login")) == 1 and wiki.of("login")[0].params["lgname"] == USER


# --- listeria ----------------------------------------------------------------------------------


def test_listeria_blocks_carry_glamgraphs_own_query(
    wiki: wiki_edit.Server, run_dir: Path, creds: None
) -> None:
    from conftest import WORLD_FILES

    from glamgraph.sparql.embedded import EmbeddedEngine

    wiki.create(PAGE, "Intro.")
    result = publish_api(PAGE, run_dir, wiki=wiki.url, apply=True, listeria=True)
    assert result.action == "edited" and "ListeriaBot lists" in result.summary
    text = section_of(wiki.text(PAGE))
    uncovered = read_run(run_dir).uncovered()
    blocks = re.findall(r"\{\{Wikidata list\n(.*?)\n\}\}\n\{\{Wikidata list end\}\}", text, re.S)
    assert len(blocks) == len(uncovered) >= 1
    engine = EmbeddedEngine.from_files(WORLD_FILES, name="world")
    cov = glamgraph.coverage("Q46", endpoint=engine, affiliates=AFFILIATES, quiet=True)
    for row, blk in zip(uncovered, blocks, strict=True):
        params = dict(line[1:].split("=", 1) for line in re.split(r"\n(?=\|)", blk))
        assert params["sparql"] == sparql_for(row.region)
        assert params["columns"].startswith("label:Institution,item:Item,P31:Type")
        assert params["sort"] == "label" and params["section"] == "P31"
        # the query finds exactly the institutions glamgraph counts in that region
        wdqs_prefixes = f"PREFIX wd: <{vocab.WD}>\nPREFIX wdt: <{vocab.WDT}>\n"
        answer = engine.select(wdqs_prefixes + params["sparql"])
        found = set(answer.qids("item"))
        counted = {i.qid for i in cov.institutions if row.region in i.units}
        assert found == counted, row.region


# --- secrets -----------------------------------------------------------------------------------


def test_the_password_appears_in_no_output_and_no_log(
    wiki: wiki_edit.Server, run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, creds: None, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)  # every logger: wikibaseintegrator's, urllib3's, requests'
    wiki.create(PAGE, "Intro.")
    codes = [cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url)]
    wiki.queue_maxlag(8, action="edit")
    codes.append(cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply"))
    wiki.edit_as("Colleague", PAGE, "Changed.")
    wiki.before_edit.append(lambda s: s.edit_as("Colleague", PAGE, "Changed again."))
    codes.append(cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url, "--apply"))
    secret = tmp_path / "bot.env"
    secret.write_text(f"GLAMGRAPH_BOT_USER={USER}\nGLAMGRAPH_BOT_PASSWORD={PASSWORD}x\n")
    secret.chmod(0o600)
    codes.append(
        cli(
            PAGE,
            "--from",
            str(run_dir),
            "--wiki",
            wiki.url,
            "--apply",
            "--credentials",
            str(secret),
        )
    )
    assert codes == [0, 0, 3, 2]
    out, err = capsys.readouterr()
    texts = [out, err]
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != secret:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for record in caplog.records:
        texts += [record.getMessage(), record.exc_text or "", repr(record.args), str(record.msg)]
    assert len(caplog.records) > 5 and any(r.name.startswith("urllib3") for r in caplog.records)
    assert any(PASSWORD in r.params.get("lgpassword", "") for r in wiki.of("login"))
    tokens = {r.params["token"] for r in wiki.of("edit")} - {"+\\"}
    assert tokens
    for text in texts:
        assert PASSWORD not in text
        for token in tokens:
            assert token not in text
    assert PASSWORD not in repr(glamgraph.publish.__module__)  # the API's objects hide it too
    from glamgraph.publish import load_credentials

    assert PASSWORD not in repr(load_credentials(environ=dict(os.environ)))


def test_region_runs_coverage_first_then_publishes_its_outputs(
    wiki: wiki_edit.Server, oxigraph_server: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    wiki.create(PAGE, "Intro.")
    out = tmp_path / "run"
    args = ["--region", "Q46", "--endpoint", oxigraph_server.url, "--no-fallback", "--no-cache",
            "--affiliates", str(HERE / "world" / "module.lua"), "--out", str(out), "--quiet"]  # fmt: skip
    code = cli(PAGE, *args, "--wiki", wiki.url)
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "files written to" in stdout and "dry run: nothing was edited" in stdout
    tables = (out / "contacts.wikitext").read_text(encoding="utf-8").rstrip("\n")
    assert "\n+" + tables.splitlines()[1] in stdout and read_run(out).region == "Q46"
    assert wiki.text(PAGE) == "Intro." and not wiki.of("edit")
    assert cli(PAGE, *args, "--from", str(out)) == 2
    assert "either --from DIR" in capsys.readouterr().err


def test_an_answer_that_is_not_api_json_is_one_line_exit_3(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.queue_answer("query", 200, b"<!DOCTYPE html><html>Wiki is down</html>", {})
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url) == 3
    err = capsys.readouterr().err
    assert "not API JSON" in err and err.count("\n") == 1
    wiki.queue_answer("query", 403, b"Forbidden", {})
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url) == 3
    err = capsys.readouterr().err
    assert "403" in err and err.count("\n") == 1


def test_malformed_pages_and_titles_are_refused(
    wiki: wiki_edit.Server, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki.create(PAGE, "x " + end_marker("Q46") + " y " + begin_marker("Q46"))
    assert cli(PAGE, "--from", str(run_dir), "--wiki", wiki.url) == 2
    assert "markers for Q46 are broken" in capsys.readouterr().err
    assert cli("A [[link]]", "--from", str(run_dir), "--wiki", wiki.url) == 2
    assert "malformed page title" in capsys.readouterr().err
    assert cli(PAGE, "--from", str(run_dir), "--wiki", "ftp://x/api.php") == 2
    assert "malformed MediaWiki API URL" in capsys.readouterr().err


def test_an_expired_token_is_renewed_once(
    wiki: wiki_edit.Server, run_dir: Path, creds: None
) -> None:
    wiki.create(PAGE, "Intro.")
    wiki.before_edit.append(lambda s: s.expire_tokens())
    result = publish_api(PAGE, run_dir, wiki=wiki.url, apply=True)
    assert result.action == "edited"
    first, second = wiki.of("edit")
    assert first.params["token"] != second.params["token"]
    assert len(wiki.of("tokens:csrf")) == 2 and len(wiki.pages[PAGE].history) == 2


def test_retry_after_is_waited_exactly_when_the_wiki_gives_it(
    wiki: wiki_edit.Server, run_dir: Path, _no_sleep: list[float]
) -> None:
    wiki.create(PAGE, "Intro.")
    body = wiki_edit.error_body("ratelimited", "You've exceeded your rate limit.")
    wiki.queue_answer(
        "query", 200, body, {"Retry-After": "12", "MediaWiki-API-Error": "ratelimited"}
    )
    wiki.queue_answer("query", 429, b"Too Many Requests", {"Retry-After": "3"})
    result = publish_api(PAGE, run_dir, wiki=wiki.url)
    assert result.action == "dry-run" and _no_sleep == [12.0, 3.0]
    assert len(wiki.of("query")) == 3
