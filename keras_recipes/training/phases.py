"""Fine-tuning phases and discriminative learning rates on a compiled model.

`training.phases` trains a network in phases: e.g. the new head alone with
the backbone frozen, then the top blocks (or all) at a lower learning rate
with their own warmup. `optimizer.layer_decay` / `optimizer.lr_multipliers`
give the parts of the network their own learning rates. `FineTuning` does
both for the fit loop:

- **Which layers train**: at the start of each phase it sets `trainable` on
  the backbone's layers (`keras_recipes.models.layer_groups`), frozen batch
  norm included (Keras runs a non-trainable `BatchNormalization` in inference
  mode and leaves its moving statistics alone; this package's own batch-norm
  passes skip it too), and retraces the train step (Keras reads the trainable
  variables when it traces; `RecipeModel`'s accumulation and mirrored
  all-reduce follow).
- **Optimizer**: built once over every variable any phase trains (so its
  state has the same shape in every phase and a resume restores it); each
  phase restarts its moments like a fresh optimizer (`MultiplierHook`).
- **Schedule**: one schedule per phase over that phase's updates, times its
  `learning_rate_multiplier` (`keras_recipes.schedules.Phased`), under the
  plateau factor.
- **Logs**: `phase` and the learning rate of each group (`lr_head`,
  `lr_backbone`; `lr_backbone_first` when the backbone's first block differs)
  in every epoch's logs (history.csv, TensorBoard); the phase and the phase
  plan are part of the resume state.

Example:

>>> fine = build_fine_tuning(recipe, model, budget)   # doctest: +SKIP
>>> print(fine.describe())                            # doctest: +SKIP
phase 1: epochs 1-3 (updates 0-20), trains head: 130 of 1,418 parameters ...
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import keras
import numpy as np

from keras_recipes.callbacks.stateful import count
from keras_recipes.errors import StateError, UsageError


@dataclasses.dataclass(frozen=True)
class Span:
    """Where a phase lies: epochs `[start_epoch, end_epoch)`, first optimizer update."""

    start_epoch: int
    end_epoch: int
    start_update: int
    updates: int


def spans(phases, updates_per_epoch: int) -> list[Span]:
    """The epoch and update ranges of `phases` in order."""
    found, epoch = [], 0
    for phase in phases:
        found.append(Span(epoch, epoch + phase.epochs, epoch * updates_per_epoch,
                          phase.epochs * updates_per_epoch))
        epoch += phase.epochs
    return found


def build_schedule_for(recipe, peak_lr: float, budget):
    """The recipe's schedule: one per phase (`Phased`) when `training.phases` is set.

    Raises:
        UsageError: a phase's `warmup` on a schedule that takes none.
    """
    from keras_recipes.optim import build_schedule
    from keras_recipes.schedules import Phased
    from keras_recipes.training.budget import StepBudget

    phases = recipe.training.phases
    config = recipe.schedule
    if not phases:
        return build_schedule(config, peak_lr, budget)
    schedules = []
    for i, phase in enumerate(phases):
        part = config
        if phase.warmup is not None:
            if "warmup" not in type(config).model_fields:
                raise UsageError(f"training.phases[{i}].warmup: schedule {config.name} takes no "
                                 "warmup -> remove it, or use a schedule with a warmup "
                                 "(constant, step_decay, warmup_cosine, warmup_polynomial)")
            part = config.model_copy(update={"warmup": phase.warmup})
        schedules.append(build_schedule(part, peak_lr, StepBudget(
            budget.batches_per_epoch, phase.epochs, budget.accumulation)))
    return Phased(schedules, [s.start_update for s in spans(phases, budget.updates_per_epoch)],
                  [phase.learning_rate_multiplier for phase in phases])


def _size(variable) -> int:
    return int(np.prod(variable.shape))


class PhaseLogger(keras.callbacks.Callback):
    """Puts `phase` (1-based) and each group's learning rate into the epoch logs; its
    state (the phase and the phase plan) goes into the run's resume state."""

    state_key = "phases"

    def __init__(self, fine: "FineTuning"):
        super().__init__()
        self.fine = fine
        self.phase = 0

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        if self.fine.phases:
            logs["phase"] = self.phase + 1
        logs.update(self.fine.group_rates(self.phase))

    def get_state(self) -> dict:
        return {"version": 1, "phase": self.phase, "plan": self.fine.plan()}

    def set_state(self, state: dict) -> None:
        if not isinstance(state, dict) or state.get("version") != 1:
            raise StateError(f"callbacks.phases: {state!r} -> a phase state of version 1")
        if state.get("plan") != self.fine.plan():
            raise StateError(f"callbacks.phases.plan: the state was saved with phases "
                             f"{state.get('plan')} (epochs per phase), this recipe has "
                             f"{self.fine.plan()} -> resume with the recipe the run started "
                             "with")
        try:
            self.phase = count(state.get("phase"))
        except ValueError as err:
            raise StateError(f"callbacks.phases.phase: {err}") from None


