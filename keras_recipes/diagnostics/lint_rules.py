"""The playbook lint rules: recipe settings that contradict the training playbook.

Each rule is a function `rule(recipe) -> list[LintWarning]` registered under
an id. Rules read the validated recipe only (no TensorFlow, no data), so
`lint` answers in a fraction of a second. A recipe silences a rule with
`lint: {ignore: [rule_id]}`.

Example:

>>> from keras_recipes.config import load_recipe
>>> recipe = load_recipe("recipes/quickstart.yaml", ["optimizer.learning_rate=10"])
>>> [w.rule for w in RULES["lr_out_of_range"](recipe)]
['lr_out_of_range']
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

# Usual learning-rate range per optimizer (the playbook's default sits inside it);
# a recipe LR more than 10x outside it is flagged.
USUAL_LR = {
    "adam": (1e-5, 1e-2), "adamw": (1e-5, 1e-2), "rmsprop": (1e-5, 1e-2),
    "lion": (1e-6, 1e-3), "sgd": (1e-3, 1.0),
}
_FAR = 10.0
_ADAPTIVE = ("adam", "adamw", "lion", "rmsprop")
_CONV_MODELS = ("cnn", "resnet")
_REGRESSION_LOSSES = ("mse", "mae", "huber")


@dataclasses.dataclass(frozen=True)
class LintWarning:
    """One playbook contradiction: the rule id, the key path, what is wrong and the fix."""

    rule: str
    path: str
    given: Any
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}: {self.given!r} -- {self.problem} -> {self.fix} [{self.rule}]"


RULES: dict[str, Callable[[Any], list[LintWarning]]] = {}


def _rule(rule_id: str):
    def register(function):
        from keras_recipes.config.schema import LINT_RULE_IDS

        if rule_id not in LINT_RULE_IDS:
            raise ValueError(f"lint rule {rule_id!r} is not listed in config.schema.LINT_RULE_IDS "
                             "(which `lint.ignore` validates against)")
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id!r} is already registered")
        RULES[rule_id] = function
        return function

    return register


def _warn(rule: str, path: str, given: Any, problem: str, fix: str) -> list[LintWarning]:
    return [LintWarning(rule, path, given, problem, fix)]


def is_regression(recipe) -> bool:
    """True when the recipe's task is regression as far as the recipe alone tells."""
    data = recipe.data
    return (data.task == "regression" or recipe.training.loss in _REGRESSION_LOSSES
            or (data.source == "sklearn" and data.name == "diabetes")
            or (data.source == "synthetic" and data.name == "regression"))


def grows_batch(recipe) -> str:
    """Why the global batch exceeds `data.batch_size` (empty when it does not)."""
    reasons = []
    if recipe.training.gradient_accumulation > 1:
        reasons.append(f"training.gradient_accumulation {recipe.training.gradient_accumulation}")
    dist = recipe.distribute
    devices = dist.devices if isinstance(dist.devices, int) else len(dist.devices or [])
    if dist.strategy in ("multi_worker", "tpu") or (
            dist.strategy == "mirrored" and (devices > 1 or not dist.devices)):
        reasons.append(f"distribute.strategy {dist.strategy}")
    return ", ".join(reasons)


@_rule("transformer_without_warmup")
def _transformer_warmup(recipe) -> list[LintWarning]:
    schedule = recipe.schedule
    if recipe.model.type != "transformer" or schedule.name == "one_cycle":
        return []
    if schedule.warmup is None or not any(v for v in schedule.warmup.model_dump().values()):
        return _warn("transformer_without_warmup", "schedule.warmup", None,
                     "a transformer with no warmup: attention under Adam is unstable at "
                     "the full LR from step 0", "schedule.warmup: {fraction: 0.05} (or schedule.name: "
                     "one_cycle)")
    return []


@_rule("adam_with_l2")
def _adam_l2(recipe) -> list[LintWarning]:
    if getattr(recipe.model, "l2", 0) > 0 and recipe.optimizer.name in _ADAPTIVE:
        return _warn("adam_with_l2", "model.l2", recipe.model.l2,
                     f"a coupled L2 penalty under {recipe.optimizer.name}: the adaptive "
                     "step rescales it, so it is not weight decay",
                     "model.l2: 0 and optimizer: {name: adamw, weight_decay: 0.01}")
    return []


@_rule("batch_grown_without_lr_scaling")
def _batch_scaling(recipe) -> list[LintWarning]:
    why = grows_batch(recipe)
    if why and recipe.optimizer.scale_lr == "none":
        return _warn("batch_grown_without_lr_scaling", "optimizer.scale_lr", "none",
                     f"the global batch grows ({why}) but the LR tuned for "
                     f"data.batch_size {recipe.data.batch_size} does not",
                     "optimizer.scale_lr: linear (sqrt for Adam-family at large batches), "
                     "with a longer schedule.warmup")
    return []


