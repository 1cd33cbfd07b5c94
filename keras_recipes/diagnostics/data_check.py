"""Diagnose step 1, the data: shapes, dtypes, NaN/Inf, value ranges, labels, a sample grid.

The playbook's first step is to look at the batches. This check measures what
can be measured (non-finite values, scaling, class balance, whether a
nearest-neighbour probe finds the labels in the inputs) and writes
`samples.png` for what has to be seen: the first examples of an in-memory
source as loaded (before normalization, which makes per-pixel standardized
images unreadable) with their labels, else the first training inputs as the
model sees them.
"""

from __future__ import annotations

import numpy as np

from keras_recipes.diagnostics.check import FAIL, PASS, WARN, CheckResult
from keras_recipes.diagnostics.label_probe import probe_labels
from keras_recipes.diagnostics.sample_grid import write_sample_grid

STEP, NAME = 1, "data"
IMBALANCE_WARN = 10.0       # largest / smallest class count
SCALE_WARN = (1e-2, 50.0)   # input std outside this looks unscaled
MEAN_WARN = 5.0
TARGET_WARN = 10.0          # regression targets with |mean| or std above this look unscaled


def _nonfinite(a: np.ndarray) -> int:
    return int(np.size(a) - np.isfinite(a).sum()) if np.issubdtype(a.dtype, np.floating) else 0


def check_data(ctx) -> CheckResult:
    """Step 1: FAIL on non-finite values, a single class or labels a probe cannot find."""
    x, y, spec = ctx.x_train, ctx.y_train, ctx.spec
    fails, warns, advice = [], [], []
    details = {"input_shape": list(spec.input_shape), "x_dtype": str(x.dtype),
               "y_dtype": str(y.dtype), "train": spec.num_train, "val": spec.num_val,
               "test": spec.num_test}
    facts = [f"{spec.num_train} train / {spec.num_val} val / {spec.num_test} test, "
             f"inputs {list(spec.input_shape)} {x.dtype}"]

    bad_x, bad_y = _nonfinite(x), _nonfinite(y)
    details.update(nonfinite_inputs=bad_x, nonfinite_labels=bad_y)
    if bad_x or bad_y:
        fails.append(f"{bad_x} non-finite input and {bad_y} non-finite label values")
        advice.append("drop or impute NaN/Inf before training: one NaN makes the loss NaN")
    finite = x[np.isfinite(x)] if np.issubdtype(x.dtype, np.floating) else x.reshape(-1)
    if finite.size and not spec.is_tokens:
        low, high = float(finite.min()), float(finite.max())
        mean, std = float(finite.mean()), float(finite.std())
        details.update(x_min=low, x_max=high, x_mean=mean, x_std=std)
        facts.append(f"in [{low:.3g}, {high:.3g}] (mean {mean:.2g}, std {std:.2g})")
        if not (SCALE_WARN[0] <= std <= SCALE_WARN[1]) or abs(mean) > MEAN_WARN:
            warns.append(f"inputs look unscaled (mean {mean:.3g}, std {std:.3g})")
            advice.append("data.normalize: standard (tabular) or scale (images), fitted on "
                          "the training split")

    if spec.task == "classification":
        _check_classes(y, spec, facts, fails, warns, advice, details)
    elif np.size(y):
        _check_targets(np.asarray(y, np.float64), facts, fails, warns, advice, details)

    _probe(ctx, facts, fails, advice, details)
    shown_x, shown_y, title = _grid_examples(ctx)
    grid = write_sample_grid(shown_x, shown_y, ctx.out_dir / "samples.png", spec.class_names,
                             title=title)
    details["samples_png"] = str(grid)

    if fails:
        return CheckResult(STEP, NAME, FAIL, "; ".join(fails), "; ".join(advice), details)
    if warns:
        return CheckResult(STEP, NAME, WARN, "; ".join(warns), "; ".join(advice), details)
    return CheckResult(STEP, NAME, PASS, "; ".join(facts), "", details)


