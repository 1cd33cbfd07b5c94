"""`optimizer.decay_exclude`: biases, normalization and (optionally) embeddings skip the
decoupled weight decay, classified by the layer that owns each variable."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.config import validate_dict
from keras_recipes.errors import RecipeError
from keras_recipes.optim import build_optimizer
from tests.helpers import ROOT, TINY

SEQUENCES = {
    "data": {"source": "synthetic", "name": "sequences", "batch_size": 16,
             "synthetic": {"samples": 64, "seq_len": 8, "vocab_size": 16, "classes": 3}},
    "model": {"type": "transformer", "d_model": 16, "num_heads": 2, "num_layers": 1,
              "ff_dim": 16, "hidden": []},
}


def _opt(**section):
    return validate_dict({"optimizer": section}).optimizer


def _tiny_model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,), dtype="int32")
    x = keras.layers.Embedding(10, 4, name="embed")(inputs)
    x = keras.layers.LayerNormalization(name="ln")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(5, name="dense")(x)
    return keras.Model(inputs, keras.layers.Dense(2, name="out")(x))


def test_schema_default_and_problems_name_the_key():
    assert _opt().decay_exclude == ["bias", "norm"]
    assert _opt(name="adamw", decay_exclude=[]).decay_exclude == []
    assert _opt(name="sgd", weight_decay=1e-4, decay_exclude=["embedding", "path:cls"]
                ).decay_exclude == ["embedding", "path:cls"]
    assert _opt(name="adam", decay_exclude=["bias", "norm"]).decay_exclude == ["bias", "norm"]
    with pytest.raises(RecipeError) as err:
        _opt(name="adamw", decay_exclude=["biases", "path:"])
    assert ("optimizer.decay_exclude: 'biases' -> one of 'bias', 'norm', 'embedding', "
            "'path:TEXT' (did you mean 'bias'?)") in str(err.value)
    assert "optimizer.decay_exclude: 'path:' -> one of" in str(err.value)
    for section in ({"name": "adam", "decay_exclude": []},
                    {"name": "adamw", "weight_decay": 0.0, "decay_exclude": ["embedding"]}):
        with pytest.raises(RecipeError, match=r"optimizer.decay_exclude: \[.*\] -> only used "
                                              r"with weight decay on \(here optimizer."
                                              r"weight_decay is (None|0.0) for name"):
            _opt(**section)


@pytest.mark.parametrize("name", ["sgd", "adamw"])
@pytest.mark.parametrize("exclude, kept", [
    (None, {"ln/gamma", "ln/beta", "dense/bias", "out/bias"}),
    ([], set()),
    (["embedding", "path:out/"], {"embed/embeddings", "out/kernel", "out/bias"}),
])
def test_excluded_variables_get_only_the_gradient_update(name, exclude, kept):
    """One step: every variable moves by the optimizer's own update (from a copy without
    decay), and the decayed ones also by -lr * wd * w."""
    lr, wd = 0.1, 0.5
    section = {"name": name, "weight_decay": wd, "learning_rate": lr}
    if exclude is not None:
        section["decay_exclude"] = exclude
    model = _tiny_model()
    optimizer = build_optimizer(_opt(**section), lr, model=model)
    # AdamW without decay is Adam: the same update, the gradient's share alone.
    plain = build_optimizer(_opt(name={"adamw": "adam"}.get(name, name), learning_rate=lr), lr)
    tokens = np.array([[1, 2, 3], [4, 5, 6]])
    variables = model.trainable_variables
    before = [v.numpy().copy() for v in variables]
    with tf.GradientTape() as tape:
        loss = keras.ops.sum(model(tokens) ** 2)
    grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, variables)]
    copies = [keras.Variable(w) for w in before]
    plain.apply_gradients(zip(grads, copies))
    optimizer.apply_gradients(zip(grads, variables))
    assert all(np.abs(g.numpy()).max() > 0 for g in grads)
    for v, w, only_gradient in zip(variables, before, copies):
        expected = only_gradient.numpy() - (0 if v.path in kept else lr * wd * w)
        np.testing.assert_allclose(v.numpy(), expected, rtol=1e-5, atol=1e-7, err_msg=v.path)
    decayed = {v.path for v in variables if optimizer._use_weight_decay(v)}
    assert decayed == {v.path for v in variables} - kept


def _prepared(recipe, precision="float32", distribute=None):
    from keras_recipes.training.trainer import prepare

    recipe = {**TINY, **recipe, "training": {**TINY["training"], "precision": precision}}
    if distribute:
        recipe["distribute"] = distribute
    return prepare(validate_dict(recipe), echo=lambda line: None)


def _decayed(optimizer, model):
    from keras_recipes.callbacks._optimizer_access import unwrap_optimizer

    inner = unwrap_optimizer(optimizer)
    return {v.path for v in model.trainable_variables if inner._use_weight_decay(v)}


def test_recipe_mlp_with_batch_norm_and_transformer_with_layer_norm():
    prepared = _prepared({"optimizer": {"name": "adamw"}})
    # batch norm: the hidden Dense has no bias; its gamma/beta and the output bias skip decay
    assert _decayed(prepared.model.optimizer, prepared.model) == {
        "hidden0_dense/kernel", "output_logits/kernel"}
    model = _prepared({**SEQUENCES, "optimizer": {"name": "adamw"}}).model
    kernels = {"block0_attention/query/kernel", "block0_attention/key/kernel",
               "block0_attention/value/kernel", "block0_attention/attention_output/kernel",
               "block0_ff1/kernel", "block0_ff2/kernel", "output_logits/kernel"}
    embeddings = {"embedding/embeddings", "positions/embeddings"}
    assert _decayed(model.optimizer, model) == kernels | embeddings
    model = _prepared({**SEQUENCES, "optimizer": {
        "name": "lion", "decay_exclude": ["bias", "norm", "embedding"]}}).model
    assert _decayed(model.optimizer, model) == kernels
    model = _prepared({**SEQUENCES, "optimizer": {"name": "adamw", "decay_exclude": []}}).model
    assert _decayed(model.optimizer, model) == {v.path for v in model.trainable_variables}


def zero_gradient_step(precision="float32", distribute=None, save_to=None) -> dict:
    """Prepares TINY with SGD + weight decay, takes one step on a loss with zero gradient
    and returns each variable's factor after/before, the LR, the decay and the optimizer."""
    recipe = {"optimizer": {"name": "sgd", "momentum": 0.0, "learning_rate": 0.1,
                            "weight_decay": 0.5}}
    prepared = _prepared(recipe, precision, distribute)
    model, strategy = prepared.model, prepared.strategy
    before = {v.path: v.numpy().copy() for v in model.trainable_variables}
    with strategy.scope():
        model.compile(optimizer=model.optimizer,
                      loss=lambda y, p: 0.0 * keras.ops.sum(p, axis=-1))
    batch = 4 * strategy.num_replicas_in_sync
    x = np.random.default_rng(0).normal(size=(batch, 8)).astype("float32")
    model.fit(x, np.zeros(batch, "int32"), batch_size=batch, epochs=1, verbose=0)
    ratios = {v.path: float(np.max(np.abs(v.numpy() / np.where(before[v.path] == 0, 1,
                                                                before[v.path]))))
              for v in model.trainable_variables if np.any(before[v.path])}
    if save_to:
        from keras_recipes.saving import load_model

        model.save(save_to)
        np.testing.assert_allclose(load_model(save_to, safe_mode=False).predict(x, verbose=0),
                                   model.predict(x, verbose=0), rtol=1e-6)
    from keras_recipes.callbacks._optimizer_access import unwrap_optimizer

    inner = unwrap_optimizer(model.optimizer)
    return {"ratios": ratios, "lr": float(inner.learning_rate), "wd": inner.weight_decay,
            "optimizer": type(model.optimizer).__name__,
            "replicas": strategy.num_replicas_in_sync}


