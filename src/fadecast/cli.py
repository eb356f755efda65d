"""The ``fadecast`` command line: a thin shell over the library.

Every user error (bad profile, unknown city, bad option) is printed as one line on
standard error with exit code 2; nothing else is written when that happens.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import warnings
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fadecast.clinic_cli import clinic_app
from fadecast.errors import FadecastError, InputError
from fadecast.runtime import keep_freed_memory
from fadecast.version import __version__

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from fadecast.forecasting import ForecastResult
    from fadecast.inputs.profile import Costs, Profile
    from fadecast.measure.measurement import Measurement
    from fadecast.planning import PlanResult

app = typer.Typer(
    name="fadecast",
    help="Forecast how a scalp micropigmentation (SMP) treatment fades.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# The records' commands; their modules import the records (SQLAlchemy) only when run.
app.add_typer(clinic_app, name="clinic")

DEMO_EXAMPLE = "temperate-office-worker.toml"


def _parse_today(value: str | None) -> dt.date:
    """The date ``--today`` names, or the real date: the only place the clock is read."""
    if value is None:
        return dt.date.today()
    from fadecast.forecasting import EARLIEST_TODAY, LATEST_TODAY

    allowed = f"a date as YYYY-MM-DD from {EARLIEST_TODAY} to {LATEST_TODAY}"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("--today", f"must be {allowed}, got {value!r}") from None
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise InputError("--today", f"must be {allowed}, got {value!r}")
    return day


SamplesOpt = Annotated[
    int, typer.Option("--samples", min=10, max=200_000, help="Monte Carlo draws (10-200000).")
]
SeedOpt = Annotated[
    int, typer.Option("--seed", min=0, help="Random seed (same seed, same output).")
]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Date taken as today, YYYY-MM-DD (default: today).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _run_forecast(path: Path, samples: int, seed: int, today: str | None) -> ForecastResult:
    from fadecast.forecasting import forecast
    from fadecast.inputs.profile import load_profile

    day = _parse_today(today)
    profile = load_profile(path, today=day)
    return forecast(profile, samples=samples, seed=seed, today=day)


def _emit(result: ForecastResult, as_json: bool) -> None:
    if as_json:
        from fadecast.report.json import forecast_dict

        typer.echo(json.dumps(forecast_dict(result), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        from fadecast.report.forecast_text import format_summary

        typer.echo(format_summary(result))


@app.command("forecast")
def forecast_command(
    profile: Annotated[Path, typer.Argument(help="Profile TOML file.")],
    as_json: JsonOpt = False,
    samples: SamplesOpt = 2000,
    seed: SeedOpt = 0,
    today: TodayOpt = None,
) -> None:
    """Forecast the touch-up window for a profile, with its reasons."""
    _emit(_run_forecast(profile, samples, seed, today), as_json)


UntilAgeOpt = Annotated[
    float | None,
    typer.Option(
        "--until-age",
        help="Plan until this age, more than a year ahead and at most 110 "
        "(default 75, or ten years ahead for a client over 65).",
    ),
]


def _run_plan(
    profile: Profile,
    until_age: float | None,
    *,
    samples: int,
    seed: int,
    today: dt.date,
    costs: Costs | None = None,
) -> PlanResult:
    """A plan with ``--until-age`` errors named as the option."""
    from fadecast.planning import default_until_age, plan

    day = today
    try:
        return plan(
            profile,
            until_age=default_until_age(profile, day) if until_age is None else until_age,
            samples=samples,
            seed=seed,
            today=day,
            costs=costs,
        )
    except InputError as exc:
        if exc.field == "until_age":
            default = " (the default)" if until_age is None else ""
            raise InputError("--until-age", exc.message + default) from None
        raise


def _plan_costs(profile: Profile, price: float | None, currency: str | None) -> Costs:
    """The profile's prices with the command line's on top (a flat price replaces a table)."""
    from pydantic import ValidationError

    from fadecast.inputs.profile import Costs

    costs = profile.costs
    update: dict[str, Any] = {}
    if price is not None:
        update.update(price_per_session=price, price_by_stage=None)
    if currency is not None:
        update["currency"] = currency
    if not update:
        return costs
    try:
        return Costs.model_validate({**costs.model_dump(), **update})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "currency"
        option = "--currency" if field == "currency" else "--price-per-session"
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.startswith("Input should"):
            given = price if option == "--price-per-session" else currency
            message = f"{message.replace('Input should', 'must', 1)}, got {given!r}"
        raise InputError(option, message) from None


@app.command("plan")
def plan_command(
    profile: Annotated[Path, typer.Argument(help="Profile TOML file.")],
    until_age: UntilAgeOpt = None,
    price_per_session: Annotated[
        float | None,
        typer.Option("--price-per-session", help="Price of any session (replaces [costs])."),
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="ISO 4217 code of the prices, e.g. EUR.")
    ] = None,
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Also write the sessions to this calendar file.")
    ] = None,
    as_json: JsonOpt = False,
    samples: SamplesOpt = 2000,
    seed: SeedOpt = 0,
    today: TodayOpt = None,
) -> None:
    """Plan every session until an age: touch-ups for fading, area extensions for hair
    loss and design changes, with costs, what aftercare habits buy, and what removal
    would take."""
    from fadecast.inputs.profile import load_profile

    day = _parse_today(today)
    loaded = load_profile(profile, today=day)
    costs = _plan_costs(loaded, price_per_session, currency)
    target: Path | None = None
    if ics is not None:
        from fadecast.report.files import check_output_file

        target = check_output_file(ics, option="--ics", example="plan.ics", suffix=".ics")
    result = _run_plan(loaded, until_age, samples=samples, seed=seed, today=day, costs=costs)
    if target is not None:
        from fadecast.report.files import write_files
        from fadecast.report.ics import plan_calendar

        calendar = plan_calendar(result, client=loaded.name)
        write_files(target.parent, {target.name: calendar}, option="--ics")
    if as_json:
        from fadecast.report.json import plan_dict

        typer.echo(json.dumps(plan_dict(result), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        from fadecast.report.plan_text import format_plan

        typer.echo(format_plan(result))
        if target is not None:
            typer.echo(f"\nCalendar: {target}")


DEMO_FOLDER = "fadecast-demo"
REPORT_YEARS = "0,1,3,5,7,10"
#: Every file a report may write: the page and its plots as SVG and PNG.
REPORT_FILES = (
    "index.html",
    *(
        f"{name}.{fmt}"
        for name in ("fade_curve", "attribution", "plan_timeline")
        for fmt in ("svg", "png")
    ),
)


def _write_report(
    path: Path,
    out: Path,
    *,
    years: str,
    samples: int,
    seed: int,
    today: str | None,
    stubble: bool,
    until_age: float | None = None,
    result: ForecastResult | None = None,
) -> Path:
    """Forecast (unless given), render and plot a profile; write ``index.html`` into ``out``."""
    from fadecast.forecasting import forecast, scenario_from_profile
    from fadecast.inputs.profile import load_profile
    from fadecast.render.scene import RenderSettings, check_years, render_profile
    from fadecast.report.files import check_output_folder, write_files
    from fadecast.report.html import report_html
    from fadecast.report.plots import (
        attribution_figure,
        fade_curve_figure,
        figure_bytes,
        plan_timeline_figure,
    )

    year_list = _parse_years(years)
    try:
        check_years(year_list)
    except InputError as exc:
        raise InputError("--years", exc.message) from None
    day = _parse_today(today)
    profile = load_profile(path, today=day)
    folder = check_output_folder(out, names=REPORT_FILES)
    profile_text = Path(path).read_text(encoding="utf-8-sig")
    bar, advance = _progress_bar(len(year_list) + 4, "report")
    with bar:
        sc = scenario_from_profile(profile, today=day)
        if result is None:
            result = forecast(sc, samples=samples, seed=seed, today=day)
        advance(1)
        lifetime: PlanResult | None = None
        try:
            lifetime = _run_plan(profile, until_age, samples=samples, seed=seed, today=day)
        except InputError:
            if until_age is not None:
                raise
            # Within a year of the oldest age a plan can reach: no plan section.
        advance(2)
        settings = RenderSettings(size_mm=20.0, px_per_mm=20.0, seed=seed, stubble=stubble)
        renders = render_profile(sc, year_list, settings, progress=lambda k: advance(2 + k))
        figures = {
            "fade_curve": fade_curve_figure(result),
            "attribution": attribution_figure(result),
        }
        if lifetime is not None:
            figures["plan_timeline"] = plan_timeline_figure(lifetime)
        files = {
            f"{name}.{fmt}": figure_bytes(fig, fmt)
            for name, fig in figures.items()
            for fmt in ("svg", "png")
        }
        title = f"SMP forecast: {profile.name}" if profile.name else None
        page = report_html(
            result,
            profile_text=profile_text,
            title=title,
            plan=lifetime,
            renders=renders,
        )
        advance(len(year_list) + 3)
        written = write_files(folder, {"index.html": page.encode("utf-8"), **files})[0]
        advance(len(year_list) + 4)
    return written


ReportYearsOpt = Annotated[
    str,
    typer.Option("--years", help="Years after healing to draw, comma-separated, increasing."),
]
StubbleOpt = Annotated[bool, typer.Option("--stubble/--no-stubble", help="Draw stubble hairs.")]


@app.command("report")
def report_command(
    profile: Annotated[Path, typer.Argument(help="Profile TOML file.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for index.html.")],
    years: ReportYearsOpt = REPORT_YEARS,
    samples: SamplesOpt = 2000,
    seed: SeedOpt = 0,
    today: TodayOpt = None,
    stubble: StubbleOpt = True,
    until_age: UntilAgeOpt = None,
) -> None:
    """Write one self-contained HTML report (window, pictures, curve, reasons, lifetime
    plan, profile), with its plots beside it as SVG and PNG."""
    written = _write_report(
        profile,
        out,
        years=years,
        samples=samples,
        seed=seed,
        today=today,
        stubble=stubble,
        until_age=until_age,
    )
    typer.echo(f"Report: {written}")


@app.command("demo")
def demo_command(
    as_json: JsonOpt = False,
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo report.")] = Path(
        DEMO_FOLDER
    ),
    samples: SamplesOpt = 2000,
    seed: SeedOpt = 0,
    today: TodayOpt = None,
) -> None:
    """Forecast the embedded example (a temperate-city office worker) and write its report.

    With --json, print the forecast as JSON only.
    """
    example = resources.files("fadecast").joinpath("examples", DEMO_EXAMPLE)
    with resources.as_file(example) as path:
        if as_json:
            _emit(_run_forecast(path, samples, seed, today), True)
            return
        typer.echo(f"Example profile: {DEMO_EXAMPLE}\n")
        result = _run_forecast(path, samples, seed, today)
        _emit(result, False)
        written = _write_report(
            path,
            out,
            years=REPORT_YEARS,
            samples=samples,
            seed=seed,
            today=today,
            stubble=True,
            result=result,
        )
    typer.echo(f"\nReport: {written}")


_RENDER_OPTIONS = {
    "years": "--years",
    "size_mm": "--size-mm",
    "px_per_mm": "--px-per-mm",
    "hairline_mm": "--hairline-mm",
}


def _parse_years(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(
            "--years", f"must be comma-separated numbers such as 0,1,3,5,7,10, got {text!r}"
        ) from None


def _progress_bar(total: int, label: str) -> tuple[Any, Any]:
    """A progress bar on a terminal's standard error; silent when it is not a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    bar = Progress(console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(label, total=total)
    return bar, lambda done: bar.update(task, completed=done)


