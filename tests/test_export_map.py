"""The map: map.html is self-contained and renders in headless Chromium with both colours;
map.png is drawn offline by matplotlib."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from export_fixtures import make_coverage

from glamgraph.errors import BadInput
from glamgraph.export import to_map
from glamgraph.export.maps import COVERED_COLOUR, UNCOVERED_COLOUR, build_model

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _count_near(png: Path, colour: str, tolerance: int = 24) -> int:
    """How many pixels of ``png`` are within ``tolerance`` of ``colour`` on each channel."""
    from PIL import Image

    target = _rgb(colour)
    with Image.open(png) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(
        n
        for n, p in colours
        if all(abs(a - b) <= tolerance for a, b in zip(p, target, strict=True))
    )


def test_html_is_self_contained(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    assert to_map(make_coverage(), path) == 10
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert "url(" not in text and "@import" not in text
    assert "default-src 'none'" in text  # the page may not fetch anything
    # the only URLs are the SVG namespace and links to Wikidata items (followed only on click)
    urls = set(re.findall(r'(?:href|src)="([^"]+)"', text))
    assert urls and all(u.startswith("https://www.wikidata.org/wiki/Q") for u in urls)
    assert "Latvia" in text and "Lithuania" in text  # unit regions labelled
    assert "countries-of-continent" in text and "snapshot" in text  # provenance footer
    assert "&lt;nowiki&gt;" in text  # labels escaped as XML


def test_model_colours_and_projection() -> None:
    model = build_model(make_coverage())
    assert model.covered_count == 2 and model.uncovered_count == 8
    assert model.west < 2.3 and model.east > 26.8 and model.south < 42.55 < 58.7 < model.north
    assert {lab.text for lab in model.labels if lab.uncovered} == {"Latvia", "Lithuania"}


def test_antimeridian_shift_keeps_the_map_narrow() -> None:
    cov = make_coverage()
    cov.institutions = [
        dataclasses.replace(i, lon=179.0 if n % 2 else -179.0)
        for n, i in enumerate(cov.institutions)
        if i.lon is not None
    ]
    model = build_model(cov)
    xs = [d.x for d in model.dots]
    assert max(xs) - min(xs) <= 2.0 + 1e-9


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed")
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    to_map(make_coverage(), page)
    shot = tmp_path / "shot.png"
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
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1000,700",
        page.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 5000
    assert _count_near(shot, COVERED_COLOUR) > 20
    assert _count_near(shot, UNCOVERED_COLOUR) > 80  # 8 dots against 2


def test_png_is_drawn_offline(tmp_path: Path) -> None:
    path = tmp_path / "map.png"
    assert to_map(make_coverage(), path) == 10
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(path) as img:
        assert img.size == (1000, 700)
    assert _count_near(path, COVERED_COLOUR) > 5
    assert _count_near(path, UNCOVERED_COLOUR) > 20


def test_svg_and_unknown_suffix(tmp_path: Path) -> None:
    to_map(make_coverage(), tmp_path / "map.svg")
    assert (tmp_path / "map.svg").read_text(encoding="utf-8").startswith("<?xml")
    with pytest.raises(BadInput, match=r"map\.pdf"):
        to_map(make_coverage(), tmp_path / "map.pdf")