class FineTuning:
    """Phases and LR multipliers of one compiled model (see the module docstring).

    Args:
        model: the compiled model (its optimizer not yet used).
        groups: its `LayerGroups`.
        phases: the recipe's `training.phases` (None: one phase training everything).
        updates_per_epoch: optimizer updates per epoch.
        multipliers: `{id(variable): LR multiplier}`.
    """

    def __init__(self, model, groups, phases, updates_per_epoch: int, multipliers: dict):
        from keras_recipes import _keras_compat as compat
        from keras_recipes.optim.lr_multipliers import MultiplierHook

        self.model = model
        self.groups = groups
        self.phases = list(phases or [])
        self.spans = spans(self.phases, updates_per_epoch)
        self.multipliers = multipliers
        self._original = [(layer, layer.trainable) for layer in compat.flatten_layers(model)]
        self.active: Optional[int] = None
        self._selected = [self._select(i) for i in range(len(self.phases))]
        with model.distribute_strategy.scope():  # slots for every variable any phase trains
            if not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)
        self._trainable_ids = {id(v) for v in model.trainable_variables}  # in some phase
        self.hook = MultiplierHook(model.optimizer, multipliers, model.trainable_variables)
        self.hook.install()
        self.logger = PhaseLogger(self)
        self.counts = [self._counts(i) for i in range(len(self.phases))]

    # ------------------------------------------------------------ selection
    def _select(self, index: int) -> tuple[set, set]:
        """`(trained backbone layer ids, frozen batch-norm layer ids)` of phase `index`."""
        phase = self.phases[index]
        where = f"training.phases[{index}].train"
        backbone = self.groups.backbone
        if phase.train == "head":
            layers = []
        elif phase.train == "all":
            layers = [layer for block in backbone for layer in block.layers]
        elif phase.train.last_blocks is not None:
            k = phase.train.last_blocks
            if k > len(backbone):
                raise UsageError(f"{where}.last_blocks: {k} but the backbone has "
                                 f"{len(backbone)} blocks ({_names(backbone)}) -> at most "
                                 f"{len(backbone)}, or train: all")
            layers = [layer for block in backbone[-k:] for layer in block.layers]
        else:
            layers = self.groups.matching_layers(phase.train.pattern)
            if not layers:
                raise UsageError(f"{where}.pattern: {phase.train.pattern!r} matches no backbone "
                                 f"layer (blocks: {_names(backbone)}) -> a regular expression "
                                 "that matches layer names, e.g. 'block3'")
        trained = {id(layer) for layer in layers}
        frozen_bn = set()
        if phase.batch_norm == "frozen":
            from keras_recipes._keras_compat import flatten_layers

            for layer in layers:
                for inner in flatten_layers(layer):
                    if isinstance(inner, keras.layers.BatchNormalization):
                        frozen_bn.add(id(inner))
        return trained, frozen_bn

    def _apply(self, index: Optional[int]) -> None:
        """Sets every layer's `trainable` for phase `index` (None: the model's own flags)."""
        for layer, flag in self._original:  # parents before their children
            layer.trainable = flag
        if index is None or not self.phases:
            return
        trained, frozen_bn = self._selected[index]
        for block in self.groups.backbone:
            for layer in block.layers:
                if id(layer) not in trained:
                    layer.trainable = False
        from keras_recipes._keras_compat import flatten_layers

        for layer in flatten_layers(self.model):
            if id(layer) in frozen_bn:
                layer.trainable = False

    def _counts(self, index: int) -> dict:
        """Trainable parameters per group in phase `index` (flags restored after)."""
        self._apply(index)
        try:
            result = {}
            for name, blocks in (("head", [self.groups.head]), ("backbone", self.groups.backbone)):
                variables = [v for block in blocks for v in block.variables
                             if id(v) in self._trainable_ids]
                result[name] = (sum(_size(v) for v in variables if v.trainable),
                                sum(_size(v) for v in variables))
            result["total"] = sum(_size(v) for v in self.model.trainable_variables)
            return result
        finally:
            self._apply(None)

    # ------------------------------------------------------------ fit loop
    def plan(self) -> list[int]:
        """Epochs per phase (what a resumed run must have)."""
        return [phase.epochs for phase in self.phases]

    def phase_of(self, epoch: int) -> int:
        for i, span in enumerate(self.spans):
            if epoch < span.end_epoch:
                return i
        return max(len(self.spans) - 1, 0)

    def end_epoch(self, epoch: int, epochs: int) -> int:
        """The epoch after the last one of `epoch`'s phase (`epochs` without phases)."""
        return self.spans[self.phase_of(epoch)].end_epoch if self.phases else epochs

    def enter(self, epoch: int, step: int) -> None:
        """Prepares the model to train from `(epoch, step)`: that phase's trainable
        layers and train step, and fresh optimizer moments at a phase's first update."""
        if not self.phases:
            return
        index = self.phase_of(epoch)
        span = self.spans[index]
        self.hook.phase_start = span.start_update
        if index > 0 and epoch == span.start_epoch and step == 0:
            self.hook.reset_slots()
        self.logger.phase = index
        if index != self.active:
            self._apply(index)
            self.active = index
            _retrace(self.model)

    def group_rates(self, index: int) -> dict:
        """The learning rate of the head and the backbone at the last update (0 when
        frozen): the optimizer's rate (schedule, phase, plateau factor) times each
        group's multiplier."""
        from keras_recipes import _keras_compat as compat
        from keras_recipes.callbacks._optimizer_access import unwrap_optimizer

        optimizer = unwrap_optimizer(self.model.optimizer)
        schedule = compat.schedule_object(optimizer)
        if callable(schedule):
            last = max(int(keras.ops.convert_to_numpy(optimizer.iterations)) - 1, 0)
            rate = float(keras.ops.convert_to_numpy(schedule(last)))
        else:
            rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        head = self.groups.head.variables
        logs = {"lr_head": rate * self.multipliers.get(id(head[0]), 1.0)}
        backbone = self.groups.backbone
        top, first = backbone[-1], backbone[0]
        trains = (lambda block: any(v.trainable for v in block.variables))
        for key, block in (("lr_backbone", top), ("lr_backbone_first", first)):
            if key == "lr_backbone_first" and self._mult(first) == self._mult(top):
                continue
            logs[key] = rate * self._mult(block) if trains(block) else 0.0
        return logs

    def _mult(self, block) -> float:
        variables = block.variables
        return self.multipliers.get(id(variables[0]), 1.0) if variables else 1.0

    # ------------------------------------------------------------ plan
    def describe(self) -> str:
        """The plan's lines: each phase (epochs, updates, what trains, LR) and multipliers."""
        lines = []
        for i, (phase, span, counts) in enumerate(zip(self.phases, self.spans, self.counts)):
            head, backbone = counts["head"], counts["backbone"]
            train = phase.train if isinstance(phase.train, str) else (
                f"last {phase.train.last_blocks} blocks "
                f"({_names(self.groups.backbone[-phase.train.last_blocks:])})"
                if phase.train.last_blocks else
                f"{len(self._selected[i][0])} layers matching {phase.train.pattern!r}")
            warmup = ("schedule's warmup" if phase.warmup is None
                      else f"warmup {_duration(phase.warmup)}")
            bn = _frozen_bn_text(self, i)
            lines.append(
                f"phase {i + 1}: epochs {span.start_epoch + 1}-{span.end_epoch} (updates "
                f"{span.start_update}-{span.start_update + span.updates - 1}), trains {train}: "
                f"{counts['total']:,} trainable parameters (head {head[0]:,}/{head[1]:,}, "
                f"backbone {backbone[0]:,}/{backbone[1]:,}), LR x{phase.learning_rate_multiplier:g}"
                f", {warmup}{bn}")
        if any(m != 1.0 for m in self.multipliers.values()):
            lines.append("learning-rate multipliers: " + self._multiplier_text())
        return "\n".join(lines)

    def _multiplier_text(self) -> str:
        items = [f"{block.name} x{self._mult(block):.3g}" for block in self.groups.blocks]
        if len(items) > 8:
            items = items[:4] + [f"... ({len(items) - 7} more)"] + items[-3:]
        return ", ".join(items)


