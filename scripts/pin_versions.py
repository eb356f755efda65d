"""Write .ci/constraints.txt: the installed version of every package fadecast and its
test extras depend on, directly or not.

Continuous integration installs with these pins, so that the golden outputs
(``scripts/golden.py``), digests of pictures and pages among them, are compared on the
libraries they were made with: a newer numpy, matplotlib or Pillow may move a pixel or
a path by a rounding and change a digest with no change to fadecast. Refresh the pins on
purpose, then regenerate the golden outputs and say so::

    python -m pip install -U -e ".[test]"
    python scripts/pin_versions.py
    python scripts/golden.py
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"


def canonical(name: str) -> str:
    """A distribution's name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_closure(name: str, extras: tuple[str, ...] = ()) -> dict[str, str]:
    """Every installed distribution ``name`` (with ``extras``) needs, by name, with its
    version; ``name`` itself left out."""
    versions: dict[str, str] = {}
    pending = [(name, extras)]
    while pending:
        current, wanted = pending.pop()
        try:
            dist = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        key = canonical(current)
        if key in versions and not wanted:
            continue
        versions[key] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in (*wanted, "")):
                pending.append((requirement.name, tuple(requirement.extras)))
    versions.pop(canonical(name), None)
    return versions


def main() -> int:
    pins = installed_closure("fadecast", ("test",))
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    header = "# Written by scripts/pin_versions.py: the versions CI installs (see that script).\n"
    CONSTRAINTS.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{CONSTRAINTS.relative_to(ROOT)}: {len(lines)} packages pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
