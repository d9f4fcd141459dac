"""Vendor Leaflet into ``glamgraph/data/leaflet/`` for the offline ``map.html``.

Leaflet (BSD-2-Clause, about 150 KB minified) is fetched with ``npm pack`` at a pinned version,
its tarball checked against the pinned integrity hash, and ``leaflet.js``, ``leaflet.css`` and
``LICENSE`` copied. The source map comment and the CSS ``url(...)`` rules (marker and control
images the map does not use) are removed, so the page never asks for a file.

Usage::

    python scripts/vendor_leaflet.py
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "1.9.4"
# npm's dist.integrity for leaflet@1.9.4
INTEGRITY = "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
OUT = Path(__file__).resolve().parent.parent / "glamgraph" / "data" / "leaflet"


def main() -> int:
    """Fetch, check and copy; 3 when the tarball does not match the pinned hash."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"leaflet@{VERSION}"], cwd=tmp, check=True)
        tgz = Path(tmp) / f"leaflet-{VERSION}.tgz"
        digest = base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
        if f"sha512-{digest}" != INTEGRITY:
            print(f"vendor_leaflet: {tgz.name} does not match the pinned hash", file=sys.stderr)
            return 3
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        OUT.mkdir(parents=True, exist_ok=True)
        js = (pkg / "dist" / "leaflet.js").read_text(encoding="utf-8")
        js = re.sub(r"\n//# sourceMappingURL=.*\s*$", "\n", js)
        css = (pkg / "dist" / "leaflet.css").read_text(encoding="utf-8")
        css = re.sub(r"[^;{}]*url\([^)]*\)[^;}]*;?", "", css)
        (OUT / "leaflet.js").write_text(js, encoding="utf-8")
        (OUT / "leaflet.css").write_text(css, encoding="utf-8")
        (OUT / "LICENSE").write_text((pkg / "LICENSE").read_text(encoding="utf-8"))
        (OUT / "VERSION").write_text(f"leaflet {VERSION} (npm, {INTEGRITY})\n")
    print(f"vendor_leaflet: leaflet {VERSION} -> {OUT.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
