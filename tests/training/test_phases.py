"""Fine-tuning phases: frozen parts and frozen batch norm stay untouched, unfrozen parts move
at the configured learning-rate multipliers (checked against the optimizer's update rule),
and a run killed across a phase boundary resumes bit-identical."""

import json

import keras
import numpy as np
import pytest

from keras_recipes.config.phases_schema import Phase
from keras_recipes.models.layer_groups import layer_groups, learning_rate_multipliers

LR, PHASE2, BACKBONE_MULT, EPS = 0.05, 0.5, 0.1, 1e-7
STEPS = 2  # optimizer updates per epoch


def _pretrained_like():
    """A pretrained-type network: nested `backbone` (two blocks with batch norm), head."""
    keras.utils.set_random_seed(3)
    inputs = keras.Input((6,), name="inputs")
    backbone = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(8, name="block1_dense"), keras.layers.BatchNormalization(
            name="block1_bn"),
        keras.layers.Dense(8, activation="relu", name="block2_dense"),
        keras.layers.BatchNormalization(name="block2_bn")], name="backbone")
    x = backbone(inputs)
    outputs = keras.layers.Dense(3, name="head_output")(x)
    from keras_recipes.training.recipe_model import RecipeModel

    return RecipeModel(inputs, outputs, name="pretrained")


def _fine_tuning(optimizer):
    from keras_recipes.schedules import Constant, Phased
    from keras_recipes.training.phases import FineTuning

    model = _pretrained_like()
    phases = [Phase(epochs=1, train="head"),
              Phase(epochs=1, train="all", learning_rate_multiplier=PHASE2, batch_norm="frozen")]
    schedule = Phased([Constant(LR), Constant(LR)], [0, STEPS], [1.0, PHASE2])
    model.compile(optimizer=optimizer(schedule), loss="mse", steps_per_execution=1)
    groups = layer_groups(model)
    multipliers = learning_rate_multipliers(groups, explicit={"backbone": BACKBONE_MULT})
    return model, FineTuning(model, groups, phases, STEPS, multipliers)


def _batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(16, 6)).astype("float32"), rng.normal(size=(16, 3)).astype("float32")


def _values(variables):
    return [np.array(v.numpy()) for v in variables]


def _gradients(model, x, y):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = keras.losses.mean_squared_error(y, model(x, training=True))
        loss = tf.reduce_mean(loss)
    return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]


def test_layer_groups_split_head_and_backbone_blocks_with_depths():
    model = _pretrained_like()
    groups = layer_groups(model)
    assert [(b.name, b.group, b.depth) for b in groups.blocks] == [
        ("head", "head", 0), ("block2", "backbone", 1), ("block1", "backbone", 2)]
    decay = learning_rate_multipliers(groups, layer_decay=0.5, explicit={"block1": 3.0})
    by_path = {v.path: decay[id(v)] for v in model.weights if id(v) in decay}
    assert by_path["head_output/kernel"] == 1.0
    assert by_path["backbone/block2_dense/kernel"] == 0.5
    assert by_path["backbone/block1_bn/gamma"] == 0.25 * 3.0


def test_frozen_phase_changes_no_backbone_weight_then_sgd_moves_it_at_the_multiplier():
    model, fine = _fine_tuning(lambda s: keras.optimizers.SGD(s, momentum=0.0))
    backbone = model.get_layer("backbone")
    x, y = _batch()
    fine.enter(0, 0)
    assert [v.path for v in model.trainable_variables] == ["head_output/kernel",
                                                           "head_output/bias"]
    frozen = _values(backbone.weights)  # kernels, gamma/beta and moving statistics
    head = _values(model.get_layer("head_output").weights)
    for _ in range(STEPS):
        model.train_on_batch(x, y)
    for before, after in zip(frozen, _values(backbone.weights)):
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(head[0], model.get_layer("head_output").kernel.numpy())

    fine.enter(1, 0)  # phase 2: everything but batch norm trains, at LR x0.5 (backbone x0.1)
    variables = model.trainable_variables
    assert {v.path for v in variables} == {
        "head_output/kernel", "head_output/bias", "backbone/block1_dense/kernel",
        "backbone/block1_dense/bias", "backbone/block2_dense/kernel",
        "backbone/block2_dense/bias"}
    moving = _values([backbone.get_layer("block1_bn").moving_mean,
                      backbone.get_layer("block2_bn").moving_variance])
    grads, before = _gradients(model, x, y), _values(variables)
    model.train_on_batch(x, y)
    for variable, grad, old in zip(variables, grads, before):
        mult = PHASE2 * (BACKBONE_MULT if variable.path.startswith("backbone") else 1.0)
        step = np.float32(np.float32(LR * PHASE2) * np.float32(mult / PHASE2)) * grad
        np.testing.assert_allclose(variable.numpy(), old - step, rtol=0,  # float32 rounding
                                   atol=2 * np.spacing(np.abs(old)).max(), err_msg=variable.path)
    for old, new in zip(moving, _values([backbone.get_layer("block1_bn").moving_mean,
                                         backbone.get_layer("block2_bn").moving_variance])):
        np.testing.assert_array_equal(old, new)  # frozen batch norm: statistics untouched