def _check_zero_gradient_step(result, optimizer):
    assert result["optimizer"] == optimizer
    shrink = 1 - result["lr"] * result["wd"]
    assert 0 < shrink < 0.99
    # hidden0_norm/beta starts at zero: it stays there either way.
    assert set(result["ratios"]) == {"hidden0_dense/kernel", "hidden0_norm/gamma",
                                     "output_logits/kernel"}
    for path, ratio in result["ratios"].items():
        expected = shrink if path.endswith("kernel") else 1.0
        assert ratio == pytest.approx(expected, rel=1e-6), path


@pytest.mark.filterwarnings("ignore:The object being serialized includes a `lambda`")
@pytest.mark.parametrize("precision, optimizer", [("float32", "SGD"),
                                                  ("mixed_float16", "LossScaleOptimizer")])
def test_exclusion_holds_in_training_and_the_model_reloads(tmp_path, precision, optimizer):
    result = zero_gradient_step(precision, save_to=tmp_path / "model.keras")
    _check_zero_gradient_step(result, optimizer)


@pytest.mark.multiprocess
def test_exclusion_holds_under_mirrored_strategy():
    code = ("import json; from tests.optim.test_decay_exclude import zero_gradient_step as z; "
            "d = {'strategy': 'mirrored', 'virtual_cpus': 2}; "
            "print(json.dumps([z('float32', d), z('mixed_float16', d)]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    plain, mixed = json.loads(result.stdout.strip().splitlines()[-1])
    assert plain["replicas"] == mixed["replicas"] == 2
    _check_zero_gradient_step(plain, "SGD")
    _check_zero_gradient_step(mixed, "LossScaleOptimizer")



def test_unbuilt_model_warns_that_everything_decays():
    import warnings

    class Unbuilt(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.warns(UserWarning, match="optimizer.decay_exclude: the model has no variables"):
        build_optimizer(_opt(name="adamw", learning_rate=0.1), 0.1, model=Unbuilt())
    with warnings.catch_warnings():  # nothing to exempt: no warning
        warnings.simplefilter("error")
        build_optimizer(_opt(name="adamw", learning_rate=0.1, decay_exclude=[]), 0.1,
                        model=Unbuilt())
