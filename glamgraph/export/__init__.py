"""Point-of-contact outputs: CSV, XLSX, wikitext, GeoJSON, a map, TriG, and the run sidecar.

Each ``to_*`` function writes one file atomically (a temporary file renamed over the old one)
from a :class:`~glamgraph.model.Coverage`; :func:`write_all` writes them all for one run, all
or nothing, as ``glamgraph coverage --out DIR`` does. Notebooks get the very same files::

    import glamgraph
    from glamgraph.export import write_all, to_xlsx

    cov = glamgraph.coverage("Q46", endpoint="snapshot")
    print(write_all(cov, "out/"))          # regions.csv, contacts.csv, contacts.xlsx, ...
    to_xlsx(cov, "all.xlsx", all_regions=True)

Every file says where it came from: the endpoint, the date and the queries (a header block in
the workbook, a comment in the wikitext, ``metadata`` in the GeoJSON, a footer on the map, and
``run.json`` with the query texts). XlsxWriter and matplotlib are imported only when used.
"""

from __future__ import annotations

from glamgraph.export.common import ContactRow, contact_rows
from glamgraph.export.geojson import (
    feature_collection,
    regions_collection,
    to_geojson,
    to_institutions_geojson,
)
from glamgraph.export.maps import to_map
from glamgraph.export.rdf import to_trig
from glamgraph.export.runinfo import run_info, to_run_json
from glamgraph.export.tables import (
    CONTACT_COLUMNS,
    REGION_COLUMNS,
    UNPLACED_COLUMNS,
    to_csv,
    to_regions_csv,
    to_unplaced_csv,
)
from glamgraph.export.wikitext import escape as escape_wikitext
from glamgraph.export.wikitext import to_wikitext
from glamgraph.export.writer import FORMATS, OUTPUTS, ExportFormat, Output, WriteReport, write_all
from glamgraph.export.xlsx import to_xlsx

__all__ = [
    "CONTACT_COLUMNS",
    "FORMATS",
    "OUTPUTS",
    "REGION_COLUMNS",
    "UNPLACED_COLUMNS",
    "ContactRow",
    "ExportFormat",
    "Output",
    "WriteReport",
    "contact_rows",
    "escape_wikitext",
    "feature_collection",
    "regions_collection",
    "run_info",
    "to_csv",
    "to_geojson",
    "to_institutions_geojson",
    "to_map",
    "to_regions_csv",
    "to_run_json",
    "to_trig",
    "to_unplaced_csv",
    "to_wikitext",
    "to_xlsx",
    "write_all",
]
