"""``fix-countries``: proposals on the test world, and edits through wikibaseintegrator against a
real HTTP server on loopback that speaks the MediaWiki Action API (tests/servers/wikibase_api.py).

Expected on the test world (tests/world/make_world.py), Europe: the institutions with no P17 whose
P131 chain gives one current country are Q9000004 (Berlin -> Germany), Q9000005 (village ->
Bavaria -> Germany), Q9000014 (Ile-de-France -> France) and Q9000015 (P131 France itself).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import wikibase_api

from glamgraph import harvest, wikibase
from glamgraph.cli import main
from glamgraph.client import user_agent
from glamgraph.errors import BadInput, WriteError
from glamgraph.model import Institution, Records

HERE = Path(__file__).resolve().parent
ENTITIES = HERE / "fixtures" / "wikibase" / "entities.json"
USER = "Organiser@glamgraph"
PASSWORD = "s3cr3t-b0t-pa55w0rd-7f1d"
TODAY = dt.date(2025, 1, 15)

EUROPE = {"Q9000004": "Q183", "Q9000005": "Q183", "Q9000014": "Q142", "Q9000015": "Q142"}
PATHS = {
    "Q9000004": ("Q64",),
    "Q9000005": ("Q9200001", "Q980"),
    "Q9000014": ("Q13917",),
    "Q9000015": ("Q142",),
}


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _preserve_wbi_config() -> Iterator[None]:
    """wikibaseintegrator's config is a module-level dict: snapshot it and restore it."""
    from wikibaseintegrator.wbi_config import config

    saved = dict(config)
    yield
    config.clear()
    config.update(saved)


@pytest.fixture()
def api() -> Iterator[wikibase_api.Server]:
    server = wikibase_api.start(wikibase_api.load_entities(ENTITIES), {USER: PASSWORD})
    try:
        yield server
    finally:
        wikibase_api.stop(server)


@pytest.fixture()
def fast_cli(monkeypatch: pytest.MonkeyPatch, server_engine: Any) -> Any:
    """The command's engine: the Oxigraph test server without the public-endpoint pause."""
    from glamgraph.cli import fix_countries as command

    monkeypatch.setattr(command, "make_engine", lambda *args, **kwargs: server_engine)
    return server_engine


@pytest.fixture()
def proposals(world_engine: Any) -> wikibase.Proposals:
    return wikibase.propose_country_fixes("Q46", endpoint=world_engine, quiet=True, today=TODAY)


