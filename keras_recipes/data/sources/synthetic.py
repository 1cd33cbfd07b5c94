"""Seeded generated data for demos and tests: tabular, images and token sequences."""

from __future__ import annotations

import numpy as np

from keras_recipes.data.sources.base import SOURCES, SourceData


@SOURCES.register("synthetic")
def load_synthetic(config, seed: int) -> SourceData:
    """Generates `data.name` in {classification, regression, images, sequences}.

    `images`: each class has a random template; examples are the template
    shifted by up to one pixel plus noise. `sequences`: token ids whose label is
    the marker token (1..classes) that occurs most often among random
    background tokens, a task attention with pooling solves.
    """
    s = config.synthetic
    rng = np.random.default_rng(seed)
    if config.name == "classification":
        from sklearn.datasets import make_classification

        informative = min(s.features, max(2, s.features // 2))
        x, y = make_classification(
            n_samples=s.samples, n_features=s.features, n_informative=informative,
            n_redundant=0, n_classes=s.classes, n_clusters_per_class=1, flip_y=s.noise,
            random_state=seed)
        return SourceData(x=x.astype(np.float32), y=y.astype(np.int32),
                          task="classification", num_classes=s.classes)
    if config.name == "regression":
        from sklearn.datasets import make_regression

        x, y = make_regression(n_samples=s.samples, n_features=s.features, noise=s.noise * 10,
                               random_state=seed)
        return SourceData(x=x.astype(np.float32), y=y.astype(np.float32), task="regression")
    if config.name == "images":
        return _images(s, rng)
    return _sequences(s, rng)


def _images(s, rng: np.random.Generator) -> SourceData:
    shape = (s.image_size, s.image_size, s.channels)
    templates = rng.uniform(0.0, 1.0, size=(s.classes,) + shape)
    y = rng.integers(0, s.classes, size=s.samples).astype(np.int32)
    x = templates[y]
    shifts = rng.integers(-1, 2, size=(s.samples, 2))
    for i, (dy, dx) in enumerate(shifts):
        x[i] = np.roll(x[i], (dy, dx), axis=(0, 1))
    x = x + rng.normal(0.0, s.noise, size=x.shape)
    return SourceData(x=np.clip(x, 0, 1).astype(np.float32), y=y, task="classification",
                      num_classes=s.classes)


def _sequences(s, rng: np.random.Generator) -> SourceData:
    background = np.arange(s.classes + 1, s.vocab_size)
    x = rng.choice(background, size=(s.samples, s.seq_len)).astype(np.int32)
    y = rng.integers(0, s.classes, size=s.samples).astype(np.int32)
    for i in range(s.samples):
        winner = int(rng.integers(3, max(4, s.seq_len // 4)))
        positions = rng.permutation(s.seq_len)
        x[i, positions[:winner]] = y[i] + 1
        used = winner
        for other in range(s.classes):
            if other == y[i]:
                continue
            count = int(rng.integers(0, winner))
            x[i, positions[used:used + count]] = other + 1
            used += count
    return SourceData(x=x, y=y, task="classification", num_classes=s.classes,
                      vocab_size=s.vocab_size)
