"""TensorFlow Datasets by name (needs the data locally or the network)."""

from __future__ import annotations

from keras_recipes.data.sources.base import SOURCES, SourceData
from keras_recipes.errors import UsageError


@SOURCES.register("tfds")
def load_tfds(config, seed: int) -> SourceData:
    """`tfds.load(data.name, split=...)` for `data.tfds_splits`, as supervised `(x, y)`.

    Tested offline with `tfds.testing.mock_data`. A run never downloads: the
    dataset must be prepared in `data.data_dir` (default ~/tensorflow_datasets)
    beforehand (`tfds build NAME`), else the run stops at once with that advice.
    """
    import tensorflow_datasets as tfds

    splits = dict(config.tfds_splits)
    try:
        # Never download during a run: offline, tfds would retry the network forever.
        loaded, info = tfds.load(config.name, split=list(splits.values()), as_supervised=True,
                                 with_info=True, data_dir=config.data_dir,
                                 shuffle_files=False, download=False)
    except AssertionError as err:  # tfds' "could not find data in DIR"
        where = config.data_dir or "~/tensorflow_datasets"
        raise UsageError(f"data.name: {config.name!r} is not prepared in {where} -> prepare it "
                         f"once where the network is reachable: `tfds build {config.name}` "
                         f"(runs never download) [{str(err).splitlines()[0][:120]}]") from None
    except Exception as err:  # tfds raises many kinds: unknown name, ...
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
