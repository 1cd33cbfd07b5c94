"""Importing keras_recipes registers its serializable classes, without loading TensorFlow."""

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # fresh processes that import TensorFlow

PACKAGE = ROOT / "keras_recipes"


def _python(code: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})


def _registered_classes() -> list[str]:
    """Every class in the package decorated with `register_keras_serializable`."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    "register_keras_serializable" in ast.unparse(d) for d in node.decorator_list):
                names.append(node.name)
    return sorted(names)


def test_import_is_cheap_and_registers_every_class_once_keras_loads(tmp_path):
    """One fresh process: `import keras_recipes` loads no Keras; after `import keras` every
    registered class resolves, and a model compiled with the package's schedules (warmup
    cosine under the plateau wrapper) and loss reloads with plain `load_model`."""
    classes = _registered_classes()
    assert {"ScaledSchedule", "WarmupCosine", "RecipeModel", "PositionEmbedding"} <= set(classes)
    path = tmp_path / "user_model.keras"
    done = _python(f"""
        import json, sys
        import keras_recipes
        before = "keras" in sys.modules or "tensorflow" in sys.modules
        import keras, numpy as np
        found = {{n: keras.saving.get_registered_object("keras_recipes>" + n) is not None
                 for n in {classes!r}}}
        from keras_recipes.callbacks import plateau_scalable
        from keras_recipes.losses import ClassificationCrossentropy
        from keras_recipes.schedules import WarmupCosine
        inputs = keras.Input((3,))
        model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
        schedule = plateau_scalable(WarmupCosine(0.01, total_steps=10, warmup_steps=2))
        model.compile(keras.optimizers.Adam(schedule), ClassificationCrossentropy(0.1))
        model.fit(np.ones((4, 3)), np.array([0, 1, 0, 1]), epochs=1, verbose=0)
        model.save({str(path)!r})
        print(json.dumps({{"before": before, "found": found}}))
        """)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["before"] is False
    assert report["found"] == {name: True for name in classes}

    load = """
        import keras
        model = keras.saving.load_model({path!r})
        schedule = model.optimizer.get_config()["learning_rate"]["class_name"]
        print(schedule, type(model.loss).__name__)
        """
    fresh = _python("import keras_recipes\n" + textwrap.dedent(load.format(path=str(path))))
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert fresh.stdout.split() == ["ScaledSchedule", "ClassificationCrossentropy"]
    # Without importing keras_recipes Keras cannot find the classes: the test above can fail.
    plain = _python(load.format(path=str(path)))
    assert plain.returncode != 0 and "ScaledSchedule" in plain.stderr


def test_import_after_keras_registers_at_once():
    done = _python("""
        import keras
        import keras_recipes.errors
        print(keras.saving.get_registered_object("keras_recipes>OneCycle") is not None)
        """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["True"]


def test_a_module_that_imports_keras_itself_still_registers_everything():
    """`schedules/constant.py` imports Keras while `keras_recipes.schedules` is half
    initialized: registration waits for the outermost keras_recipes module (no warning,
    no circular import)."""
    done = _python("""
        import warnings
        warnings.simplefilter("error")
        import keras_recipes.schedules.one_cycle
        import keras
        print(all(keras.saving.get_registered_object("keras_recipes>" + n) is not None
                  for n in ("ScaledSchedule", "RecipeModel", "PositionEmbedding", "OneCycle")))
        """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["True"]
