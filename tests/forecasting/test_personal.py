"""Tests of personal calibration: weights, quantiles, and recovery of hidden truths."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast import forecasting
from fadecast.errors import InputError
from fadecast.forecasting.personal import (
    LOW_EFFECTIVE_SAMPLE_SIZE,
    MAX_RESIDUAL_SD,
    effective_sample_size,
    likelihood_weights,
    measured_due_years,
    normalised_weights,
    weighted_quantiles,
)
from fadecast.forecasting.run import simulate
from fadecast.forecasting.statistics import curve_at
from fadecast.inputs.measurements import MIN_SD_DELTA_E00, Observation, measurement_sd
from fadecast.inputs.profile import load_profile, parse_profile
from fadecast.report.json import forecast_dict, plan_dict

EXAMPLES = Path(__file__).parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def test_weights_are_normalised_and_favour_draws_that_fit() -> None:
    model = np.array([[3.0, 2.0], [4.0, 3.0], [6.0, 5.0]])
    w = likelihood_weights(model, [4.0, 3.0], [0.5, 0.5])
    assert w.sum() == pytest.approx(1.0)
    assert np.argmax(w) == 1
    # chi² 8 against 32: a ratio of exp((32 - 8) / 2).
    assert w[0] == pytest.approx(w[2] * np.exp(12.0), rel=1e-9)


def test_equal_fits_give_equal_weights_and_the_full_sample_size() -> None:
    w = likelihood_weights(np.ones((50, 3)), [2.0, 2.0, 2.0], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(w, 1 / 50)
    assert effective_sample_size(w) == pytest.approx(50.0)


def test_weights_survive_measurements_far_from_every_draw() -> None:
    """Log-sum-exp: a measurement 100 sd away must not underflow every weight."""
    w = likelihood_weights(np.array([[1.0], [2.0]]), [200.0], [1.0])
    assert np.all(np.isfinite(w)) and w[1] > 0.99


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(-100, 100), min_size=2, max_size=60), p=st.floats(0.0, 1.0))
def test_equal_weights_give_numpys_hazen_quantile(values: list[float], p: float) -> None:
    v = np.array(values)
    got = weighted_quantiles(v, np.ones(len(v)), [p])[0]
    assert got == pytest.approx(np.quantile(v, p, method="hazen"), abs=1e-9)


def test_weighted_quantiles_follow_the_weights_and_keep_inf() -> None:
    values = np.array([1.0, 2.0, np.inf])
    assert weighted_quantiles(values, [0.0, 1.0, 0.0], [0.5])[0] == pytest.approx(2.0)
    assert np.isinf(weighted_quantiles(values, [0.1, 0.1, 0.8], [0.5])[0])


def test_flags_widen_the_measurement_error() -> None:
    plain = measurement_sd(4.0)
    assert plain == pytest.approx(np.hypot(0.5, 0.4))
    assert measurement_sd(4.0, ["no_bare_skin"]) == pytest.approx(2 * plain)
    assert measurement_sd(4.0, ["no_scale"]) == pytest.approx(plain)  # size, not colour


def test_hidden_truths_are_recovered_from_noisy_measurements() -> None:
    """Hidden clients drawn from the prior (another seed), measured at 2, 4 and 6 years
    with the documented error: the personal median lands nearer the truth than the
    prior median in more cases than not, and the P10-P90 window covers the truth about 80 % of
    the time."""
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)
    sc = forecasting.scenario_from_profile(profile, today=TODAY)
    cache = forecasting.ModelCache()
    prior = simulate(sc, forecasting.Params.sampled(2000, 0), cache)
    hidden = simulate(sc, forecasting.Params.sampled(300, 12345), cache)
    horizon = sc.horizon_years
    prior_t = np.minimum(prior.touchup_years, horizon)
    prior_p50 = float(np.median(prior_t))
    times = (2.0, 4.0, 6.0)
    model = np.stack([curve_at(prior.times, prior.social, t) for t in times], axis=1)
    truth_curves = np.stack([curve_at(hidden.times, hidden.social, t) for t in times], 1)
    rng = np.random.default_rng(7)
    closer = covered = 0
    for k in range(len(hidden.touchup_years)):
        truth = min(float(hidden.touchup_years[k]), horizon)
        sd = np.array([measurement_sd(v) for v in truth_curves[k]])
        observed = truth_curves[k] + sd * rng.standard_normal(len(times))
        weights = likelihood_weights(model, observed, sd)
        p10, p50, p90 = weighted_quantiles(prior_t, weights, (0.1, 0.5, 0.9))
        closer += abs(p50 - truth) < abs(prior_p50 - truth)
        covered += p10 <= truth <= p90
    n = len(hidden.touchup_years)
    # A photo measures the mean tone. Packed ink holds the tone of a dot while its pigment
    # thins, so photos in the first years say little (52 % at 1, 2 and 3 years), and the
    # dots' definition, which the tone does not show, often sets the date: the gain from
    # photos at 2, 4 and 6 years is real but modest (58 % here, 300 clients: nearly three
    # standard errors above a coin toss).
    assert closer / n > 0.55
    assert 0.7 <= covered / n <= 0.9


def test_a_profile_with_measurements_gives_a_personal_window(tmp_path: Path) -> None:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    (tmp_path / "visit.json").write_text(
        json.dumps({"contrast": {"social_delta_e00": 4.9}, "flags": ["no_scale"]}), "utf-8"
    )
    extra = (
        '\n[[measurements]]\ndate = "2025-09-01"\nsocial_delta_e00 = 13.2\n'
        '\n[[measurements]]\ndate = "2026-09-01"\nfile = "visit.json"\n'
    )
    (tmp_path / "client.toml").write_text(text + extra, "utf-8")
    profile = load_profile(tmp_path / "client.toml", today=TODAY)
    assert profile.measurements[1].social_delta_e00 == 4.9
    assert profile.measurements[1].flags == ("no_scale",)
    result = forecasting.forecast(profile, samples=500, seed=0, today=TODAY, attribution=False)
    assert result.personal is not None
    assert result.personal.measurements == 2
    assert 1 < result.personal.effective_sample_size < 500
    # Faster fading than the prior expects: an earlier, narrower window.
    assert result.personal.touchup_years[1] < result.touchup_years[1]
    width = result.personal.touchup_years[2] - result.personal.touchup_years[0]
    assert width < result.touchup_years[2] - result.touchup_years[0]
    data = forecast_dict(result)["personal"]
    assert data["measurements"] == 2 and data["touchup"]["p50_date"] is not None
    plain = forecasting.forecast(
        dataclasses.replace(result.scenario, observations=()), samples=500, seed=0, today=TODAY
    )
    assert plain.personal is None and forecast_dict(plain)["personal"] is None


@pytest.mark.parametrize(
    ("measurement", "field"),
    [
        ({"date": "2030-01-01", "social_delta_e00": 3.0}, "measurements.0.date"),
        ({"date": "2024-01-01", "social_delta_e00": 3.0}, "measurements[0].date"),
        ({"date": "2026-01-01", "social_delta_e00": -1.0}, "measurements.0.social_delta_e00"),
        ({"date": "2026-01-01"}, "measurements.0.social_delta_e00"),
        ({"date": "2026-01-01", "social_delta_e00": 3.0, "sd_delta_e00": 0}, "sd_delta_e00"),
    ],
)
def test_bad_measurements_name_their_field(measurement: dict[str, object], field: str) -> None:
    import tomllib

    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["measurements"] = [measurement]
    with pytest.raises(InputError) as error:
        parse_profile(data, today=TODAY)
    assert field in str(error.value)


def test_a_missing_measurement_file_is_named(tmp_path: Path) -> None:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    extra = '\n[[measurements]]\ndate = "2026-01-01"\nfile = "nowhere.json"\n'
    (tmp_path / "client.toml").write_text(text + extra, "utf-8")
    with pytest.raises(InputError, match=r"measurements\[0\]\.file"):
        load_profile(tmp_path / "client.toml", today=TODAY)


def test_observation_is_plain_data() -> None:
    o = Observation(years=1.0, social_delta_e00=4.0, sd_delta_e00=0.6)
    assert dataclasses.asdict(o) == {
        "years": 1.0,
        "social_delta_e00": 4.0,
        "sd_delta_e00": 0.6,
        "lower_bound": False,
    }


def test_a_plan_follows_the_personal_forecast(tmp_path: Path) -> None:
    from fadecast.planning import plan

    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    extra = (
        '\n[[measurements]]\ndate = "2025-09-01"\nsocial_delta_e00 = 13.2\n'
        '\n[[measurements]]\ndate = "2026-09-01"\nsocial_delta_e00 = 11.8\n'
    )
    (tmp_path / "client.toml").write_text(text + extra, "utf-8")
    profile = load_profile(tmp_path / "client.toml", today=TODAY)
    result = plan(profile, samples=1000, seed=0, today=TODAY)
    forecast = forecasting.forecast(profile, samples=1000, seed=0, today=TODAY, attribution=False)
    assert forecast.personal is not None and result.personal_effective_sample_size is not None
    first = next(s for s in result.sessions if s.kind == "fade" and s.number == 1)
    assert first.p50_years == pytest.approx(forecast.personal.touchup_years[1], abs=0.3)
    assert first.p50_years < forecast.touchup_years[1] - 0.5
    assert plan_dict(result)["personal"]["measurements"] == 2
    plain = plan(
        load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY),
        samples=300,
        seed=0,
        today=TODAY,
    )
    assert plan_dict(plain)["personal"] is None


def test_systematic_resampling_keeps_the_weights() -> None:
    from fadecast.forecasting.personal import systematic_resample

    weights = np.array([0.5, 0.25, 0.25, 0.0])
    picks = systematic_resample(weights, np.random.default_rng(0))
    counts = np.bincount(picks, minlength=4)
    assert counts.tolist() == [2, 1, 1, 0]


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json at all", "not a fadecast measure JSON file"), ('{"dots": {}}', "has no contrast")],
)
def test_a_measurement_file_that_is_not_a_measure_output_is_named(
    tmp_path: Path, content: str, message: str
) -> None:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    (tmp_path / "visit.json").write_text(content, "utf-8")
    extra = '\n[[measurements]]\ndate = "2026-01-01"\nfile = "visit.json"\n'
    (tmp_path / "client.toml").write_text(text + extra, "utf-8")
    with pytest.raises(InputError, match=message) as error:
        load_profile(tmp_path / "client.toml", today=TODAY)
    assert error.value.field == "measurements[0].file"


# --- Hardening: numerical robustness, warnings, measurement files ------------------------


def _with_measurements(*measurements: dict[str, object]) -> dict[str, object]:
    import tomllib

    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["measurements"] = list(measurements)
    return data


def test_a_measurement_error_below_the_floor_is_refused() -> None:
    data = _with_measurements(
        {"date": "2026-01-01", "social_delta_e00": 5.0, "sd_delta_e00": 1e-300}
    )
    with pytest.raises(InputError) as error:
        parse_profile(data, today=TODAY)
    assert error.value.field == "measurements.0.sd_delta_e00"
    assert f"{MIN_SD_DELTA_E00:g}" in error.value.message


def test_weights_are_finite_for_any_positive_error() -> None:
    model = np.array([[3.0], [4.0], [5.0]])
    for sd in (1e-300, 1e-10, 1.0, 1e300):
        w = likelihood_weights(model, [4.0], [sd])
        assert np.all(np.isfinite(w)) and w.sum() == pytest.approx(1.0)
        assert 1.0 <= effective_sample_size(w) <= 3.0
    # Every draw equally far off at 1e-300: they stay equally likely, never NaN.
    w = likelihood_weights(np.array([[3.0], [5.0]]), [4.0], [1e-300])
    np.testing.assert_allclose(w, 0.5)


@pytest.mark.parametrize(
    ("model", "observed", "sd"),
    [
        ([[1.0]], [np.nan], [1.0]),
        ([[np.inf]], [1.0], [1.0]),
        ([[1.0]], [1.0], [0.0]),
        ([[1.0]], [1.0], [-1.0]),
        ([[1.0, 2.0]], [1.0], [1.0]),
    ],
)
def test_weights_refuse_what_is_not_a_measurement(
    model: list[list[float]], observed: list[float], sd: list[float]
) -> None:
    with pytest.raises(ValueError):
        likelihood_weights(model, observed, sd)


def test_log_weights_normalise_without_overflow() -> None:
    w = normalised_weights([-1e300, 0.0, -1e300])
    assert w.tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(ValueError):
        normalised_weights([np.nan, 0.0])
    with pytest.raises(ValueError):
        effective_sample_size([0.0, 0.0])
    assert effective_sample_size([1e-320, 1e-320]) == pytest.approx(2.0)


def _personal_forecast(*measurements: dict[str, object]) -> forecasting.ForecastResult:
    profile = parse_profile(_with_measurements(*measurements), today=TODAY)
    return forecasting.forecast(profile, samples=300, seed=0, today=TODAY, attribution=False)


def test_precise_measurements_that_contradict_the_prior_are_flagged() -> None:
    result = _personal_forecast(
        {"date": "2026-01-01", "social_delta_e00": 25.0, "sd_delta_e00": MIN_SD_DELTA_E00}
    )
    assert result.personal is not None
    assert np.isfinite(result.personal.effective_sample_size)
    assert result.personal.effective_sample_size < LOW_EFFECTIVE_SAMPLE_SIZE
    assert result.personal.residual_sd > MAX_RESIDUAL_SD
    text = " ".join(result.warnings)
    assert "contradict the model" in text and "few of the model's draws" in text
    data = json.loads(json.dumps(forecast_dict(result), allow_nan=False))
    assert data["personal"]["effective_sample_size"] is not None


def test_a_personal_window_that_starts_in_the_past_says_so() -> None:
    result = _personal_forecast({"date": "2025-09-01", "social_delta_e00": 1.0})
    assert result.personal_dates is not None
    start = result.personal_dates[0]
    assert start is not None and start < TODAY
    assert any(
        w.startswith(f"the personal window starts in the past ({start.isoformat()}")
        for w in result.warnings
    )


def test_measurements_that_fit_give_no_personal_warning() -> None:
    prior = forecasting.forecast(
        load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY),
        samples=300,
        seed=0,
        today=TODAY,
        attribution=False,
    )
    at = (dt.date(2026, 1, 1) - prior.scenario.first_session).days / 365.25
    typical = float(np.interp(at, prior.curve_years, prior.curve_social[1]))
    result = _personal_forecast({"date": "2026-01-01", "social_delta_e00": typical})
    assert result.personal is not None
    assert result.personal.effective_sample_size > LOW_EFFECTIVE_SAMPLE_SIZE
    assert not any("personal window" in w or "contradict" in w for w in result.warnings)


def _profile_with_file(folder: Path, name: str) -> Path:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    extra = f'\n[[measurements]]\ndate = "2026-01-01"\nfile = {json.dumps(name)}\n'
    path = folder / "client.toml"
    path.write_text(text + extra, "utf-8")
    return path


def _file_error(folder: Path, name: str) -> InputError:
    with pytest.raises(InputError) as error:
        load_profile(_profile_with_file(folder, name), today=TODAY)
    assert error.value.field == "measurements[0].file"
    assert "\n" not in str(error.value)
    return error.value


def test_a_measurement_file_outside_the_profiles_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "client"
    folder.mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"contrast": {"social_delta_e00": 4.0}}), "utf-8")
    (folder / "link.json").symlink_to(secret)
    messages = {
        name: _file_error(folder, name).message
        for name in ("../secret.json", str(secret), "link.json", "../nowhere.json", "/etc/passwd")
    }
    # Whether the file exists or not, and whatever it holds, the answer is the same.
    assert {m.replace(repr(n), "NAME") for n, m in messages.items()} == {
        "must name a file in the profile's folder or below it, got NAME"
    }


def test_a_measurement_file_below_the_folder_or_linked_inside_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    visit = tmp_path / "photos" / "visit.json"
    visit.write_text(json.dumps({"contrast": {"social_delta_e00": 4.5}}), "utf-8")
    (tmp_path / "latest.json").symlink_to(visit)
    for name in ("photos/visit.json", "latest.json", str(visit)):
        profile = load_profile(_profile_with_file(tmp_path, name), today=TODAY)
        assert profile.measurements[0].social_delta_e00 == 4.5


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    import os
    import threading

    os.mkfifo(tmp_path / "pipe.json")
    path = _profile_with_file(tmp_path, "pipe.json")
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_profile(path, today=TODAY)
        except InputError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "reading a named pipe must not wait for a writer"
    assert outcome and "not a regular file" in str(outcome[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"contrast": {"social_delta_e00": 1' + "0" * 5000 + "}}", "not a fadecast measure"),
        ('{"contrast": {"social_delta_e00": Infinity}}', "must be a number 0-60"),
        ('{"contrast": {"social_delta_e00": true}}', "has no contrast"),
        ('{"contrast": {"social_delta_e00": 4.0}, "flags": [1, 2]}', "list of strings"),
        (" " * (1 << 20) + "{}", "larger than 1 MiB"),
    ],
)
def test_odd_measurement_files_are_refused_cleanly(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "visit.json").write_text(content, "utf-8")
    assert message in _file_error(tmp_path, "visit.json").message


def test_a_folder_is_not_a_measurement_file(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    assert "not a regular file" in _file_error(tmp_path, "photos").message


def test_the_misfit_is_finite_and_about_one_when_the_errors_are_right() -> None:
    from fadecast.forecasting.personal import weighted_rms_misfit

    rng = np.random.default_rng(3)
    truth = rng.uniform(2.0, 6.0, size=(1, 4))
    observed = truth[0] + 0.5 * rng.standard_normal((400, 4))
    misfits = [weighted_rms_misfit(truth, row, np.full(4, 0.5), [1.0]) for row in observed]
    assert np.mean(np.square(misfits)) == pytest.approx(1.0, rel=0.15)
    assert np.isfinite(weighted_rms_misfit([[0.0], [60.0]], [30.0], [1e-300], [0.5, 0.5]))


def test_a_lower_bound_holds_only_the_draws_below_it_against() -> None:
    """A photo without untreated skin understates the contrast: draws above it fit it."""
    model = np.array([[3.0], [5.0], [9.0]])
    two_sided = likelihood_weights(model, [5.0], [1.0])
    one_sided = likelihood_weights(model, [5.0], [1.0], lower_bound=[True])
    assert one_sided[1] == pytest.approx(one_sided[2])
    assert one_sided[0] == pytest.approx(one_sided[1] * np.exp(-2.0))
    assert two_sided[2] < two_sided[1]


@settings(max_examples=40, deadline=None)
@given(
    contrast=st.lists(st.floats(0.0, 30.0), min_size=2, max_size=30),
    measured=st.floats(0.0, 30.0),
    sd=st.floats(0.1, 5.0),
)
def test_a_lower_bound_never_favours_fading_faster(
    contrast: list[float], measured: float, sd: float
) -> None:
    """Under a lower bound the weighted mean contrast is at least the two-sided one's."""
    model = np.array(contrast)[:, None]
    two = likelihood_weights(model, [measured], [sd])
    one = likelihood_weights(model, [measured], [sd], lower_bound=[True])
    assert float(one @ model[:, 0]) >= float(two @ model[:, 0]) - 1e-9


def test_a_photo_without_untreated_skin_is_a_lower_bound_and_says_nothing_is_due(
    tmp_path: Path,
) -> None:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    extra = (
        '\n[[measurements]]\ndate = "2026-09-01"\nsocial_delta_e00 = 3.0\n'
        'flags = ["no_bare_skin"]\n'
    )
    (tmp_path / "client.toml").write_text(text + extra, "utf-8")
    sc = forecasting.scenario_from_profile(
        load_profile(tmp_path / "client.toml", today=TODAY), today=TODAY
    )
    (observation,) = sc.observations
    assert observation.lower_bound
    # Far below the touch-up level, but only a bound: it does not say a touch-up is due.
    assert measured_due_years(sc, 16.0) is None