def test_adam_restarts_at_the_phase_so_its_first_update_is_lr_times_multiplier():
    model, fine = _fine_tuning(lambda s: keras.optimizers.Adam(s, epsilon=EPS))
    x, y = _batch(1)
    fine.enter(0, 0)
    for _ in range(STEPS):
        model.train_on_batch(x, y)
    fine.enter(1, 0)
    variables = model.trainable_variables
    grads, before = _gradients(model, x, y), _values(variables)
    model.train_on_batch(x, y)
    for variable, grad, old in zip(variables, grads, before):
        mult = PHASE2 * (BACKBONE_MULT if variable.path.startswith("backbone") else 1.0)
        # A fresh Keras Adam's first step (its epsilon sits outside the bias correction).
        expected = LR * mult * np.abs(grad) / (np.abs(grad) + EPS / np.sqrt(1 - 0.999))
        np.testing.assert_allclose(np.abs(variable.numpy() - old), expected, rtol=1e-4,
                                   atol=1e-9, err_msg=variable.path)


def test_adamw_decay_follows_the_multiplied_learning_rate():
    decay = 0.2
    model, fine = _fine_tuning(lambda s: keras.optimizers.AdamW(s, weight_decay=decay,
                                                                epsilon=EPS))
    fine.enter(1, 0)  # all trainable; a zero gradient leaves the decay alone
    model.optimizer.iterations.assign(STEPS)  # phase 2: LR x0.5
    variables = model.trainable_variables
    before = _values(variables)
    model.optimizer.apply([keras.ops.zeros_like(v) for v in variables], variables)
    for variable, old in zip(variables, before):
        mult = PHASE2 * (BACKBONE_MULT if variable.path.startswith("backbone") else 1.0)
        np.testing.assert_allclose(variable.numpy(), old * (1 - decay * LR * mult), rtol=1e-6,
                                   err_msg=variable.path)


# ------------------------------------------------------------------ end to end
RECIPE = {
    "name": "phases", "seed": 2, "deterministic": False,
    "data": {"source": "synthetic", "name": "classification",
             "synthetic": {"samples": 120, "features": 6, "classes": 3}, "batch_size": 14},
    "model": {"type": "mlp", "hidden": [12, 12], "normalization": "batch", "dropout": 0.2},
    "optimizer": {"name": "adamw", "learning_rate": 0.01, "layer_decay": 0.5},
    "schedule": {"name": "warmup_cosine", "warmup": {"steps": 2}},
    "training": {"verbose": 0, "recompute_batch_norm": False, "steps_per_execution": 1,
                 "phases": [
        {"epochs": 1, "train": "head"},
        {"epochs": 1, "train": {"last_blocks": 1}, "learning_rate_multiplier": 0.3,
         "batch_norm": "train", "warmup": {"fraction": 0.5}}]},
    "callbacks": {"tensorboard": False, "early_stopping": False,
                  "checkpoint": {"save_every_steps": 2}},
}