@app.command("render")
def render_command(
    profile: Annotated[Path, typer.Argument(help="Profile TOML file.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the pictures.")],
    years: Annotated[
        str,
        typer.Option("--years", help="Years after healing, comma-separated, increasing."),
    ] = "0,1,3,5,7,10",
    size_mm: Annotated[
        float, typer.Option("--size-mm", help="Side of the scalp patch [mm], 5-200.")
    ] = 40.0,
    px_per_mm: Annotated[
        float, typer.Option("--px-per-mm", help="Resolution of the close-up [px/mm], 2-100.")
    ] = 20.0,
    stubble: Annotated[bool, typer.Option("--stubble", help="Draw stubble hairs.")] = False,
    hairline_mm: Annotated[
        float | None,
        typer.Option("--hairline-mm", help="Draw a feathered hairline this far from the top [mm]."),
    ] = None,
    seed: SeedOpt = 0,
    today: TodayOpt = None,
) -> None:
    """Render the scalp close up and at social distance over the years."""
    from fadecast.render.scene import RenderSettings, check_settings, check_years

    year_list = _parse_years(years)
    settings = RenderSettings(
        size_mm=size_mm, px_per_mm=px_per_mm, seed=seed, stubble=stubble, hairline_mm=hairline_mm
    )
    try:
        check_years(year_list)
        check_settings(settings)
    except InputError as exc:
        raise InputError(_RENDER_OPTIONS.get(exc.field, exc.field), exc.message) from None
    from fadecast.inputs.profile import load_profile
    from fadecast.report.files import check_output_folder, write_files
    from fadecast.report.pictures import picture_names, render_files

    day = _parse_today(today)
    loaded = load_profile(profile, today=day)
    names = [name for year in year_list for name in picture_names(year).values()]
    folder = check_output_folder(out, names=[*names, "strip.png", "manifest.json"])
    bar, advance = _progress_bar(len(year_list), "rendering")
    with bar:
        files = render_files(loaded, year_list, settings, today=day, progress=advance)
    written = write_files(folder, files)
    typer.echo(f"Wrote {len(written)} files to {folder}")


