"""The alignment rules (A3xx), and the reference checks that need the whole model's
data rather than one field's target (R205), one module each, registered here in one
literal dict.

Each module has `CODE`, `NAME` (kebab-case), `SEVERITY` (the default), a docstring in
four parts (What it checks / Why it matters / Fails / Passes) that is its user
documentation, and `check(ctx) -> Iterator[Finding]`. The engine, not the rule,
attaches code and severity.
"""

from __future__ import annotations

from types import ModuleType

from strat.rules import (
    a301_one_link,
    a302_joint_goal_missing,
    a303_joint_owner,
    a304_lagging_metric,
    a305_unexplained_link,
    a306_not_an_outcome,
    a307_north_star_link,
    a308_period_after_due,
    a309_initiative_review,
    a310_roi_unknown,
    a311_stale_goal,
    a312_customer_progress,
    a313_guardrail_breached,
    a314_stale_data,
    a315_goal_not_closed,
    a316_current_not_latest,
    r205_conflicting_readings,
)

RULES: dict[str, ModuleType] = {
    module.CODE: module
    for module in (
        a301_one_link,
        a302_joint_goal_missing,
        a303_joint_owner,
        a304_lagging_metric,
        a305_unexplained_link,
        a306_not_an_outcome,
        a307_north_star_link,
        a308_period_after_due,
        a309_initiative_review,
        a310_roi_unknown,
        a311_stale_goal,
        a312_customer_progress,
        a313_guardrail_breached,
        a314_stale_data,
        a315_goal_not_closed,
        a316_current_not_latest,
    a316_current_not_latest,
        r205_conflicting_readings,
    )
}