@_rule("dropout_after_conv")
def _conv_dropout(recipe) -> list[LintWarning]:
    model = recipe.model
    if model.type in _CONV_MODELS and model.dropout > 0 and not model.hidden:
        return _warn("dropout_after_conv", "model.dropout", model.dropout,
                     f"a {model.type} without a dense head: the only place left for "
                     "dropout is right after the convolutions, where it hurts more than "
                     "it regularizes (keras_recipes never puts it there, so it does nothing)",
                     "model.hidden: [128] (dropout then follows the dense layer) or "
                     "model.dropout: 0")
    return []


@_rule("fp16_output")
def _fp16_output(recipe) -> list[LintWarning]:
    if recipe.training.precision == "mixed_float16" and recipe.model.type == "python":
        return _warn("fp16_output", "training.precision", "mixed_float16",
                     "a model.python builder under mixed_float16: its softmax is float16 unless "
                     "the last layers say dtype='float32' (keras_recipes casts the output "
                     "only after them)", "build the output Dense and softmax with "
                     "dtype='float32' in model.python, then lint: {ignore: [fp16_output]}")
    return []


@_rule("sgd_without_momentum")
def _sgd_momentum(recipe) -> list[LintWarning]:
    opt = recipe.optimizer
    if opt.name == "sgd" and not opt.momentum:
        return _warn("sgd_without_momentum", "optimizer.momentum", opt.momentum,
                     "SGD without momentum: slow and noisy on ill-conditioned losses",
                     "optimizer.momentum: 0.9 (the playbook default)")
    return []


@_rule("sgd_without_schedule")
def _sgd_schedule(recipe) -> list[LintWarning]:
    if (recipe.optimizer.name == "sgd" and recipe.schedule.name == "constant"
            and not recipe.callbacks.reduce_lr_on_plateau.enabled):
        return _warn("sgd_without_schedule", "schedule.name", "constant",
                     "SGD at a constant LR and no reduce_lr_on_plateau: the LR never anneals, so the "
                     "loss stalls at the noise level of the starting LR",
                     "schedule.name: warmup_cosine (or step_decay, or "
                     "callbacks.reduce_lr_on_plateau: true)")
    return []


@_rule("early_stopping_without_best_weights")
def _early_stopping(recipe) -> list[LintWarning]:
    cb = recipe.callbacks
    if not cb.early_stopping.enabled:
        return []
    if cb.checkpoint.monitor != cb.early_stopping.monitor:
        return _warn("early_stopping_without_best_weights", "callbacks.checkpoint.monitor",
                     cb.checkpoint.monitor, f"the best checkpoint is chosen by another quantity than early "
                     f"stopping's {cb.early_stopping.monitor!r}: the weights handed back are not "
                     "the best ones early stopping saw",
                     f"callbacks.checkpoint.monitor: {cb.early_stopping.monitor}")
    array_source = recipe.data.source not in ("tfds", "python")
    if array_source and recipe.data.val_split == 0 and cb.early_stopping.monitor.startswith("val_"):
        return _warn("early_stopping_without_best_weights", "data.val_split", 0.0,
                     f"early stopping on {cb.early_stopping.monitor!r} with no validation "
                     "split: it stops and keeps weights by the training loss",
                     "data.val_split: 0.1")
    return []


@_rule("label_smoothing_on_regression")
def _smoothing_regression(recipe) -> list[LintWarning]:
    if recipe.training.label_smoothing > 0 and is_regression(recipe):
        return _warn("label_smoothing_on_regression", "training.label_smoothing",
                     recipe.training.label_smoothing, "label smoothing on a regression task: "
                     "it applies to class labels; a regression loss ignores it",
                     "training.label_smoothing: 0")
    return []


@_rule("lr_out_of_range")
def _lr_range(recipe) -> list[LintWarning]:
    opt = recipe.optimizer
    low, high = USUAL_LR[opt.name]
    lr = opt.learning_rate
    if lr > high * _FAR:
        side = "above"
    elif lr < low / _FAR:
        side = "below"
    else:
        return []
    return _warn("lr_out_of_range", "optimizer.learning_rate", lr,
                 f"far {side} the usual range for {opt.name} ({low:g} to {high:g})",
                 "a value in that range; `lr-find RECIPE` suggests one for this model "
                 "and data")


_IMBALANCE = 10.0  # largest / smallest class count (the diagnose data step uses the same)


@_rule("imbalanced_classes")
def _imbalanced_classes(recipe) -> list[LintWarning]:
    """Reads the class counts of a csv target column or of class folders (no TensorFlow)."""
    if recipe.training.class_weight is not None or is_regression(recipe):
        return []
    from keras_recipes.data.label_counts import imbalance, label_counts

    counts = label_counts(recipe.data)
    ratio = imbalance(counts)
    if ratio <= _IMBALANCE:
        return []
    most = max(counts, key=counts.get)
    least = min((c for c in counts if counts[c]), key=counts.get)
    return _warn("imbalanced_classes", "training.class_weight", None,
                 f"classes in data.path are imbalanced {ratio:.0f}x ({most!r}: {counts[most]}, "
                 f"{least!r}: {counts[least]}); accuracy hides a rare class the model "
                 "never predicts", "training.class_weight: balanced (and read per-class "
                 "recall in `evaluate`)")


