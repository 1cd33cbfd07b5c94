"""TensorFlow Datasets by name (needs the data locally or the network)."""

from __future__ import annotations

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import UsageError


@SOURCES.register("tfds")
def load_tfds(config, seed: int) -> SourceData:
    """`tfds.load(data.name, split=...)` for `data.tfds_splits`, as supervised `(x, y)`.

    Tested offline with `tfds.testing.mock_data`; a real run downloads into
    `data.data_dir` (default ~/tensorflow_datasets) the first time.
    """
    import tensorflow_datasets as tfds

    splits = dict(config.tfds_splits)
    try:
        loaded, info = tfds.load(config.name, split=list(splits.values()), as_supervised=True,
                                 with_info=True, data_dir=config.data_dir,
                                 shuffle_files=False)
    except Exception as err:  # tfds raises many kinds: unknown name, no network...
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UsageError(f"data.name: {config.name!r} could not be loaded with tfds -> "
                         f"a dataset tfds can build here ({first})") from None
    datasets = dict(zip(splits.keys(), loaded))
    label = info.features[info.supervised_keys[1]] if info.supervised_keys else None
    names = getattr(label, "names", None)
    return SourceData(datasets=datasets,
                      task="classification" if names else None,
                      num_classes=len(names) if names else None,
                      class_names=tuple(names) if names else None)
