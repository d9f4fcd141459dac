"""Whom to contact, read back from every output with its own reader, on the test world (the real
Oxigraph server) and on the shipped snapshot; regions as people type them; honest sample data."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import mwparserfromhell
import openpyxl
import pytest

from glamgraph.cli import main

MODULE = Path(__file__).parent / "world" / "module.lua"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def registry(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "type", "countries", "status", "contact", "note"])
        for code, contact in rows:
            w.writerow([code, "", "", "", "", contact, ""])
    return path


def check_every_output(out: Path, region: str, code: str, name: str, page: str, channel: str,
                       source: str) -> None:  # fmt: skip
    """One uncovered region's contact, read from regions.csv, contacts.csv, contacts.xlsx and
    contacts.wikitext, each with its own reader."""
    rows = {r["region"]: r for r in read_csv(out / "regions.csv")}
    row = rows[region]
    assert (row["status"], row["uncovered"], row["nearest_affiliate"]) == (
        "uncovered",
        "true",
        code,
    )
    assert (row["contact_code"], row["contact_name"], row["contact_page"]) == (code, name, page)
    assert (row["contact"], row["contact_source"]) == (channel, source)
    # contacts.csv: every institution of the region carries whom to contact
    contacts = [r for r in read_csv(out / "contacts.csv") if r["region"] == region]
    assert contacts
    for r in contacts:
        assert (r["affiliate"], r["affiliate_name"], r["affiliate_page"]) == (code, name, page)
        assert (r["affiliate_contact"], r["contact_source"], r["status"]) == (
            channel, source, "uncovered"
        )  # fmt: skip
    # contacts.xlsx: the summary sheet reads as a table from its first row
    book = openpyxl.load_workbook(out / "contacts.xlsx")
    ws = book["Regions"]
    header = [c.value for c in ws[1]]
    assert header[0] == "region"
    xrow = next(
        {h: c.value for h, c in zip(header, r, strict=True)}
        for r in ws.iter_rows(min_row=2)
        if r[0].value == region
    )
    assert (xrow["contact_code"], xrow["contact_name"], xrow["contact"]) == (code, name, channel)
    assert isinstance(xrow["hops"], int | None)
    cs = book["Contacts"]
    cheader = [c.value for c in cs[1]]
    crows = [{h: c.value for h, c in zip(cheader, r, strict=True)} for r in cs.iter_rows(min_row=2)]
    mine = [r for r in crows if r["region"] == region]
    assert mine and all(
        (r["affiliate_name"], r["affiliate_contact"]) == (name, channel) for r in mine
    )
    # contacts.wikitext: the region's section names the contact, links its page, gives its channel
    code_ = mwparserfromhell.parse((out / "contacts.wikitext").read_text(encoding="utf-8"))
    label = row["label"]
    section = next(
        s for s in code_.get_sections(levels=[2]) if s.filter_headings()[0].title.strip() == label
    )
    intro = str(section).split("{|", 1)[0]
    assert name in intro and f"({code})" in intro
    assert page in [str(link.url) for link in mwparserfromhell.parse(intro).filter_external_links()]
    assert channel in intro and f"from {source}" in intro


def test_test_world_contacts_in_every_output(capsys, oxigraph_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    reg = registry(tmp_path, [("WMLUFX", "glam@wmlu.example"), ("WMFR", "glam@wmfr.example")])
    code, stdout, err = run(
        capsys, "coverage", "Q46", "--endpoint", oxigraph_server.url, "--affiliates",
        str(MODULE), "--registry", str(reg), "--out", str(out), "--quiet", "--no-cache",
        "--lang", "fr,en",
    )  # fmt: skip
    assert code == 0, err
    rows = {r["region"]: r for r in read_csv(out / "regions.csv")}
    # Belgium (its chapter derecognised): the nearest affiliate, the Luxembourg fixture chapter,
    # with the registry's contact over the module's
    check_every_output(
        out, "Q31", "WMLUFX", "Wikimedia Fixture Luxembourg",
        "https://meta.wikimedia.org/wiki/Wikimedia_Fixture_Luxembourg", "glam@wmlu.example",
        "registry",
    )  # fmt: skip
    # --lang fr,en: French labels where they exist, English otherwise, never the QID
    assert (rows["Q183"]["label"], rows["Q31"]["label"], rows["Q29"]["label"]) == (
        "Allemagne", "Belgique", "Spain"
    )  # fmt: skip
    # a covered row names its local affiliate (the registry's contact), Germany the module's
    assert (rows["Q142"]["status"], rows["Q142"]["contact_code"]) == ("covered", "WMFR")
    assert rows["Q142"]["contact"] == "glam@wmfr.example"
    assert (rows["Q183"]["contact"], rows["Q183"]["contact_source"]) == (
        "User:WMDE contact", "module"
    )  # fmt: skip
    # per-root counts: the library-museum of Luxembourg counts under both roots, once in total
    lux = rows["Q32"]
    assert (lux["institutions"], lux["museums"], lux["libraries"]) == ("2", "2", "1")
    # stdout: the uncovered first with whom to contact, then the counts of the other states
    lines = stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("## uncovered"))
    n_unc = sum(1 for r in rows.values() if r["status"] == "uncovered")
    n_cov = sum(1 for r in rows.values() if r["status"] == "covered")
    listed = lines[first + 2 : first + 2 + n_unc]
    assert {line.split()[0] for line in listed} == {
        q for q, r in rows.items() if r["status"] == "uncovered"
    }
    assert any("glam@wmlu.example" in line and line.startswith("Q31 ") for line in listed)
    assert lines[first + 2 + n_unc].startswith(f"## covered: {n_cov} ")
    assert any(line.startswith("## no_institutions: 0") for line in lines)
    assert not any(line.startswith("CAVEAT") for line in lines)  # not the sample
    # regions.csv: uncovered first, then institutions (descending), then label
    ordered = read_csv(out / "regions.csv")
    keys = [(r["uncovered"] != "true", -int(r["institutions"])) for r in ordered]
    assert keys == sorted(keys)


def test_no_institutions_row_on_the_test_world(capsys, oxigraph_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "africa"
    code, stdout, err = run(
        capsys, "coverage", "africa", "--endpoint", oxigraph_server.url, "--affiliates",
        str(MODULE), "--out", str(out), "--quiet", "--no-cache", "--all",
    )  # fmt: skip
    assert code == 0, err
    togo = next(r for r in read_csv(out / "regions.csv") if r["region"] == "Q945")
    assert (togo["status"], togo["uncovered"], togo["institutions"]) == (
        "no_institutions", "false", "0"
    )  # fmt: skip
    assert togo["contact_code"]  # still someone to write to
    assert "## no_institutions: " in stdout and "Q945" in stdout  # listed with --all


@pytest.fixture(scope="module")
def snapshot_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("snap")
    reg = registry(base, [("EE", "info@wikimedia.example.ee")])
    outs: dict[str, Any] = {}
    for region in ("europe", "Q46"):
        out = base / region
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main(
                ["coverage", region, "--endpoint", "snapshot", "--registry", str(reg),
                 "--out", str(out), "--quiet"]
            )  # fmt: skip
        assert code == 0
        outs[region] = (out, buf.getvalue())
    return outs


def test_snapshot_contacts_in_every_output(snapshot_runs) -> None:  # type: ignore[no-untyped-def]
    out, stdout = snapshot_runs["europe"]
    rows = {r["region"]: r for r in read_csv(out / "regions.csv")}
    latvia = rows["Q211"]
    assert latvia["nearest_affiliate"] == "EE"
    # the registry's contact reaches regions.csv, contacts.csv, contacts.xlsx, contacts.wikitext
    check_every_output(
        out, "Q211", "EE", latvia["contact_name"], latvia["contact_page"],
        "info@wikimedia.example.ee", "registry",
    )  # fmt: skip
    assert latvia["contact_name"].startswith("Wikimedia")
    assert latvia["contact_page"].startswith("https://meta.wikimedia.org/wiki/")
    # an uncovered region whose nearest affiliate has no registry contact: its Meta-Wiki page
    other = next(
        r for r in rows.values() if r["status"] == "uncovered" and r["nearest_affiliate"] != "EE"
    )
    assert other["contact"] == other["contact_page"] and other["contact_source"] == "meta-wiki-page"
    assert any(r["status"] == "no_institutions" for r in rows.values())
    # honest data: one line in stdout, run.json, the XLSX and the wikitext header
    caveat = next(line for line in stdout.splitlines() if line.startswith("CAVEAT: "))
    assert "Germany 1500 of 11758" in caveat and "Latvia 1500 of 1724" in caveat
    assert "reconstructed" in caveat and "no subdivisions" in caveat
    info = json.loads((out / "run.json").read_text())
    assert info["caveats"] == [caveat.removeprefix("CAVEAT: ")]
    book = openpyxl.load_workbook(out / "contacts.xlsx")
    assert book["About"].cell(row=2, column=2).value == info["caveats"][0]
    text = (out / "contacts.wikitext").read_text(encoding="utf-8")
    assert "Caveat: Shipped sample" in text.splitlines()[1]


def test_names_and_qids_give_byte_identical_regions_csv(snapshot_runs) -> None:  # type: ignore[no-untyped-def]
    a, _ = snapshot_runs["europe"]
    b, _ = snapshot_runs["Q46"]
    assert (a / "regions.csv").read_bytes() == (b / "regions.csv").read_bytes()


@pytest.mark.parametrize(
    ("region", "needles"),
    [
        ("Congo", ("ambiguous", "Q974", "Q971")),
        ("Frnace", ("unknown region", "closest names: France")),
        ("FR-IDF", ("subdivision", "shipped sample", "--endpoint wdqs")),
        ("FR", ("subdivisions", "shipped sample", "--endpoint wdqs")),
        ("fra", ("subdivisions", "France")),
    ],
)
def test_refusals_exit_2_with_one_line(capsys, tmp_path, region, needles) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    code, _out, err = run(
        capsys, "coverage", region, "--endpoint", "snapshot", "--out", str(out), "--quiet"
    )
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err
    assert not out.exists()


def test_fallback_contact_option(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run(
        capsys, "coverage", "Q46", "--endpoint", "snapshot", "--fallback-contact",
        "GLAM team|javascript:alert(1)", "--quiet", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 2 and "--fallback-contact" in err


def test_snapshot_info_lists_caps_and_gaps(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "snapshot-info")
    assert code == 0, err
    assert "Germany: 1500 of 11758" in out
    assert "RECONSTRUCTED" in out and "no subdivisions" in out
