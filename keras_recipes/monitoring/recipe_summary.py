"""Once per run: the resolved recipe as text and its values as HParams."""

from __future__ import annotations

import keras
import yaml


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
