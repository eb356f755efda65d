"""Shared test configuration."""

import os

# colour-science warns about optional dependencies on import; the project does not use them.
os.environ.setdefault("COLOUR_SCIENCE__FILTER_USAGE_WARNINGS", "1")
