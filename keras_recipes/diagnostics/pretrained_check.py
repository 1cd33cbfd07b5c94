"""Diagnose step 1 for `model.type: pretrained`: do the inputs match what the backbone saw?

A pretrained backbone only works on inputs scaled as in its training. The
network maps `model.input_range` (default 0-255 pixels) to the family's
scaling, so a sample of the training inputs (what the network receives, after
`data.normalize`) must span that range: inputs already in [0, 1] fill only the
bottom 0.4% of 0-255 (the backbone sees near-black images), standardized
inputs go negative. A run folder brings its own fitted scaling, so its inputs
must arrive raw (`data.normalize: none`).

Example:

>>> input_scale_problem(0.0, 1.0, (0.0, 255.0))
'inputs span [0, 1]: the bottom 0.39% of model.input_range [0, 255]'
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from keras_recipes.diagnostics.check import PASS, WARN, CheckResult

STEP, NAME = 1, "backbone inputs"
_SLACK = 0.05  # of the declared span, before values count as outside it
_FILLED = 0.10  # inputs must reach at least this share of the declared span


def input_scale_problem(low: float, high: float, declared) -> Optional[str]:
    """What is wrong with inputs spanning `[low, high]` for `declared` `[a, b]` (None: fine)."""
    a, b = (float(v) for v in declared)
    span = b - a
    shown = f"[{low:.3g}, {high:.3g}]"
    if low < a - _SLACK * span or (low < a and high - low < _FILLED * span):
        return f"inputs reach {low:.3g}, below model.input_range [{a:g}, {b:g}] " \
               "(standardized inputs?)"
    if high > b + _SLACK * span:
        return f"inputs reach {high:.3g}, above model.input_range [{a:g}, {b:g}]"
    if high - low < _FILLED * span:
        share = 100 * (high - low) / span
        where = "bottom" if high <= a + _FILLED * span else "a narrow band"
        return f"inputs span {shown}: the {where} {share:.2g}% of model.input_range " \
               f"[{a:g}, {b:g}]"
    return None


def check_pretrained_inputs(ctx) -> CheckResult:
    """WARN when the training inputs are scaled unlike what the backbone expects."""
    model = ctx.recipe.model
    source = getattr(model, "from")
    from keras_recipes.config.backbone_families import family_of
    from keras_recipes.diagnostics.lint_rules import _is_saved_network

    x = np.asarray(ctx.x_train, np.float64)
    low, high = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    details = {"low": low, "high": high, "from": source}
    if family_of(source) is None and _is_saved_network(source):
        normalize = ctx.recipe.data.normalize
        if normalize != "none":
            return CheckResult(STEP, NAME, WARN, f"data.normalize {normalize} before the earlier "
                               "run's own fitted scaling (preprocess_source)",
                               "data.normalize: none (the run's scaling is inside the network)",
                               details)
        return CheckResult(STEP, NAME, PASS, f"raw inputs [{low:.3g}, {high:.3g}] into the "
                           "earlier run's own scaling", details=details)
    declared = model.input_range or [0.0, 255.0]
    details["input_range"] = list(declared)
    problem = input_scale_problem(low, high, declared)
    if problem is None:
        return CheckResult(STEP, NAME, PASS, f"inputs [{low:.3g}, {high:.3g}] fill "
                           f"model.input_range {list(declared)}", details=details)
    return CheckResult(STEP, NAME, WARN, problem,
                       f"set model.input_range to the inputs' real range (e.g. [0, "
                       f"{max(high, 1.0):.3g}] for raw pixels) and data.normalize: none, so "
                       "the backbone sees pixels scaled as in its training", details)


__all__ = ["check_pretrained_inputs", "input_scale_problem"]