def _grid_examples(ctx, count: int = 25):
    """`(x, y, title)`: raw source examples when the source is in memory."""
    from keras_recipes.data.sources import SOURCES

    config = ctx.recipe.data
    if config.source != "tfds" and not ctx.spec.is_tokens:
        source = SOURCES.get(config.source)(config, ctx.recipe.seed)
        raw_arrays = source.fit_preprocessor is None and isinstance(source.x, np.ndarray)
        if raw_arrays and len(source.x) == len(source.y):
            x = np.asarray(source.x[:count])
            if config.input_shape:
                x = x.reshape((len(x), *config.input_shape))
            return x, np.asarray(source.y[:count]), "source examples as loaded, with labels"
    return ctx.x_train[:count], ctx.y_train[:count], "training inputs as the model sees them"


def _check_targets(y, facts, fails, warns, advice, details) -> None:
    mean, std = float(np.mean(y)), float(np.std(y))
    details.update(y_mean=mean, y_std=std)
    facts.append(f"targets mean {mean:.3g}, std {std:.3g}")
    if std == 0.0:
        fails.append("every regression target has the same value")
        advice.append("check the target column: a constant target teaches nothing")
    elif abs(mean) > TARGET_WARN or std > TARGET_WARN:
        warns.append(f"regression targets far from unit scale (mean {mean:.3g}, std {std:.3g})")
        advice.append("standardize the targets in the data source (the output layer starts "
                      "near 0, so at a usual LR the loss falls very slowly: steps 3 and 5)")


def _check_classes(y, spec, facts, fails, warns, advice, details) -> None:
    counts = np.bincount(np.asarray(y, np.int64).reshape(-1), minlength=spec.num_outputs)
    present = counts[counts > 0]
    details["class_counts"] = counts.tolist()
    if len(present) < 2:
        fails.append(f"the training sample holds {len(present)} class(es)")
        advice.append("check the labels and the split: classification needs two classes or more")
        return
    ratio = float(present.max() / present.min())
    details["imbalance"] = ratio
    facts.append(f"{len(present)} classes, largest/smallest {ratio:.1f}x")
    if len(present) < spec.num_outputs:
        warns.append(f"{spec.num_outputs - len(present)} class(es) missing from the "
                     "training sample")
        advice.append("stratified splits (data.stratify: true) or more data for rare classes")
    if ratio > IMBALANCE_WARN:
        warns.append(f"classes imbalanced {ratio:.0f}x")
        advice.append("training.class_weight: balanced (or {class: weight}), and per-class "
                      "recall rather than accuracy")


def _probe(ctx, facts, fails, advice, details) -> None:
    spec = ctx.spec
    if spec.is_tokens:
        facts.append("label probe skipped (token inputs)")
        return
    x, y, x_val, y_val = ctx.x_train, ctx.y_train, ctx.x_val, ctx.y_val
    if x_val is None or len(x_val) < 20:
        cut = int(len(x) * 0.8)
        x, y, x_val, y_val = x[:cut], y[:cut], x[cut:], y[cut:]
    if len(x_val) < 20:
        facts.append("label probe skipped (too few examples)")
        return
    probe = probe_labels(x, y, x_val, y_val, spec.task)
    details["label_probe"] = {"score": probe.score, "chance": probe.chance,
                              "threshold": probe.threshold, "examples": probe.examples}
    measure = "accuracy" if spec.task == "classification" else "correlation"
    summary = f"5-NN probe {measure} {probe.score:.2f} (chance {probe.chance:.2f})"
    if probe.passed:
        facts.append(summary)
    else:
        fails.append(f"labels look unrelated to the inputs: {summary}, needs > "
                     f"{probe.threshold:.2f}")
        advice.append("labels shuffled or misaligned against the inputs? Look at samples.png "
                      "and check how x and y are loaded, joined and sorted")