def _is_finetuning(model) -> bool:
    """A `pretrained` model that starts from trained weights (not `weights: none`)."""
    return model.type == "pretrained" and (model.weights is None
                                           or model.weights.lower() != "none")


def _backbone_lr_reduced(optimizer) -> bool:
    """The optimizer gives the backbone a smaller LR than the head."""
    decay = getattr(optimizer, "layer_decay", None)
    multipliers = getattr(optimizer, "lr_multipliers", None) or {}
    return (decay is not None and decay < 1) or multipliers.get("backbone", 1.0) < 1


@_rule("finetune_backbone_at_head_lr")
def _backbone_at_head_lr(recipe) -> list[LintWarning]:
    """The pretrained backbone trains at the LR the new (random) head needs."""
    if not _is_finetuning(recipe.model) or _backbone_lr_reduced(recipe.optimizer):
        return []
    phases = getattr(recipe.training, "phases", None) or []
    fix = ("training.phases: [{epochs: 3, train: head}, {epochs: N, train: all, "
           "learning_rate_multiplier: 0.1}] (or optimizer.lr_multipliers: {backbone: 0.1})")
    if not phases:
        return _warn("finetune_backbone_at_head_lr", "training.phases", None,
                     "the pretrained backbone trains from the first step at the head's LR "
                     "while the new head is still random: its large gradients overwrite "
                     "the pretrained features", fix)
    head_first = phases[0].train == "head"
    for index, phase in enumerate(phases):
        if index and head_first and phase.train != "head" and \
                phase.learning_rate_multiplier >= 1:
            return _warn("finetune_backbone_at_head_lr",
                         f"training.phases.{index}.learning_rate_multiplier",
                         phase.learning_rate_multiplier,
                         "the backbone is unfrozen at the LR the head trained with: the "
                         "pretrained weights move as fast as a random head's",
                         f"training.phases.{index}.learning_rate_multiplier: 0.1 (1/10 to "
                         "1/100 of the head's LR), or optimizer.layer_decay: 0.8")
    return []


@_rule("frozen_backbone_batch_norm_training")
def _frozen_batch_norm_training(recipe) -> list[LintWarning]:
    """`batch_norm: train` in a phase whose backbone is frozen."""
    for index, phase in enumerate(getattr(recipe.training, "phases", None) or []):
        if phase.train == "head" and phase.batch_norm == "train":
            return _warn("frozen_backbone_batch_norm_training",
                         f"training.phases.{index}.batch_norm", "train",
                         "a frozen backbone with batch norm in training mode: its statistics "
                         "follow the new data while its weights stay fixed, so the features "
                         "the head learns drift away from what inference computes",
                         f"training.phases.{index}.batch_norm: frozen (batch norm trains "
                         "only with the layers it belongs to)")
    return []


def _is_saved_network(source: str) -> bool:
    """`model.from` names a run folder or a `.keras` file (not a KerasHub preset)."""
    from pathlib import Path

    path = Path(source).expanduser()
    return path.suffix == ".keras" or (path / "model.keras").is_file() or (
        not (path / "config.json").is_file() and (path / "recipe.yaml").is_file())


@_rule("pretrained_input_scaling")
def _pretrained_input_scaling(recipe) -> list[LintWarning]:
    """`data.normalize` hands the backbone inputs scaled otherwise than in its training."""
    model, normalize = recipe.model, recipe.data.normalize
    if model.type != "pretrained" or normalize == "none":
        return []
    from keras_recipes.config.backbone_families import family_of

    source = getattr(model, "from")
    family = family_of(source)
    if family is None and _is_saved_network(source):
        return _warn("pretrained_input_scaling", "data.normalize", normalize,
                     f"model.from {source!r} brings its run's fitted input scaling "
                     "(preprocess_source); scaling again feeds its backbone inputs unlike "
                     "those it trained on", "data.normalize: none")
    declared = model.input_range or [0.0, 255.0]
    if normalize in ("scale", "minmax") and declared[1] - declared[0] <= 2:
        return []
    what = {"standard": "standardized inputs (mean 0, std 1)",
            "scale": "inputs scaled to [0, 1]", "minmax": "inputs scaled to [0, 1]"}[normalize]
    expects = f"{family} scaling of 0-255 pixels" if family else "its preset's image scaling"
    return _warn("pretrained_input_scaling", "data.normalize", normalize,
                 f"the backbone gets {what}, but model.input_range says {declared} "
                 f"(mapped to the {expects})",
                 "data.normalize: none with model.input_range: [0, MAX] (MAX: the raw "
                 "pixels' maximum, 255 for 8-bit images)" + (
                     ", or model.input_range: [0, 1]" if normalize != "standard" else ""))


RULE_IDS: tuple[str, ...] = tuple(RULES)