class FakeTime:
    """An injected clock and sleep: sleeping records the wait and moves the clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def apply(
    proposals: wikibase.Proposals, api: wikibase_api.Server, fake: FakeTime | None = None, **kw: Any
) -> Records[wikibase.EditResult]:
    fake = fake or FakeTime()
    kw.setdefault("min_interval", 0.0)
    return wikibase.apply_fixes(
        proposals,
        api.url,
        user=USER,
        password=PASSWORD,
        sleep=fake.sleep,
        clock=fake.clock,
        **kw,
    )


def by_item(results: Records[wikibase.EditResult]) -> dict[str, wikibase.EditResult]:
    return {r.item: r for r in results}


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def p17_values(entity: dict[str, Any]) -> list[str]:
    return [s["mainsnak"]["datavalue"]["value"]["id"] for s in entity["claims"].get("P17", [])]


# --- proposals (dry run) -----------------------------------------------------------------------


def test_proposes_exactly_the_items_whose_chain_gives_one_country(
    proposals: wikibase.Proposals, world_engine: Any
) -> None:
    assert {p.item: p.country for p in proposals} == EUROPE
    assert {p.item: p.path for p in proposals} == PATHS
    q5 = next(p for p in proposals if p.item == "Q9000005")
    assert q5.path_labels == ("Fixture Village", "Bavaria") and q5.country_label == "Germany"
    assert "Fixture Village (Q9200001) → Bavaria (Q980)" in q5.summary
    assert "Germany (Q183)" in q5.summary and "P131" in q5.summary and "P17" in q5.summary
    assert q5.reference_url == "http://www.wikidata.org/entity/Q980" and q5.retrieved == TODAY
    # nothing for an institution that has a P17 (every placed institution not in EUROPE has one)
    found = harvest.harvest("Q46", world_engine, quiet=True)
    with_p17 = {i.qid for i in found.institutions if not i.country_path}
    assert with_p17 and not with_p17 & {p.item for p in proposals}
    # chains that give no current country are listed apart, with the reason
    skipped = {s.item: s for s in proposals.skipped}
    assert "via P131" in skipped["Q9000013"].reason and skipped["Q9000013"].countries == ("Q38872",)
    assert not set(skipped) & set(EUROPE)


def test_region_filters_and_no_country_reason(world_engine: Any) -> None:
    france = wikibase.propose_country_fixes("Q142", endpoint=world_engine, quiet=True)
    assert {p.item: p.country for p in france} == {"Q9000014": "Q142", "Q9000015": "Q142"}
    germany = wikibase.propose_country_fixes("DE", endpoint=world_engine, quiet=True)
    assert {p.item: p.country for p in germany} == {"Q9000004": "Q183", "Q9000005": "Q183"}
    world = wikibase.propose_country_fixes("world", endpoint=world_engine, quiet=True)
    assert {p.item for p in world} == set(EUROPE)
    assert "no country" in {s.item: s.reason for s in world.skipped}["Q9000012"]


def test_several_countries_on_the_chain_are_not_proposed(world_engine: Any) -> None:
    found = harvest.harvest("Q142", world_engine, quiet=True)
    fake = [
        # the harvest placed it in France only (the region), but its chain also reaches Germany
        Institution(
            "Q9999001", "Border Archive", admin=("Q13917", "Q64"), countries=("Q142",),
            country_path=("Q13917",),
        ),
        # the harvest itself found two countries
        Institution(
            "Q9999002", "Twin Museum", admin=("Q13917", "Q64"), countries=("Q142", "Q183"),
            country_path=("Q13917",),
        ),
        Institution("Q9999003", "Plain", admin=("Q90",), countries=("Q142",), country_path=("Q90", "Q13917")),
    ]  # fmt: skip
    # what harvest records for items without P17: every current country the whole chain gives
    chains = {"Q9999001": ("Q142", "Q183"), "Q9999002": ("Q142", "Q183"), "Q9999003": ("Q142",)}
    out = wikibase.proposals_from_harvest(
        dataclasses.replace(
            found, institutions=Records(fake), unplaced=Records(), chain_countries=chains
        ),
        world_engine,
    )
    assert [p.item for p in out] == ["Q9999003"]
    skipped = {s.item: s for s in out.skipped}
    assert set(skipped) == {"Q9999001", "Q9999002"}
    assert all(s.reason == "several current countries on its P131 chain" for s in skipped.values())
    assert skipped["Q9999001"].countries == ("Q142", "Q183")


def test_long_chains_keep_both_ends_of_the_summary() -> None:
    path = [f"Q{9300000 + i}" for i in range(12)]
    labels = [f"A very long administrative entity name number {i} " * 3 for i in range(12)]
    text = wikibase.edit_summary("Q142", "France", path, labels)
    assert len(text) <= wikibase.MAX_SUMMARY
    assert "(Q9300000) → … → " in text and text.endswith("(Q9300011) [glamgraph fix-countries]")


def test_quickstatements_lines_are_portable(proposals: wikibase.Proposals) -> None:
    text = proposals.quickstatements()
    lines = text.splitlines()
    assert len(lines) == 4 and text.endswith("\n")
    shape = re.compile(
        r'Q\d+\tP17\tQ\d+\tS854\t"http://www\.wikidata\.org/entity/Q\d+"\tS813\t'
        r"\+2025-01-15T00:00:00Z/11 /\* [^\t|]+ \*/"
    )
    qs2 = re.compile(r"^(.*?) *\/\* *(.*?) *\*\/ *$")  # QuickStatements 2's summary regex
    for line, prop in zip(lines, proposals, strict=True):
        assert shape.fullmatch(line), line
        m = qs2.match(line)
        assert m is not None and m.group(2) == prop.summary
        assert m.group(1).split("\t")[:3] == [prop.item, "P17", prop.country]
        assert not m.group(1).endswith("\t")  # no empty column before the summary
    # labels that try to break the format are neutralised in the summary
    line = wikibase.quickstatements_line("Q1", "Q2", "a\tb | c */ d\ne")
    assert line == "Q1\tP17\tQ2 /* a b / c * d e */"


def test_dry_run_cli_writes_files_and_sends_nothing(
    capsys: pytest.CaptureFixture[str],
    oxigraph_server: Any,
    fast_cli: Any,
    api: wikibase_api.Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(wikibase.ENV_USER, USER)  # credentials present: still nothing is sent
    monkeypatch.setenv(wikibase.ENV_PASSWORD, PASSWORD)
    out_dir = tmp_path / "out"
    code = main(
        [
            "fix-countries", "Q46", "--endpoint", oxigraph_server.url, "--no-cache",
            "--no-fallback", "--out", str(out_dir), "--wikibase", api.url, "--quiet",
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "4 proposed, 2 not proposed" in out and "dry run" in out
    assert "Q9000005  Village Museum  -> Germany (Q183)" in out
    assert api.requests == []  # not a single request to the API
    rows = read_csv(out_dir / "edits.csv")
    assert list(rows[0])[:6] == ["item", "label", "country", "country_label", "path", "path_labels"]
    assert {r["item"]: r["country"] for r in rows} == EUROPE
    assert {r["item"]: tuple(r["path"].split()) for r in rows} == PATHS
    assert all(r["summary"] and r["country_label"] in ("Germany", "France") for r in rows)
    qs = (out_dir / "edits.quickstatements").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[:3] for line in qs] == [[r["item"], "P17", r["country"]] for r in rows]
    skipped = read_csv(out_dir / "edits-skipped.csv")
    assert {r["item"] for r in skipped} == {"Q9000011", "Q9000013"}
    assert all(r["reason"] for r in skipped)
    assert not (out_dir / "edits-report.csv").exists()
    assert not list(out_dir.glob(".*.tmp"))


def test_write_is_atomic(
    proposals: wikibase.Proposals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    proposals.write(out_dir)
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    import os

    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    changed = dataclasses.replace(proposals, proposals=Records(list(proposals)[:1]))
    with pytest.raises(WriteError, match="No space left"):
        changed.write(out_dir)
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before  # no temp file left
    with pytest.raises(WriteError):
        proposals.write(out_dir / "edits.csv")  # a file where the directory should be

    # a rename that fails after another succeeded: the replaced file is put back
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if str(dst).endswith("edits.quickstatements"):
            raise OSError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", real_fsync)
    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WriteError, match="Permission denied"):
        changed.write(out_dir)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


# --- applying ----------------------------------------------------------------------------------


def test_apply_makes_exactly_the_edits(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    fixture = wikibase_api.load_entities(ENTITIES)
    results = apply(proposals, api)
    assert [(r.item, r.action) for r in results] == [(q, "edited") for q in EUROPE]
    # the session: login token, login, csrf token, then read + edit per item
    assert (
        api.actions()
        == ["tokens:login", "login", "tokens:csrf"]
        + [
            "wbgetentities",
            "wbeditentity",
        ]
        * 4
    )
    login = api.of("login")[0]
    assert login.method == "POST" and {"lgpassword", "lgtoken"} <= login.body_params
    for req in api.requests:
        assert req.headers["User-Agent"].startswith(user_agent())
        assert req.headers["User-Agent"].endswith(" WikibaseIntegrator/0.12.15")
    for req in api.of("wbgetentities") + api.of("wbeditentity"):
        assert req.params["maxlag"] == "5" and req.params["format"] == "json"
    assert [r.params["props"] for r in api.of("wbgetentities")] == ["claims|info"] * 4
    for req, prop in zip(api.of("wbeditentity"), proposals, strict=True):
        assert req.method == "POST" and req.params["id"] == prop.item
        assert req.params["baserevid"] == str(fixture[prop.item]["lastrevid"])
        assert req.params["summary"] == prop.summary
        assert req.params["assert"] == "user" and "bot" not in req.params
        data = json.loads(req.params["data"])
        assert set(data) == {"type", "id", "claims"} and set(data["claims"]) == {"P17"}
        (new,) = data["claims"]["P17"]
        assert "id" not in new and new["mainsnak"]["datavalue"]["value"]["id"] == prop.country
        (ref,) = new["references"]
        assert ref["snaks-order"] == ["P854", "P813"]
        assert ref["snaks"]["P854"][0]["datavalue"]["value"] == prop.reference_url
        assert ref["snaks"]["P813"][0]["datavalue"]["value"]["time"] == "+2025-01-15T00:00:00Z"
    for qid, country in EUROPE.items():
        assert p17_values(api.entities[qid]) == [country]
        assert api.entities[qid]["claims"]["P131"] == fixture[qid]["claims"]["P131"]
        assert api.entities[qid]["labels"] == fixture[qid]["labels"]


def test_apply_skips_an_item_that_got_a_p17_meanwhile(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    rev = api.add_statement("Q9000005", "P17", "Q183")  # after the harvest, before the edit
    results = by_item(apply(proposals, api))
    assert results["Q9000005"].action == "skipped"
    assert results["Q9000005"].detail == "it has a P17 now: Q183"
    assert results["Q9000005"].base_revision == rev
    assert [results[q].action for q in ("Q9000004", "Q9000014", "Q9000015")] == ["edited"] * 3
    assert [r.params["id"] for r in api.of("wbeditentity")] == ["Q9000004", "Q9000014", "Q9000015"]
    assert p17_values(api.entities["Q9000005"]) == ["Q183"]  # not a second P17


def test_the_operators_contact_names_every_edit_request(
    proposals: wikibase.Proposals, api: wikibase_api.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GLAMGRAPH_CONTACT (or ``contact=``) reaches the User-Agent of every Wikibase request,
    the login's included, as Wikimedia's User-Agent policy asks."""
    monkeypatch.setenv("GLAMGRAPH_CONTACT", "me@example.org")
    apply(proposals, api)
    agents = [req.headers["User-Agent"] for req in api.requests]
    assert agents and all("(me@example.org; " in ua for ua in agents), agents
    api.requests.clear()
    apply(proposals, api, contact="https://meta.wikimedia.org/wiki/User:Organiser")
    agents = [req.headers["User-Agent"] for req in api.requests]
    assert agents and all("User:Organiser; " in ua for ua in agents), agents


