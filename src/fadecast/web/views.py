"""What the result page says, in plain words: the answer the HTML report gives too.

The words are made in :mod:`fadecast.report.answer` and laid out by the templates the page
and the report share (:mod:`fadecast.report.templating`), so the page, the printed summary
and the HTML report say the same things.
"""

from __future__ import annotations

from fadecast.report.answer import (
    Factor,
    Habit,
    PlanView,
    ResultView,
    Session,
    plan_view,
    result_view,
    season_text,
)

__all__ = [
    "Factor",
    "Habit",
    "PlanView",
    "ResultView",
    "Session",
    "plan_view",
    "result_view",
    "season_text",
]