def _frozen_bn_text(fine: FineTuning, index: int) -> str:
    frozen = len(fine._selected[index][1])
    return f", {frozen} trained-part batch-norm layer(s) frozen" if frozen else ""


def _duration(duration) -> str:
    for key in ("steps", "epochs", "fraction"):
        value = getattr(duration, key)
        if value is not None:
            return f"{{{key}: {value:g}}}"
    return "none"


def _names(blocks) -> str:
    names = [block.name for block in blocks]
    return ", ".join(names if len(names) <= 6 else names[:3] + ["..."] + names[-2:])


def _retrace(model) -> None:
    """A fresh train function (and `RecipeModel`'s per-replica XLA step) for new
    trainable variables."""
    from keras_recipes.callbacks._optimizer_access import retrace_train_function

    if hasattr(model, "per_replica_xla"):
        model._xla_micro_step = None  # RecipeModel's traced replica step
    retrace_train_function(model)


def build_fine_tuning(recipe, model, budget) -> Optional[FineTuning]:
    """The `FineTuning` of a compiled `model` for `recipe`, or None when the recipe has
    no phases and no LR multipliers.

    Raises:
        UsageError: the model has no head/backbone to split, or a phase names parts
            it does not have.
    """
    from keras_recipes.models.layer_groups import layer_groups, learning_rate_multipliers

    optimizer = recipe.optimizer
    phases = recipe.training.phases
    decay, explicit = getattr(optimizer, "layer_decay", None), getattr(
        optimizer, "lr_multipliers", None)
    if not phases and not decay and not explicit:
        return None
    try:
        groups = layer_groups(model)
    except ValueError as err:
        key = "training.phases" if phases else "optimizer.layer_decay"
        raise UsageError(f"{key}: {err} -> a model with a head (layers named head* or "
                         "output*, as every built-in family and type: pretrained have)"
                         ) from None
    multipliers = learning_rate_multipliers(groups, decay, explicit)
    return FineTuning(model, groups, phases, budget.updates_per_epoch, multipliers)
