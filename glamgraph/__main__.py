"""``python -m glamgraph``."""

import sys

from glamgraph.cli import main

sys.exit(main())
