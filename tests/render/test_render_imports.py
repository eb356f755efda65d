"""render/ is core: loading it loads no shell (report, cli), not even indirectly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RENDER = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "render"
SHELLS = ("fadecast.report", "fadecast.cli")


def test_loading_every_render_module_loads_no_shell() -> None:
    modules = sorted(
        f"fadecast.render.{p.stem}" for p in RENDER.glob("*.py") if p.stem != "__init__"
    )
    assert {"fadecast.render.scene", "fadecast.render.strip"} <= set(modules)
    code = (
        f"import sys\nimport {', '.join(modules)}\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('fadecast')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = done.stdout.split()
    assert set(modules) <= set(loaded)
    shells = [m for m in loaded if any(m == s or m.startswith(s + ".") for s in SHELLS)]
    assert shells == []
