"""The map as a person sees it: map.html rendered in headless Chromium shows each region's state
colour where the region is; map.png's legend counts are the rows' states; every uncovered region
is in the key with whom to contact; hostile labels are drawn as text."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from export_fixtures import make_coverage, scrambled_coverage

from glamgraph.errors import BadInput
from glamgraph.export import to_map
from glamgraph.export.common import contact_count, contact_rows
from glamgraph.export.map_geo import Projection, load_shapes
from glamgraph.export.map_html import _leaflet
from glamgraph.export.map_model import (
    COVERED_COLOUR,
    NO_INSTITUTIONS_COLOUR,
    STATE_NAMES,
    UNCOVERED_COLOUR,
    Dot,
    _safe,
    build_model,
    key_line,
)
from glamgraph.model import Contact, Coverage, CoverageRow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no chromium")
MODULE = Path(__file__).parent / "world" / "module.lua"


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _share_near(png: Path, colour: str, box: tuple[int, int, int, int], tol: int = 20) -> float:
    """The share of the pixels in ``box`` (left, top, right, bottom) close to ``colour``."""
    from PIL import Image

    target = _rgb(colour)
    with Image.open(png) as img:
        crop = img.convert("RGB").crop(box)
        pixels = list(crop.getdata())
    near = sum(1 for p in pixels if all(abs(a - b) <= tol for a, b in zip(p, target, strict=True)))
    return near / len(pixels)


def _screenshot(page: Path, tmp_path: Path, fragment: str = "", size: str = "1000,700") -> Path:
    shot = tmp_path / f"shot{abs(hash(fragment))}.png"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--virtual-time-budget=3000",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        f"--window-size={size}",
        page.as_uri() + fragment,
    ]
    subprocess.run(cmd, capture_output=True, timeout=180, check=False)
    assert shot.exists() and shot.stat().st_size > 5000
    return shot


def _centre_state(page: Path, tmp_path: Path, qid: str) -> dict[str, float]:
    """Zoomed to ``qid`` (``#region=``), the share of each state colour around the centre."""
    shot = _screenshot(page, tmp_path, f"#region={qid}")
    box = (470, 320, 530, 380)  # the window is 1000x700: the middle of the map
    return {
        "covered": _share_near(shot, COVERED_COLOUR, box),
        "uncovered": _share_near(shot, UNCOVERED_COLOUR, box),
        "no_institutions": _share_near(shot, NO_INSTITUTIONS_COLOUR, box),
    }


def test_model_states_numbers_and_contacts() -> None:
    model = build_model(make_coverage())
    states = {r.qid: r.status for r in model.regions}
    assert states == {
        "Q142": "covered",
        "Q191": "covered",
        "Q211": "uncovered",
        "Q37": "uncovered",
        "Q228": "no_institutions",
    }
    # every uncovered region numbered, the larger first, each with its nearest affiliate
    assert [(r.qid, r.number) for r in model.uncovered] == [("Q211", 1), ("Q37", 2)]
    assert all(r.contact and r.contact.code == "WMEE" for r in model.uncovered)
    assert all(r.polygons for r in model.regions)  # 1:10m has even Andorra
    assert model.projection.kind == "laea"
    # one dot per institution, even when it counts in two regions
    assert len({d.qid for d in model.dots}) == len(model.dots) == 9


def _dots_from_contact_rows(cov: Coverage) -> list[Dot]:
    """The maps' dots as they were made before: the first contact row of every region's rows
    of each institution with coordinates (the oracle of the test below)."""
    seen: set[str] = set()
    dots = []
    for c in contact_rows(cov, all_regions=True):
        if c.lat is None or c.lon is None or c.institution in seen:
            continue
        seen.add(c.institution)
        dots.append(
            Dot(c.lon, c.lat, c.institution, _safe(c.label), _safe(c.region_label), c.covered)
        )
    return dots


@pytest.mark.parametrize("seed", range(6))
def test_dots_are_each_institutions_first_contact_row(seed: int) -> None:
    """The dots come from the institutions directly (the 87k contact rows of a world are left
    to the process writing the contacts files), the same dots in the same order as the first
    contact row of each institution; the run's contact count is that of the rows too."""
    cov = scrambled_coverage(seed)
    assert build_model(cov).dots == _dots_from_contact_rows(cov)
    assert len(build_model(cov).dots) > 50
    for every in (False, True):
        fresh = dataclasses.replace(cov)  # nothing derived kept: counted without the rows
        assert contact_count(fresh, all_regions=every) == len(contact_rows(cov, all_regions=every))
        assert fresh.derived == {}


def test_contacts_of_the_rows_win_over_codes() -> None:
    cov = make_coverage()
    contact = Contact(
        "WMPL", "Wikimedia Polska", "https://meta.wikimedia.org/wiki/WMPL", "", "module"
    )
    cov.rows = [
        dataclasses.replace(r, contacts=(contact,), type_counts=(("museums", 3),))
        if r.region == "Q37"
        else r
        for r in cov.rows
    ]
    model = build_model(cov)
    lt = next(r for r in model.regions if r.qid == "Q37")
    assert lt.contact is not None and lt.contact.page.endswith("/WMPL")
    assert key_line(lt).endswith("→ WMPL Wikimedia Polska")


def test_equal_area_projections_keep_areas() -> None:
    """Two 1°x1° cells at the equator and at 60°N: their projected areas are in the ratio of
    their areas on the sphere (cos 60.5° / cos 0.5°)."""
    import math

    for proj in (Projection("equal-earth"), Projection("laea", 10.0, 50.0)):

        def area(lat: float, p: Projection = proj) -> float:
            xs, ys = p.forward([10.0, 11.0, 11.0, 10.0], [lat, lat, lat + 1, lat + 1])
            return abs(sum(xs[i] * ys[(i + 1) % 4] - xs[(i + 1) % 4] * ys[i] for i in range(4)) / 2)

        ratio = area(60.0) / area(0.0)
        expected = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / math.sin(
            math.radians(1)
        )
        assert ratio == pytest.approx(expected, rel=0.01)


def test_shapes_are_shipped_with_provenance() -> None:
    shapes = load_shapes()
    assert len(shapes) > 230
    assert {"Q142", "Q183", "Q228", "Q233", "Q219060"} <= set(shapes)  # Andorra, Malta, Palestine
    path = Path(__file__).parent.parent / "glamgraph" / "data" / "shapes.json.gz"
    assert path.stat().st_size < 1_000_000


def test_png_legend_counts_equal_the_rows_states(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    seen: list[str] = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(t.get_text() for t in self.legends[0].get_texts())
        seen.extend(t.get_text() for t in self.texts)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    cov = make_coverage()
    path = tmp_path / "map.png"
    assert to_map(cov, path) == 9
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for status in ("covered", "uncovered", "no_institutions"):
        n = sum(1 for r in cov.rows if r.status == status)
        assert f"{STATE_NAMES[status]} ({n})" in seen
    # every uncovered region has its line in the key, with the code to contact
    for r in cov.uncovered():
        assert any(r.label in t and "WMEE" in t for t in seen), r.label


def test_png_shows_the_three_states(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "map.png"
    to_map(make_coverage(), path)
    with Image.open(path) as img:
        assert img.size == (1200, 800)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 24) or []
    for colour in (COVERED_COLOUR, UNCOVERED_COLOUR, NO_INSTITUTIONS_COLOUR):
        exact = sum(n for n, p in colours if p == _rgb(colour))
        assert exact > 50, colour


def test_math_in_labels_is_drawn_as_text(tmp_path: Path) -> None:
    """A label like ``Ice $\\frac{1}{$ land`` neither raises nor turns into mathtext."""
    cov = make_coverage()
    cov.rows = [
        dataclasses.replace(r, label="Ice $\\frac{1}{$ land\x00\ufffe") if r.region == "Q211" else r
        for r in cov.rows
    ]
    to_map(cov, tmp_path / "map.png")
    to_map(cov, tmp_path / "map.svg")
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "\x00" not in svg and "\ufffe" not in svg
    import xml.etree.ElementTree as ET

    ET.fromstring(svg.encode("utf-8"))  # well-formed XML


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    cov = make_coverage()
    cov.rows = [
        dataclasses.replace(r, label="</script><img src=x onerror=alert(1)>\x00")
        if r.region == "Q37"
        else r
        for r in cov.rows
    ]
    path = tmp_path / "map.html"
    assert to_map(cov, path) == 9
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert csp and "default-src 'none'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("script-src")[1].split(";")[0]
    own = text.replace(_leaflet()[0], "")  # Leaflet's code names img and url() as strings
    assert "<link" not in own and "<img" not in own and "url(" not in own
    assert "\x00" not in text
    # three scripts only: the data (not run), Leaflet and the page's own
    assert text.count("<script") == 3
    assert "\\u003c/script\\u003e" in text  # the hostile label stays inside the JSON data
    assert not re.search(r"(?:src|href)=\"https?://", own)  # nothing remote


@needs_chromium
def test_html_shows_states_where_the_regions_are(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    to_map(make_coverage(), page)
    latvia = _centre_state(page, tmp_path, "Q211")
    assert latvia["uncovered"] > 0.5, latvia
    france = _centre_state(page, tmp_path, "Q142")
    assert france["covered"] > 0.5, france
    andorra = _centre_state(page, tmp_path, "Q228")
    assert andorra["no_institutions"] > 0.5, andorra


@needs_chromium
def test_html_whole_map_has_both_states(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    to_map(make_coverage(), page)
    shot = _screenshot(page, tmp_path)
    whole = (0, 0, 1000, 700)
    assert _share_near(shot, UNCOVERED_COLOUR, whole) > 0.005
    assert _share_near(shot, COVERED_COLOUR, whole) > 0.02


def _world_coverage(world_engine) -> Coverage:  # type: ignore[no-untyped-def]
    import glamgraph

    return glamgraph.coverage("Q46", endpoint=world_engine, module=str(MODULE), quiet=True)


@needs_chromium
def test_html_on_the_test_world(tmp_path: Path, world_engine) -> None:  # type: ignore[no-untyped-def]
    cov = _world_coverage(world_engine)
    page = tmp_path / "map.html"
    to_map(cov, page)
    unc = [r.region for r in cov.rows if r.status == "uncovered" and r.region in load_shapes()]
    cov_ = [r.region for r in cov.rows if r.status == "covered" and r.region in load_shapes()]
    assert unc and cov_
    assert _centre_state(page, tmp_path, unc[0])["uncovered"] > 0.5
    assert _centre_state(page, tmp_path, cov_[0])["covered"] > 0.5


@needs_chromium
@pytest.mark.slow
def test_html_on_the_snapshot(tmp_path: Path) -> None:
    import glamgraph

    cov = glamgraph.coverage("Q46", endpoint="snapshot", quiet=True)
    page = tmp_path / "map.html"
    to_map(cov, page)
    by = {r.region: r.status for r in cov.rows}
    unc = next(q for q in ("Q211", "Q218", "Q184") if by.get(q) == "uncovered")
    covd = next(q for q in ("Q142", "Q183", "Q36") if by.get(q) == "covered")
    assert _centre_state(page, tmp_path, unc)["uncovered"] > 0.5
    assert _centre_state(page, tmp_path, covd)["covered"] > 0.5


def test_subdivision_run_says_shapes_are_not_shipped(tmp_path: Path) -> None:
    cov = make_coverage()
    cov.region = dataclasses.replace(cov.region, qid="Q142", kind="country", label="France")
    cov.rows = [
        CoverageRow("Q90", "Paris", "", "subdivision", 3, (), True, "WMFR", lat=48.85, lon=2.35),
        CoverageRow("Q12130", "Lyon", "", "subdivision", 2, ("WMFR",), False, lat=45.7, lon=4.8),
    ]
    model = build_model(cov)
    assert model.context and all(not r.polygons for r in model.regions)
    assert any("not shipped" in n for n in model.notes)
    to_map(cov, tmp_path / "map.png")


def test_svg_and_unknown_suffix(tmp_path: Path) -> None:
    to_map(make_coverage(), tmp_path / "map.svg")
    assert (tmp_path / "map.svg").read_text(encoding="utf-8").startswith("<?xml")
    with pytest.raises(BadInput, match=r"map\.pdf"):
        to_map(make_coverage(), tmp_path / "map.pdf")


def test_thousands_of_institutions_are_binned(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Past 3,000 institutions the PNG draws hexagonal bins with a colour bar, not dots."""
    from matplotlib.figure import Figure

    from glamgraph.export.map_model import HEXBIN_FROM
    from glamgraph.model import Institution

    cov = make_coverage()
    n = HEXBIN_FROM + 500
    cov.institutions = [
        Institution(
            f"Q{5000000 + i}",
            f"M{i}",
            units=("Q211",),
            countries=("Q211",),
            lat=56.0 + (i % 50) / 25,
            lon=22.0 + (i // 50) / 12,
        )
        for i in range(n)
    ]
    labels: list[str] = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        labels.extend(ax.get_xlabel() for ax in self.axes)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    assert to_map(cov, tmp_path / "map.png") == n
    assert "institutions per hexagon" in labels


def test_caveats_are_printed_under_the_map() -> None:
    cov = make_coverage()
    cov.caveats = ["The shipped sample caps institutions at 1,500 per country."]
    model = build_model(cov)
    assert model.footer[0] == cov.caveats[0]
    assert not model.notes  # countries as units: nothing about subdivision shapes


def test_html_bins_many_institutions(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from glamgraph.export import map_html

    model = build_model(make_coverage())
    assert len(map_html.page_data(model)["points"]) == 9
    monkeypatch.setattr(map_html, "BIN_FROM", 5)
    data = map_html.page_data(model)
    assert data["points"] == [] and sum(b[2] for b in data["bins"]) == 9


@needs_chromium
def test_html_script_runs_under_its_csp(tmp_path: Path) -> None:
    """The page's script (allowed by hash) fills the key: one item per uncovered region."""
    page = tmp_path / "map.html"
    to_map(make_coverage(), page)
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--virtual-time-budget=3000",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(cmd, capture_output=True, timeout=180, check=False, text=True).stdout
    items = re.findall(r"<li[^>]*>([^<]*)</li>", dom)
    assert len(items) == 2 and items[0].startswith("Latvia") and "WMEE" in items[0]
    assert "leaflet-container" in dom


def test_the_model_is_built_once_per_coverage_and_again_when_it_changes() -> None:
    from glamgraph.export.map_model import map_model

    cov = make_coverage()
    first = map_model(cov)
    assert map_model(cov) is first  # map.html and map.png draw the same model
    cov.caveats = [*cov.caveats, "A new caveat."]
    second = map_model(cov)
    assert second is not first and "A new caveat." in second.footer
    cov.rows = [dataclasses.replace(r, label=r.label + " (new)") for r in cov.rows]
    assert {r.label for r in map_model(cov).regions} == {
        r.label + " (new)" for r in make_coverage().rows
    }
