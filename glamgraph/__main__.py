"""``python -m glamgraph``."""

from glamgraph.cli import console

console()
