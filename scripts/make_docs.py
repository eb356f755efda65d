"""Regenerate the generated parts of docs/model.md from the packaged data files.

The parameter table (from ``data/parameters.toml``), the pigment table (from
``data/pigments.toml``), the picture parameters (``data/render.toml``), the fitted
hair-loss chains (``data/hair_loss.toml`` through ``fadecast.planning.hair``), the dot
optics' parameters (``data/dot_optics.toml``) and the healed dots they give
(``fadecast.skin.dot_optics.healed_dot_lab``, some seconds of adding-doubling) are written
between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers, so the prose around
them stays hand-written and the numbers stay the code's own. Run
``python scripts/make_docs.py``; ``--check`` exits 1 when the file is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fadecast import data
from fadecast.inputs.parameters import load_parameters, load_render_parameters
from fadecast.planning import hair
from fadecast.skin import dot_optics, tone

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
STAGES = ("exposure", "kinetics", "appearance", "forecast")


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def parameter_table() -> str:
    rows = []
    for stage in STAGES:
        rows.append(f"\n**{stage.capitalize()}**\n")
        rows.append("| name | meaning | value | unit | prior | conf. | source |")
        rows.append("|---|---|---|---|---|---|---|")
        for p in load_parameters().values():
            if p.stage != stage:
                continue
            rows.append(
                f"| `{p.name}` | {_escape(p.description)} | {p.value:g} | {p.unit} | "
                f"{p.distribution.describe()} | {p.confidence} | {_escape(p.source)} |"
            )
    return "\n".join(rows).strip("\n")


def render_table() -> str:
    rows = [
        "| name | meaning | value | unit | conf. | source |",
        "|---|---|---|---|---|---|",
    ]
    for p in load_render_parameters().values():
        rows.append(
            f"| `{p.name}` | {_escape(p.description)} | {p.value:g} | {p.unit} | "
            f"{p.confidence} | {_escape(p.source)} |"
        )
    return "\n".join(rows)


def pigment_table() -> str:
    catalogue = data.toml_table("pigments.toml")
    rows = [
        "| class | component | share | absorption | photolysis [1/SED] | conf. | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, entry in catalogue.items():
        for c in entry["components"]:
            if "bands" in c:
                shape = "; ".join(
                    f"band {b['peak']:g} cm²/mg at {b['centre_nm']:g} ± {b['sd_nm']:g} nm"
                    for b in c["bands"]
                )
            else:
                shape = f"{c['k550_cm2_per_mg']:g} cm²/mg at 550 nm, λ^-{c['angstrom']:g}"
            rows.append(
                f"| `{name}` | {c['name']} | {c['share']:g} | {shape} | "
                f"{c['photolysis_per_dermal_sed']:g} | {c['confidence']} | {_escape(c['source'])} |"
            )
    rows.append("")
    rows.append(
        "| class | ink injected [mg/cm²] | particle density [g/cm³] | clearance factor | source |"
    )
    rows.append("|---|---|---|---|---|")
    for name, entry in catalogue.items():
        rows.append(
            f"| `{name}` | {entry['typical_deposit_mg_cm2']:g} | "
            f"{entry['material_density_g_cm3']:g} | {entry['clearance_factor']:g} | "
            f"{_escape(entry['source'])} ({entry['confidence']}) |"
        )
    return "\n".join(rows)


def hair_table() -> str:
    rows = [
        "| scale | chain starts | threshold | published (age: share) | fitted s | "
        "fitted p [1/yr] | chain at those ages | largest miss | conf. | source |",
        "|---|---|---|---|---:|---:|---|---:|---|---|",
    ]
    for scale in hair.SCALES:
        m = hair.hair_loss_model(scale)
        chain = hair.share_at_or_beyond(m, m.ages)
        published = ", ".join(
            f"{a:g}: {v:.2f}" for a, v in zip(m.ages, m.published_share, strict=True)
        )
        miss = float(abs(chain - m.published_share).max())
        rows.append(
            f"| {m.label} | age {m.start_age_years:g}, stage {m.first_stage} | "
            f"{m.threshold_stage} | {published} | {m.susceptible_share:.3f} | "
            f"{m.advance_per_year:.3f} | {', '.join(f'{v:.2f}' for v in chain)} | "
            f"{100 * miss:.1f} points | {m.confidence} | {_escape(m.source)} |"
        )
    return "\n".join(rows)


def dot_parameter_table() -> str:
    rows = [
        "| name | meaning | value | range | unit | conf. | source |",
        "|---|---|---:|---|---|---|---|",
    ]
    for name, p in data.toml_table("dot_optics.toml").items():
        span = f"{p['low']:g}–{p['high']:g}" if "low" in p else "—"
        rows.append(
            f"| `{name}` | {_escape(p['description'])} | {p['value']:g} | {span} | {p['unit']} | "
            f"{p['confidence']} | {_escape(p['source'])} |"
        )
    return "\n".join(rows)


#: Depths the healed-dot table is given at: the forecast's shallow, optimal, deep. [mm]
HEALED_DOT_DEPTHS_MM = tuple(
    float(data.toml_table("parameters.toml")[f"depth_{name}_mm"]["value"])
    for name in ("shallow", "optimal", "deep")
)
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def healed_dot_table() -> str:
    def lab(v: object) -> str:
        return ", ".join(f"{x:.1f}".replace("-", "−") for x in v)  # type: ignore[attr-defined]

    rows = [
        "| type | skin L*, a*, b* | depth [mm] | centre L*, a*, b* | ΔE00 centre | "
        "lattice L*, a*, b* | ΔE00 lattice |",
        "|---|---|---|---|---:|---|---:|",
    ]
    for fitzpatrick, roman in enumerate(ROMAN, start=1):
        skin = tone.skin_tone(fitzpatrick=fitzpatrick)
        for k, depth in enumerate(HEALED_DOT_DEPTHS_MM):
            dot = dot_optics.healed_dot_lab(skin, depth_mm=depth)
            rows.append(
                f"| {roman} | {lab(skin.lab) if k == 0 else ''} | {depth:g} | "
                f"{lab(dot.centre_lab)} | {dot.delta_e_centre:.1f} | {lab(dot.lattice_lab)} | "
                f"{dot.delta_e_lattice:.1f} |"
            )
    return "\n".join(rows)


def render(doc: str) -> str:
    tables = (
        ("parameters", parameter_table()),
        ("pigments", pigment_table()),
        ("render", render_table()),
        ("hair", hair_table()),
        ("dot-optics", dot_parameter_table()),
        ("healed-dots", healed_dot_table()),
    )
    for name, body in tables:
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n).*?(\n<!-- END {name} -->)", flags=re.DOTALL
        )
        if not pattern.search(doc):
            raise SystemExit(f"docs/model.md has no markers for {name}")
        replacement = body

        def fill(match: re.Match[str], replacement: str = replacement) -> str:
            return match.group(1) + replacement + match.group(2)

        doc = pattern.sub(fill, doc)
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/model.md is stale")
    args = parser.parse_args()
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("docs/model.md is out of date: run python scripts/make_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
