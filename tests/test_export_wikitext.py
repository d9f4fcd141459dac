"""contacts.wikitext: parsed back with mwparserfromhell, the tables keep their shape and the
hostile labels come back as text, never as markup."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import mwparserfromhell
import pytest
from export_fixtures import HOSTILE_LABELS, KNOWN, KNOWN_ROW, make_coverage

from glamgraph.export import to_wikitext
from glamgraph.export.wikitext import HEADERS, escape, external_link, render, wikilink


def _tables(code: Any) -> list[Any]:
    return [t for t in code.filter_tags(recursive=False) if str(t.tag) == "table"]


def _rows(table: Any) -> list[Any]:
    return [t for t in table.contents.filter_tags(recursive=False) if str(t.tag) == "tr"]


def _header(table: Any) -> list[Any]:
    """The header cells: the first ``!`` line right after ``{|`` forms an implicit row."""
    return [t for t in table.contents.filter_tags(recursive=False) if str(t.tag) == "th"]


def _cells(row: Any) -> list[Any]:
    return [t for t in row.contents.filter_tags(recursive=False) if str(t.tag) in ("td", "th")]


def _links(cell: Any) -> list[Any]:
    return list(cell.contents.filter_wikilinks(recursive=False))


def _shown(wikicode: Any) -> str:
    """The text a reader sees: entities decoded (MediaWiki shows &#124; as |)."""
    return html.unescape(str(wikicode)).strip()


@pytest.fixture()
def page(tmp_path: Path) -> tuple[str, Any]:
    path = tmp_path / "contacts.wikitext"
    assert to_wikitext(make_coverage(), path) == 9
    text = path.read_text(encoding="utf-8")
    return text, mwparserfromhell.parse(text)


def test_one_intact_table_per_uncovered_region(page: tuple[str, Any]) -> None:
    text, code = page
    headings = [_shown(h.title) for h in code.filter_headings()]
    assert headings == ["Latvia", "Lithuania"]  # reading order, uncovered only
    tables = _tables(code)
    assert len(tables) == 2
    for table, expected_rows in zip(tables, (5, 4), strict=True):
        assert 'class="wikitable sortable"' in str(table.attributes[0])
        rows = _rows(table)
        assert len(rows) == expected_rows  # one per institution
        assert [_shown(c.contents) for c in _header(table)] == list(HEADERS)
        for row in rows:
            assert len(_cells(row)) == len(HEADERS)
    # nothing hostile escaped into page structure
    assert code.filter_templates() == []
    assert [str(t.tag) for t in code.filter_tags()].count("table") == 2
    assert "<nowiki>" not in text and "__NOTOC__" not in text and "~~~~" not in text


def test_hostile_labels_survive_as_link_text(page: tuple[str, Any]) -> None:
    _, code = page
    links = {}
    for table in _tables(code):
        for row in _rows(table):
            first = _links(_cells(row)[0])
            assert len(first) == 1
            links[str(first[0].title)] = _shown(first[0].text)
    for qid in ("Q1001", "Q1005", "Q1008", "Q1011"):
        assert links[f"d:{qid}"] == " ".join(HOSTILE_LABELS[qid].split("\n"))
    assert links["d:Q1003"] == "ラトビア日本美術館"
    assert links["d:Q1004"] == "دار المخطوطات العربية"


def test_known_institution_row_field_by_field(page: tuple[str, Any]) -> None:
    _, code = page
    for table in _tables(code):
        for row in _rows(table):
            cells = _cells(row)
            if _links(cells[0]) and str(_links(cells[0])[0].title) == f"d:{KNOWN}":
                break
        else:
            continue
        break
    else:
        raise AssertionError("known institution not found")
    inst, item, kind, website, email, phone, address, coords = cells
    assert _shown(_links(inst)[0].text) == KNOWN_ROW["label"]
    assert str(_links(item)[0].title) == f"d:{KNOWN}"
    assert (str(_links(kind)[0].title), _shown(_links(kind)[0].text)) == (
        f"d:{KNOWN_ROW['type']}",
        KNOWN_ROW["type_label"],
    )
    ext = website.contents.filter_external_links()[0]
    assert (str(ext.url), _shown(ext.title)) == (KNOWN_ROW["website"], "www.lnb.lv")
    assert _shown(email.contents) == KNOWN_ROW["email"]
    assert _shown(phone.contents) == KNOWN_ROW["phone"]
    assert _shown(address.contents) == KNOWN_ROW["address"]
    assert _shown(coords.contents) == f"{KNOWN_ROW['lat']}, {KNOWN_ROW['lon']}"


def test_header_comment_names_endpoint_date_and_queries(page: tuple[str, Any]) -> None:
    text, code = page
    first = text.splitlines()[0]
    assert first.startswith("<!--") and first.endswith("-->")
    comment = str(code.filter_comments()[0])
    for needle in (
        "snapshot",
        "2026-11-25T12:00:00+00:00",
        "countries-of-continent",
        "coverage-institutions-per-unit",
        "glamgraph",
    ):
        assert needle in comment


def test_all_regions_adds_covered_tables(tmp_path: Path) -> None:
    code = mwparserfromhell.parse(render(make_coverage(), all_regions=True))
    assert [_shown(h.title) for h in code.filter_headings()] == [
        "Andorra", "Estonia", "France", "Latvia", "Lithuania"
    ]  # fmt: skip
    assert len(_tables(code)) == 5


@pytest.mark.parametrize(
    "label",
    [
        "a | b || c",
        "{{template|x=1}}",
        "[[link|text]] ]]",
        "== heading ==",
        "=start",
        "! h !! h2",
        "line\nbreak\r\nand\u2028more",
        "|}\n|-\n{|",
        "<ref>x</ref><!-- c -->",
        "''it'' '''b'''",
        "متحف \u202eabc",
        "&#124; literal entity",
    ],
)
def test_escape_keeps_one_cell(label: str) -> None:
    text = "{|\n|-\n| " + wikilink("Q1", label) + "\n| " + escape(label) + "\n| end\n|}"
    code = mwparserfromhell.parse(text)
    table = _tables(code)[0]
    rows = _rows(table)
    assert len(rows) == 1
    cells = _cells(rows[0])
    assert len(cells) == 3
    expected = " ".join(label.replace("\r\n", "\n").replace("\u2028", "\n").split("\n"))
    expected = expected.replace("\u202e", "")  # a bidi override is dropped, never shown
    assert _shown(_links(cells[0])[0].text) == expected.strip()
    assert _shown(cells[1].contents) == expected.strip()
    assert _shown(cells[2].contents) == "end"
    assert "\n" not in escape(label)


def test_external_link_refuses_other_schemes() -> None:
    assert external_link("javascript:alert(1)") == "javascript:alert(1)"
    assert (
        external_link("https://ex.org/x y]z", "a]]b") == "[https://ex.org/x%20y%5Dz a&#93;&#93;b]"
    )


def test_escape_leaves_plain_text_as_it_is_and_escapes_the_rest_the_same() -> None:
    """Printable text without markup is returned as it is (no substitution run); any text,
    plain or not, escapes to what the four substitutions give (random texts of markup, line
    break, control, bidi and plain characters)."""
    import random

    from glamgraph.export import wikitext as w

    def substituted(text: str) -> str:
        text = w._CONTROL_RE.sub("", w._BREAKS_RE.sub(" ", text.replace("\t", " ")))
        text = w._BIDI_RE.sub("", text)
        return w._ESCAPE_RE.sub(
            lambda m: w._ENTITIES.get(m.group(0)) or w._REPEATS[m.group(0)], text
        )

    chars = [
        *"ab Ç東|{}[]!='_~<>&\t\n\r\x0b\x1c\x85\u2028\x00\x1f\x7f\u202e\u2066\u00a0:;#*-",
        "''",
    ]
    rng = random.Random(3)
    for _ in range(20_000):
        text = "".join(rng.choices(chars, k=rng.randint(0, 10)))
        assert w.escape(text) == substituted(text), repr(text)
    plain = "Musée d'Orsay, Paris"
    assert w.escape(plain) is plain