#: The measurement's arguments by the options that give them.
_MEASURE_OPTIONS = {
    "mm_per_px": "--mm-per-px",
    "marker_mm": "--marker-mm",
    "white": "--white",
    "card_reflectance": "--card-reflectance",
}


def _measured(
    srgb: NDArray[np.uint8],
    *,
    white: str,
    mm_per_px: float | None,
    marker_mm: float | None,
    card_reflectance: float,
) -> Measurement:
    """``measure_photo`` of a read photo with the CLI's ``--white`` choice (auto, none or
    a rectangle); an InputError names the function's field."""
    from fadecast.measure.measurement import measure_photo
    from fadecast.measure.reference import parse_rectangle

    choice: str | tuple[int, int, int, int] | None
    if white == "auto":
        choice = "auto"
    elif white == "none":
        choice = None
    else:
        choice = parse_rectangle(white, srgb.shape[:2])
    return measure_photo(
        srgb,
        mm_per_px=mm_per_px,
        marker_mm=marker_mm,
        white=choice,
        card_reflectance=card_reflectance,
    )


@app.command("measure")
def measure_command(
    photo: Annotated[Path, typer.Argument(help="Scalp photo (JPEG, PNG, ...).")],
    mm_per_px: Annotated[
        float | None, typer.Option("--mm-per-px", help="Scale of the photo [mm per pixel].")
    ] = None,
    marker_mm: Annotated[
        float | None,
        typer.Option("--marker-mm", help="Side of a printed ArUco marker in the photo [mm]."),
    ] = None,
    white: Annotated[
        str,
        typer.Option("--white", help="White card: auto, none, or x,y,w,h in pixels."),
    ] = "auto",
    card_reflectance: Annotated[
        float, typer.Option("--card-reflectance", help="Reflectance of the card (0.18 grey).")
    ] = 0.90,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    overlay_path: Annotated[
        Path | None, typer.Option("--overlay", help="Also draw the detections into this PNG.")
    ] = None,
    dots_path: Annotated[
        Path | None,
        typer.Option("--dots", help="Also write every dot (centre, size, Lab) to this CSV."),
    ] = None,
) -> None:
    """Measure the dots of a scalp photo: count, density, size, contrast, blur."""
    from fadecast.measure.photo import read_photo
    from fadecast.report.files import check_output_file

    if overlay_path is not None:
        check_output_file(overlay_path, option="--overlay", example="check.png", suffix=".png")
    if dots_path is not None:
        check_output_file(dots_path, option="--dots", example="dots.csv", suffix=".csv")
    srgb = read_photo(photo)
    try:
        result = _measured(
            srgb,
            white=white,
            mm_per_px=mm_per_px,
            marker_mm=marker_mm,
            card_reflectance=card_reflectance,
        )
    except InputError as exc:
        raise InputError(_MEASURE_OPTIONS.get(exc.field, exc.field), exc.message) from None
    if result.figures.dot_count == 0:
        raise InputError("photo", f"no SMP dots found in {photo.name}; nothing to measure")
    # Both files are made before either is written; each folder's files all or none.
    outputs: dict[Path, tuple[str, dict[str, bytes]]] = {}
    if overlay_path is not None:
        from fadecast.measure.overlay import overlay
        from fadecast.report.files import png_bytes

        image = png_bytes(overlay(srgb, result))
        outputs.setdefault(overlay_path.parent, ("--overlay", {}))[1][overlay_path.name] = image
    if dots_path is not None:
        from fadecast.measure.table import dots_csv

        table = dots_csv(result).encode("utf-8")
        outputs.setdefault(dots_path.parent, ("--dots", {}))[1][dots_path.name] = table
    if outputs:
        from fadecast.report.files import write_files

        for folder, (option, files) in outputs.items():
            write_files(folder, files, option=option)
    if as_json:
        from fadecast.report.json import measurement_dict

        data = {"file": photo.name, **measurement_dict(result)}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        from fadecast.report.measure_text import format_measurement

        typer.echo(format_measurement(result, name=photo.name))
        if overlay_path is not None:
            typer.echo(f"\nOverlay: {overlay_path}")
        if dots_path is not None:
            typer.echo(f"Dots: {dots_path}")


