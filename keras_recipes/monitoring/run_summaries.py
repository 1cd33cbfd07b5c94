"""Once per run: the resolved recipe as text, HParams, and a grid of sample inputs."""

from __future__ import annotations

import keras
import yaml

from keras_recipes.monitoring.figures import input_grid
from keras_recipes.monitoring.per_class_report import class_names_for
from keras_recipes.monitoring.predictions import class_labels, dataset_arrays


def flat_hparams(resolved: dict, prefix: str = "") -> dict:
    """Dotted paths to scalar values (lists become strings; `None` is left out).

    Example:

    >>> flat_hparams({"optimizer": {"name": "adam", "betas": [0.9, 0.99]}, "x": None})
    {'optimizer.name': 'adam', 'optimizer.betas': '[0.9, 0.99]'}
    """
    out = {}
    for key, value in resolved.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat_hparams(value, path + "."))
        elif isinstance(value, (bool, int, float, str)):
            out[path] = value
        elif value is not None:
            out[path] = str(value)
    return out


class RecipeSummary(keras.callbacks.Callback):
    """Writes the resolved recipe as text (`recipe`, Text tab) and its values as
    HParams (HParams tab, to compare runs) when training starts.

    Example:

    >>> RecipeSummary(SummaryDir(logdir), recipe.model_dump(mode="json"))  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        resolved: the resolved recipe as a dict.
        text: write the text. Defaults to `True`.
        hparams: write the HParams. Defaults to `True`.
    """

    def __init__(self, summaries, resolved: dict, text: bool = True, hparams: bool = True):
        super().__init__()
        self.summaries = summaries
        self.resolved = resolved
        self.text = text
        self.hparams = hparams
        self._written = False

    def on_train_begin(self, logs=None):
        if self._written:  # a run trained in several `fit` calls (resume, rollback)
            return
        self._written = True
        if self.text:
            body = yaml.safe_dump(self.resolved, sort_keys=False)
            # Indented four spaces: a code block in TensorBoard's Markdown.
            self.summaries.text("recipe", "\n".join("    " + line for line in body.splitlines()))
        if self.hparams:
            self.summaries.hparams(flat_hparams(self.resolved),
                                   trial_id=str(self.resolved.get("name", "run")))
        self.summaries.flush()


class SampleInputs(keras.callbacks.Callback):
    """Writes a grid of the first `count` training inputs with their labels
    (`sample_inputs`, Images tab) when training starts, so misaligned labels
    or broken preprocessing show up before the first epoch ends.

    Example:

    >>> SampleInputs(SummaryDir(logdir), train_ds, count=16)  # doctest: +SKIP

    Args:
        summaries: a `SummaryDir`.
        dataset: the batched training dataset (inputs as the model sees them).
        count: examples in the grid. Defaults to `16`.
        class_names: names for classification labels; `None` for regression.
    """

    def __init__(self, summaries, dataset, count: int = 16, class_names=None):
        super().__init__()
        self.summaries = summaries
        self.dataset = dataset
        self.count = count
        self.class_names = class_names
        self._written = False

    def on_train_begin(self, logs=None):
        if self._written:
            return
        self._written = True
        x, y = dataset_arrays(self.dataset, limit=self.count)
        if self.class_names is not None:
            names = class_names_for(len(self.class_names), self.class_names)
            captions = [names[i] if 0 <= i < len(names) else str(i) for i in class_labels(y)]
        else:
            captions = [", ".join(f"{v:.3g}" for v in row) for row in y.reshape(len(y), -1)]
        self.summaries.image("sample_inputs", input_grid(x, captions, "training inputs"), 0)
        self.summaries.flush()