def test_apply_skips_an_item_whose_p131_changed(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    api.entities["Q9000014"]["claims"]["P131"][0]["mainsnak"]["datavalue"]["value"]["id"] = "Q12130"
    results = by_item(apply(proposals, api))
    assert results["Q9000014"].action == "skipped"
    assert "P131 changed since the harvest (now: Q12130)" in results["Q9000014"].detail


def test_maxlag_waits_as_retry_after_asks(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    # MediaWiki answers lag 7 s with Retry-After: max(maxlag, 5) = 5; WBI alone would sleep 7
    api.queue_maxlag(7, action="wbeditentity")
    fake = FakeTime()
    results = apply(proposals, api, fake)
    assert fake.sleeps == [5.0]
    assert [r.action for r in results] == ["edited"] * 4
    edits = api.of("wbeditentity")
    assert len(edits) == 5 and edits[0].params == edits[1].params  # the same edit, sent again
    assert len(api.edits) == 4

    # a read lagged too, with the server asking for a longer wait
    api2 = wikibase_api.start(wikibase_api.load_entities(ENTITIES), {USER: PASSWORD})
    try:
        api2.queue_maxlag(9, retry_after="12", action="wbgetentities")
        fake2 = FakeTime()
        apply(proposals, api2, fake2)
        assert fake2.sleeps == [12.0]
    finally:
        wikibase_api.stop(api2)


def test_maxlag_that_does_not_go_away_stops_the_run(
    proposals: wikibase.Proposals, api: wikibase_api.Server, tmp_path: Path
) -> None:
    api.queue_maxlag(30, retry_after="15", times=10)
    fake = FakeTime()
    results = apply(proposals, api, fake, max_attempts=3, max_wait=20, out_dir=tmp_path)
    assert fake.sleeps == [15.0, 15.0]  # the server's waits, bounded attempts
    first, *rest = results
    assert first.action == "failed" and "maxlag" in first.detail and "3 attempts" in first.detail
    assert all(r.action == "skipped" and r.detail.startswith("not attempted") for r in rest)
    assert len(api.of("wbgetentities")) == 3 and not api.of("wbeditentity")
    assert [r["action"] for r in read_csv(tmp_path / "edits-report.csv")] == [
        "failed",
        "skipped",
        "skipped",
        "skipped",
    ]


def test_a_wait_above_the_cap_ends_the_run_at_once(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    """One Retry-After rule for every client: a longer wait than the cap is never clamped and
    resent early; the run stops at once and says why."""
    api.queue_maxlag(30, retry_after="600", times=10)
    fake = FakeTime()
    results = apply(proposals, api, fake, max_attempts=5, max_wait=120)
    assert fake.sleeps == []
    assert len(api.of("wbgetentities")) == 1 and not api.of("wbeditentity")
    assert results[0].action == "failed"
    assert "asks to wait 600 s, above the cap of 120 s" in results[0].detail


def test_throttle_spaces_the_edits(proposals: wikibase.Proposals, api: wikibase_api.Server) -> None:
    fake = FakeTime()
    apply(proposals, api, fake, min_interval=10.0)
    assert fake.sleeps == [10.0, 10.0, 10.0]  # none before the first edit


def test_permission_error_is_reported_per_edit(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    api.denied["Q9000014"] = "permissiondenied"
    results = by_item(apply(proposals, api))
    assert results["Q9000014"].action == "failed"
    assert results["Q9000014"].detail == (
        "edit: permissiondenied: You do not have the permissions needed to carry out this action."
    )
    assert results["Q9000014"].base_revision == 2211855072
    assert [results[q].action for q in ("Q9000004", "Q9000005", "Q9000015")] == ["edited"] * 3
    assert "P17" not in api.entities["Q9000014"]["claims"]


def test_edit_conflict_rereads_the_item(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    # someone adds the P17 between our read and our edit: editconflict, re-read, skip
    api.before_edit["Q9000004"] = lambda s: s.add_statement("Q9000004", "P17", "Q183")
    # someone changes a label meanwhile: Wikibase patches our edit onto the newer revision
    api.before_edit["Q9000014"] = lambda s: s.set_label("Q9000014", "fr", "Archives d'IdF")
    results = by_item(apply(proposals, api))
    assert results["Q9000004"].action == "skipped"
    assert results["Q9000004"].detail == "it has a P17 now: Q183"
    assert [r.params["id"] for r in api.of("wbeditentity")].count("Q9000004") == 1
    assert [r.params["ids"] for r in api.of("wbgetentities")].count("Q9000004") == 2
    assert p17_values(api.entities["Q9000004"]) == ["Q183"]
    assert results["Q9000014"].action == "edited"
    assert "wikibase-conflict-patched" in results["Q9000014"].detail
    assert api.entities["Q9000014"]["labels"]["fr"]["value"] == "Archives d'IdF"
    # an edit conflict that stays: failed after the retries
    api2 = wikibase_api.start(wikibase_api.load_entities(ENTITIES), {USER: PASSWORD})
    try:
        api2.queue_error("editconflict", qid="Q9000015")
        api2.queue_error("editconflict", qid="Q9000015")
        res2 = by_item(apply(proposals, api2))
        assert res2["Q9000015"].action == "failed" and "editconflict" in res2["Q9000015"].detail
        assert res2["Q9000004"].action == "edited"
    finally:
        wikibase_api.stop(api2)


def test_session_errors(proposals: wikibase.Proposals, api: wikibase_api.Server) -> None:
    api.queue_error("badtoken", qid="Q9000004")  # a fresh token is fetched and the edit resent
    api.queue_error("assertuserfailed", qid="Q9000014")  # logged out: the run stops
    results = apply(proposals, api)
    assert [(r.item, r.action) for r in results] == [
        ("Q9000004", "edited"),
        ("Q9000005", "edited"),
        ("Q9000014", "failed"),
        ("Q9000015", "skipped"),
    ]
    assert api.actions().count("tokens:csrf") == 2
    assert "assertuserfailed" in results[2].detail
    assert "not attempted" in results[3].detail and "Q9000014" in results[3].detail


def test_report_matches_what_the_server_received(
    proposals: wikibase.Proposals, api: wikibase_api.Server, tmp_path: Path
) -> None:
    api.add_statement("Q9000005", "P17", "Q183")
    api.denied["Q9000015"] = "protectedpage"
    api.queue_maxlag(7, action="wbeditentity")
    results = apply(proposals, api, out_dir=tmp_path)
    rows = read_csv(tmp_path / "edits-report.csv")
    assert list(rows[0]) == ["item", "action", "revision", "base_revision", "country", "detail"]
    assert [r.as_record()["item"] for r in results] == [r["item"] for r in rows]
    ours = {e.item: e for e in api.edits if e.user == USER}
    sent = {r.params["id"]: r for r in api.of("wbeditentity")}
    for row in rows:
        item = row["item"]
        if row["action"] == "edited":
            edit = ours[item]
            assert row["revision"] == str(edit.revision)
            assert row["base_revision"] == str(edit.baserevid) == sent[item].params["baserevid"]
            assert p17_values(api.entities[item]) == [row["country"]]
            assert api.entities[item]["lastrevid"] == edit.revision
        else:
            assert item not in ours
    assert {r["item"]: r["action"] for r in rows} == {
        "Q9000004": "edited",
        "Q9000005": "skipped",
        "Q9000014": "edited",
        "Q9000015": "failed",
    }
    assert rows[3]["detail"].startswith("edit: protectedpage:")
    assert rows[3]["base_revision"] == sent["Q9000015"].params["baserevid"]
    assert set(ours) == {"Q9000004", "Q9000014"}


def test_refuses_without_credentials_before_any_request(
    capsys: pytest.CaptureFixture[str],
    api: wikibase_api.Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    proposals: wikibase.Proposals,
) -> None:
    monkeypatch.delenv(wikibase.ENV_USER, raising=False)
    monkeypatch.setenv(wikibase.ENV_PASSWORD, PASSWORD)  # half the credentials: still refused
    # the SPARQL endpoint does not exist either: the refusal comes before any request at all
    code = main(
        [
            "fix-countries", "Q46", "--endpoint", "http://127.0.0.1:9/sparql", "--no-cache",
            "--out", str(tmp_path / "out"), "--apply", "--wikibase", api.url,
        ]
    )  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 2
    assert "GLAMGRAPH_BOT_USER" in err and "GLAMGRAPH_BOT_PASSWORD" in err
    assert api.requests == [] and not (tmp_path / "out").exists()
    with pytest.raises(BadInput, match="bot password"):
        wikibase.apply_fixes(proposals, api.url, user=USER, password="")
    assert api.requests == []


def test_wrong_password_is_refused(proposals: wikibase.Proposals, api: wikibase_api.Server) -> None:
    with pytest.raises(BadInput, match=r"refused: .*Incorrect username or password") as info:
        wikibase.apply_fixes(proposals, api.url, user=USER, password="not-" + PASSWORD)
    assert PASSWORD not in str(info.value)
    assert api.actions() == ["tokens:login", "login"] and not api.edits


def test_wbi_config_is_set_for_the_run_and_restored(
    proposals: wikibase.Proposals, api: wikibase_api.Server
) -> None:
    from wikibaseintegrator.wbi_config import config

    before = dict(config)
    seen: list[Any] = []
    apply(proposals, api, progress=lambda r: seen.append(config["MEDIAWIKI_API_URL"]))
    assert seen == [api.url] * 4
    assert dict(config) == before


def test_password_never_appears_in_outputs(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    oxigraph_server: Any,
    fast_cli: Any,
    api: wikibase_api.Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, wikibaseintegrator's and urllib3's included
    monkeypatch.setenv(wikibase.ENV_USER, USER)
    monkeypatch.setenv(wikibase.ENV_PASSWORD, PASSWORD)
    api.denied["Q9000015"] = "permissiondenied"
    api.add_statement("Q9000005", "P17", "Q183")
    out_dir = tmp_path / "out"
    code = main(
        [
            "fix-countries", "Q46", "--endpoint", oxigraph_server.url, "--no-cache",
            "--no-fallback", "--out", str(out_dir), "--apply", "--wikibase", api.url,
            "--min-interval", "0", "--quiet",
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 3, err  # one edit failed
    assert "edited 2, skipped 1, failed 1" in out and "1 of 4 edits failed" in err
    report = read_csv(out_dir / "edits-report.csv")
    assert [r["action"] for r in report] == ["edited", "skipped", "edited", "failed"]
    assert len(api.of("login")) == 1 and api.of("login")[0].params["lgpassword"] == PASSWORD

    # a refused login, and wikibaseintegrator's retry logger, which prints keyword arguments
    monkeypatch.setenv(wikibase.ENV_PASSWORD, PASSWORD + "-wrong")
    code2 = main(["fix-countries", "Q46", "--endpoint", oxigraph_server.url, "--no-cache",
                  "--out", str(tmp_path / "out2"), "--apply", "--wikibase", api.url, "--quiet"])  # fmt: skip
    out2, err2 = capsys.readouterr()
    assert code2 == 2 and "refused" in err2
    from wikibaseintegrator.wbi_backoff import wbi_backoff_backoff_hdlr

    wbi_backoff_backoff_hdlr(
        {"wait": 1.0, "tries": 1, "args": (), "kwargs": {"password": wikibase._Secret(PASSWORD)}}
    )

    texts = [out, err, out2, err2]
    for path in tmp_path.rglob("*"):  # outputs, reports, caches
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for record in caplog.records:
        texts += [record.getMessage(), record.exc_text or "", repr(record.args), str(record.msg)]
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    assert len(caplog.records) > 10 and any("wikibaseintegrator" in r.name for r in caplog.records)
    assert any(path.name == "edits-report.csv" for path in tmp_path.rglob("*"))
    for text in texts:
        assert PASSWORD not in text
    assert "'<redacted>'" in repr({"password": wikibase._Secret(PASSWORD)})


def test_no_proposals_no_request(api: wikibase_api.Server, tmp_path: Path) -> None:
    empty = wikibase.apply_fixes([], api.url, user=USER, password=PASSWORD, out_dir=tmp_path)
    assert list(empty) == [] and api.requests == []
    assert read_csv(tmp_path / "edits-report.csv") == []
    with pytest.raises(BadInput, match="malformed MediaWiki API URL"):
        wikibase.apply_fixes([], "ftp://127.0.0.1/api.php", user=USER, password=PASSWORD)