def _in_photo(exc: InputError, name: str) -> InputError:
    """``exc`` named by its option, its message saying which photo it was met in."""
    if name in exc.message:
        return InputError(_MEASURE_OPTIONS.get(exc.field, exc.field), exc.message)
    if exc.field == "photo":
        return InputError("photo", f"{name}: {exc.message}")
    return InputError(_MEASURE_OPTIONS.get(exc.field, exc.field), f"{exc.message} (in {name})")


@app.command("compare")
def compare_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The first photo (the baseline).")],
    new: Annotated[
        list[Path],
        typer.Argument(
            metavar="NEW", help="Later photos (NEW [NEWER ...]), each compared with the first."
        ),
    ],
    mm_per_px: Annotated[
        float | None,
        typer.Option("--mm-per-px", help="Scale of every photo [mm per pixel]."),
    ] = None,
    marker_mm: Annotated[
        float | None,
        typer.Option("--marker-mm", help="Side of a printed ArUco marker in each photo [mm]."),
    ] = None,
    white: Annotated[
        str,
        typer.Option("--white", help="White card: auto, none, or x,y,w,h in pixels."),
    ] = "auto",
    card_reflectance: Annotated[
        float, typer.Option("--card-reflectance", help="Reflectance of the card (0.18 grey).")
    ] = 0.90,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare photos of the same SMP taken at different visits: the change of dot
    density, diameter and contrast at 2 m of each later photo since the first, and
    whether it is more than same-day repeat photos differ."""
    from fadecast.measure.compare import compare_measurements
    from fadecast.measure.photo import read_photo

    paths = [old, *new]
    measured: list[Measurement] = []
    for path in paths:
        try:
            srgb = read_photo(path)
            result = _measured(
                srgb,
                white=white,
                mm_per_px=mm_per_px,
                marker_mm=marker_mm,
                card_reflectance=card_reflectance,
            )
        except InputError as exc:
            raise _in_photo(exc, path.name) from None
        del srgb
        if result.figures.dot_count == 0:
            raise InputError("photo", f"no SMP dots found in {path.name}; nothing to compare")
        measured.append(result)
    comparison = compare_measurements(measured)
    names = [path.name for path in paths]
    if as_json:
        from fadecast.report.compare_text import compare_dict

        data = compare_dict(comparison, names=names)
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        from fadecast.report.compare_text import format_comparison

        typer.echo(format_comparison(comparison, names=names))


@app.command("card")
def card_command(
    out: Annotated[
        Path, typer.Option("--out", help="The card to print: a .pdf (actual size) or a .png.")
    ],
) -> None:
    """Write the photo card to print: an ArUco marker of known size, a white and a grey
    patch, a ruler, and how to print and hold it."""
    from fadecast.report.card import card_pdf, card_png
    from fadecast.report.files import check_output_file, write_files

    kind = out.suffix.lower()
    if kind not in (".pdf", ".png"):
        raise InputError("--out", f"must name a .pdf or .png file, got {out.name!r}")
    target = check_output_file(out, option="--out", example="card.pdf", suffix=kind)
    content = card_pdf() if kind == ".pdf" else card_png()
    write_files(target.parent, {target.name: content}, option="--out")
    typer.echo(f"Card: {target}")
    typer.echo("Print it at 100 % (actual size) and check that its ruler measures 80 mm.")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a profile."""
    from fadecast.inputs.profile import profile_json_schema

    typer.echo(json.dumps(profile_json_schema(), indent=2, ensure_ascii=False))


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port, 1-65535.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The clinic's records: a SQLite file or a postgresql:// URL (default: "
            "$FADECAST_DATABASE_URL, else clinic.sqlite in the user's data folder).",
        ),
    ] = None,
    behind_https: Annotated[
        bool,
        typer.Option(
            "--behind-https",
            help="The server is reached over HTTPS through a reverse proxy: cookies get "
            "the Secure flag and pages ask browsers to keep to HTTPS.",
        ),
    ] = False,
) -> None:
    """Serve the calculator, the API and the clinic dashboard on the web (Ctrl-C stops
    it). On records without a user yet, prints a one-time link that makes the clinic's
    owner."""
    from fadecast.records.database import database_url
    from fadecast.web.settings import WebSettings

    url = database_url(db)  # a bad --db is refused before anything starts
    settings = WebSettings(
        host=host,
        port=port,
        database_url=url.render_as_string(hide_password=False),
        secure_cookies=behind_https,
    )
    import uvicorn

    from fadecast.inputs.places import resolve_city
    from fadecast.web import create_app
    from fadecast.web.app import first_run_link, records_problem
    from fadecast.web.places import suggest_places

    web_app = create_app(settings)
    resolve_city("London")  # load the gazetteer now, not on the first request
    suggest_places("London")
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"fadecast: serving on http://{shown}:{port}/ (Ctrl-C stops it)")
    problem = records_problem(web_app)
    if problem is not None:
        typer.echo(f"fadecast: {problem}")
    else:
        local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, shown)
        link = first_run_link(web_app, "" if behind_https else f"http://{local}:{port}")
        if link is not None:
            where = " at this server's HTTPS address" if behind_https else ""
            typer.echo(
                f"fadecast: the records have no user yet. Open this link{where} to make the "
                f"clinic's owner (it works once, for 24 hours): {link}"
            )
    uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"fadecast {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Forecast how a scalp micropigmentation (SMP) treatment fades."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every user error into one line and exit code 2.

    Only fadecast's own errors (:class:`~fadecast.errors.FadecastError`) and usage errors
    are user errors; anything else is a bug and ends with its traceback. Library warnings
    (numpy, Pillow) are not printed: a result is either clean or refused, and the test
    suite turns every warning into a failure.
    """
    keep_freed_memory()  # speed only: large numpy temporaries are reused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(argv)


def _run(argv: list[str] | None) -> None:
    if not (sys.argv[1:] if argv is None else argv):
        # No command at all: the help as it is laid out (not squashed into an error line),
        # on standard error with the exit code of a usage error.
        with contextlib.redirect_stdout(sys.stderr), contextlib.suppress(typer.Exit):
            app(args=["--help"], prog_name="fadecast", standalone_mode=False)
        sys.exit(2)
    try:
        code = app(args=argv, prog_name="fadecast", standalone_mode=False)
    except typer.Abort:
        print("fadecast: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        format_message = getattr(exc, "format_message", None)
        message = format_message() if callable(format_message) else str(exc)
        print(f"fadecast: error: {' '.join(str(message).split())}", file=sys.stderr)
        sys.exit(2)
    except FadecastError as exc:
        print(f"fadecast: error: {' '.join(str(exc).split())}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