class _Kill(keras.callbacks.Callback):
    """Interrupts the run after global optimizer update `at` (before the state saver)."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) == self.at:
            raise KeyboardInterrupt(f"kill at {self.at}")


def _state(run_dir):
    with np.load(run_dir / "state.npz") as data:
        meta = json.loads(bytes(data["__meta__"]).decode())
        return meta, {k: data[k] for k in data.files if k != "__meta__"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """An uninterrupted run, and one killed inside phase 2 and resumed."""
    from keras_recipes.config.schema import Recipe
    from keras_recipes.training.trainer import train

    recipe = Recipe.model_validate(RECIPE)
    reference = tmp_path_factory.mktemp("reference")
    lines = []
    train(recipe, reference, echo=lines.append)
    resumed = tmp_path_factory.mktemp("resumed")
    with pytest.raises(KeyboardInterrupt):  # 6 updates per epoch: killed after update 9
        train(recipe, resumed, echo=lambda line: None, extra_callbacks=[_Kill(9)])
    killed = _state(resumed)[0]
    train(recipe, resumed, echo=lambda line: None, resume_from=resumed / "state.npz")
    return reference, resumed, lines, killed


@pytest.mark.slow
def test_a_run_killed_in_phase_two_resumes_bit_identical(runs):
    reference, resumed, _, killed = runs
    assert killed["position"] == {"epoch": 1, "step": 2}
    assert killed["callbacks"]["phases"] == {"version": 1, "phase": 1, "plan": [1, 1]}
    meta_a, arrays_a = _state(reference)
    meta_b, arrays_b = _state(resumed)
    assert meta_a["position"] == meta_b["position"] == {"epoch": 2, "step": 0}
    assert arrays_a.keys() == arrays_b.keys()
    for key in arrays_a:
        np.testing.assert_array_equal(arrays_a[key], arrays_b[key], err_msg=key)
    assert (json.loads((reference / "metrics.json").read_text())
            == json.loads((resumed / "metrics.json").read_text()))


def test_a_resume_at_the_phase_boundary_restarts_the_moments_like_the_uninterrupted_run():
    from keras_recipes.training import state as run_state

    def adam(schedule):
        return keras.optimizers.Adam(schedule, epsilon=EPS)

    x, y = _batch(2)
    model, fine = _fine_tuning(adam)
    fine.enter(0, 0)
    for _ in range(STEPS):
        model.train_on_batch(x, y)
    saved = run_state.capture(model, None, {"epoch": 1, "step": 0}, [fine.logger])
    fine.enter(1, 0)
    model.train_on_batch(x, y)
    again, fine_again = _fine_tuning(adam)  # a new process: restore, then enter phase 2
    run_state.restore(again, None, saved, [fine_again.logger])
    assert fine_again.logger.phase == 0
    fine_again.enter(1, 0)
    again.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(np.any(v.numpy()) for v in model.optimizer.variables[1:])


@pytest.mark.slow
def test_the_plan_history_and_frozen_parts_of_a_phased_run(runs):
    import csv

    reference, _, lines, _ = runs
    text = "\n".join(lines)
    assert ("phase 1: epochs 1-1 (updates 0-5), trains head: 39 trainable parameters "
            "(head 39/39, backbone 0/264)") in text
    assert "phase 2: epochs 2-2 (updates 6-11), trains last 1 blocks" in text
    assert "learning-rate multipliers: head x1, hidden1 x0.5, hidden0 x0.25" in text
    rows = list(csv.DictReader((reference / "history.csv").open()))
    assert [r["phase"] for r in rows] == ["1", "2"]
    assert float(rows[0]["lr_backbone"]) == 0.0
    assert float(rows[1]["lr_backbone"]) == pytest.approx(0.5 * float(rows[1]["lr_head"]))
    assert float(rows[1]["lr_backbone_first"]) == 0.0  # hidden0 stays frozen in phase 2
    assert "phase 1" in (reference / "summary.txt").read_text()


def test_the_package_batch_norm_passes_skip_batch_norm_a_phase_froze():
    import tensorflow as tf

    from keras_recipes.models.batch_norm import set_batch_norm_momentum
    from keras_recipes.training.batch_norm_stats import recompute_batch_norm

    model, fine = _fine_tuning(lambda s: keras.optimizers.SGD(s))
    fine.enter(1, 0)  # everything trains but batch norm (batch_norm: frozen)
    layers = [model.get_layer("backbone").get_layer(n) for n in ("block1_bn", "block2_bn")]
    before = _values([v for layer in layers for v in layer.weights])
    x, _ = _batch()
    report = recompute_batch_norm(model, tf.data.Dataset.from_tensor_slices(x).batch(8))
    assert report.layers == 0
    assert set_batch_norm_momentum(model, 0.5) == 0
    assert [layer.momentum for layer in layers] == [0.99, 0.99]
    for old, new in zip(before, _values([v for layer in layers for v in layer.weights])):
        np.testing.assert_array_equal(old, new)
