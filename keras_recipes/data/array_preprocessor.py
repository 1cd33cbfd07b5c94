"""Feature scaling of array inputs as a Keras layer, fitted on the training split only."""

from __future__ import annotations

import numpy as np

from keras_recipes.data.preprocessor import Preprocessor


class ArrayPreprocessor(Preprocessor):
    """`data.normalize` for array sources (sklearn, npz, synthetic, tfds, `python:`).

    The statistics come from the training examples given to the constructor
    and live in one Keras layer, so the hand-back model scales raw inputs itself:

    - `standard`: `keras.layers.Normalization(mean, variance)` per feature
      (a feature constant in training is divided by 1, not by ~0);
    - `minmax`: the same layer with mean = training minimum, variance =
      (maximum - minimum)^2, i.e. `(x - min) / (max - min)`;
    - `scale`: `keras.layers.Rescaling(1 / training maximum of |x|)` (images);
    - `none`: inputs pass unchanged.

    Example:

    >>> pre = ArrayPreprocessor(np.array([[0.0], [2.0]]), "standard")
    >>> np.asarray(pre(np.array([[2.0]], np.float32)))
    array([[1.]], dtype=float32)

    Args:
        x_train: training examples (or a bounded sample of them), shape `(n, ...)`.
        method: `standard`, `minmax`, `scale` or `none`.
        name: name of the raw model input. Defaults to `"x"`.
    """

    def __init__(self, x_train: np.ndarray, method: str, name: str = "x"):
        import keras

        self.shape = tuple(int(d) for d in x_train.shape[1:])
        self.method = method
        self.name = name
        x = np.asarray(x_train, np.float64)
        if method == "standard":
            std = x.std(axis=0)
            variance = np.where(std > 1e-8, std, 1.0) ** 2
            self.layer = keras.layers.Normalization(axis=self._axes(), mean=x.mean(axis=0),
                                                    variance=variance, name="normalize")
        elif method == "minmax":
            low = x.min(axis=0)
            span = x.max(axis=0) - low
            self.layer = keras.layers.Normalization(
                axis=self._axes(), mean=low, variance=np.where(span > 1e-8, span, 1.0) ** 2,
                name="normalize")
        elif method == "scale":
            peak = float(np.abs(x).max()) if x.size else 1.0
            self.layer = keras.layers.Rescaling(1.0 / (peak if peak > 0 else 1.0), name="rescale")
        elif method == "none":
            self.layer = None
        else:
            raise ValueError(f"Argument `method` must be one of standard, minmax, scale, none. "
                             f"Received: method={method!r}")
        if self.layer is not None:
            self.layer.build((None,) + self.shape)

    def _axes(self) -> tuple[int, ...]:
        """Every feature axis: one mean and variance per input value."""
        return tuple(range(1, len(self.shape) + 1))

    def raw_inputs(self):
        import keras

        return keras.Input(shape=self.shape, dtype="float32", name=self.name)

    def __call__(self, raw):
        import keras

        x = keras.ops.cast(raw, "float32")
        return x if self.layer is None else self.layer(x)
