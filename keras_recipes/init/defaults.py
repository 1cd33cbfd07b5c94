"""The first recipe for a profiled dataset: model family and the playbook's defaults.

One family per modality, sized by the number of examples: a 2-layer MLP for
tables, plain arrays and text (over TF-IDF), a conv-BN-ReLU CNN for images. Optimizer, schedule, regularization and early stopping are
the playbook's (`shared/PLAYBOOK.md`): AdamW with decoupled decay, linear
warmup then cosine decay, dropout, early stopping on validation loss.

Example:

>>> sections = starter_sections(profile)  # doctest: +SKIP
>>> dict(sections)["model"][0]  # doctest: +SKIP
('type', 'mlp', 'a 2-layer MLP: the playbook's first model for tables')
"""

from __future__ import annotations

from typing import Any

from keras_recipes.init.profile import DataProfile
from keras_recipes.init.writer import Block

Entry = tuple[str, Any, str]
"""`(key, value, comment)`: one line of a recipe section."""

SMALL, LARGE = 2_000, 20_000
"""Example counts that switch batch size, widths and epochs."""

IMBALANCE_WARNING = 3.0
"""Largest/smallest class ratio from which `init` warns about imbalance."""


def starter_sections(profile: DataProfile) -> list[tuple[str, list[Entry]]]:
    """`[(section, [(key, value, comment), ...]), ...]` for every recipe section."""
    n = profile.examples
    sections = [("data", _data(profile)), ("model", _model(profile)),
                ("optimizer", _optimizer(profile)), ("schedule", _schedule(profile)),
                ("training", _training(profile)), ("callbacks", _callbacks(n))]
    if profile.task == "classification" and profile.imbalance() >= IMBALANCE_WARNING:
        profile.checks.append(
            f"classes are imbalanced (largest/smallest = {profile.imbalance():.1f}): "
            "training.class_weight is balanced; judge the run by per-class recall "
            "(`keras-recipes evaluate RUN`), not accuracy")
    return sections


def _data(profile: DataProfile) -> list[Entry]:
    entries = [(key, _block(value, f"{key}.", profile.notes) if isinstance(value, dict)
                else value, profile.notes.get(key, "")) for key, value in profile.source.items()]
    if "path" in profile.source:
        index = [k for k, _, _ in entries].index("path")
        entries[index] = ("path", profile.source["path"], "relative to this recipe file")
    entries.append(("task", profile.task, "classification | regression"))
    if profile.modality == "image" and profile.source["source"] == "npz":
        entries.append(("normalize", "scale", "pixels divided by the training maximum"))
    elif profile.modality == "array":
        entries.append(("normalize", "standard", "mean/std fitted on the training split"))
    batch = 32 if profile.examples < SMALL else 64
    entries += [("batch_size", batch, "the playbook's 32-64"),
                ("val_split", 0.1, "held out for early stopping"),
                ("test_split", 0.2, "held out for the final report")]
    if profile.modality == "image":
        side = min(profile.input_shape[:2])
        augment = [{"name": "crop", "padding": max(1, side // 8)}]
        comment = "random crop with padding; add {name: flip} if mirrored images keep " \
                  "their label (not for digits or text)"
        entries.append(("augment", augment, comment))
    return entries


def _block(mapping: dict, prefix: str, notes: dict[str, str]) -> Block:
    return Block((key, value, notes.get(prefix + key, "")) for key, value in mapping.items())


def _model(profile: DataProfile) -> list[Entry]:
    n = profile.examples
    if profile.modality == "image":
        side = max(profile.input_shape[:2])
        filters = [32, 64] if side <= 32 else [32, 64, 128]
        return [("type", "cnn", "conv-BN-ReLU blocks: the playbook's first model for images"),
                ("filters", filters, "one conv block per entry, each halving the resolution"),
                ("hidden", [128], "dense head"),
                ("dropout", 0.3, "on the dense head only, not after convs")]
    if profile.modality == "text":
        return [("type", "mlp", "an MLP over TF-IDF: the baseline to beat (type: transformer "
                 "with text_encoding: int for word order)"),
                ("hidden", [128] if n < LARGE else [256, 128], "layer widths"),
                ("dropout", 0.5, "TF-IDF features overfit fast: the playbook's upper 0.5")]
    hidden = [64, 32] if n < SMALL else [256, 128]
    family = "tables" if profile.modality == "table" else "feature arrays"
    return [("type", "mlp", f"a 2-layer MLP: the playbook's first model for {family}"),
            ("hidden", hidden, "layer widths; wider for more data"),
            ("dropout", 0.3 if n < SMALL else 0.2, "0.2-0.5 for MLPs; more for small data")]


def _optimizer(profile: DataProfile) -> list[Entry]:
    rate = 2e-3 if profile.modality == "image" else 1e-3
    return [("name", "adamw", "Adam with decoupled weight decay (0.01)"),
            ("learning_rate", rate, "peak rate; check with `keras-recipes lr-find`")]


def _schedule(profile: DataProfile) -> list[Entry]:
    return [("name", "warmup_cosine", "linear warmup from 1/100 of the peak, then cosine decay"),
            ("warmup", {"fraction": 0.05}, "the first 5% of the steps")]


def _training(profile: DataProfile) -> list[Entry]:
    n = profile.examples
    epochs = 100 if n < SMALL else 50 if n < LARGE else 20
    entries = [("epochs", epochs, "an upper bound: early stopping ends the run sooner")]
    if profile.task == "classification":
        entries.append(("label_smoothing", 0.1, "the playbook's 0.1"))
        if profile.imbalance() >= IMBALANCE_WARNING:
            entries.append(("class_weight", "balanced", f"largest/smallest class = "
                            f"{profile.imbalance():.1f}: rare classes weigh more"))
    return entries


def _callbacks(n: int) -> list[Entry]:
    patience = 10 if n < LARGE else 5
    return [("early_stopping", {"monitor": "val_loss", "patience": patience},
             "the best epoch's weights are the model the run hands back")]
