"""Raw text -> token ids or TF-IDF vectors with `TextVectorization` adapted on training text."""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_recipes.data.preprocessor import Preprocessor

ADAPT_SAMPLE = 100_000
"""At most this many training examples are read to fit vocabularies and statistics
(the first ones of the seeded, shuffled training split)."""


@dataclasses.dataclass(frozen=True)
class TextOptions:
    """How text becomes network inputs.

    Attributes:
        max_tokens: vocabulary size, including padding (id 0) and OOV (id 1)
            in `int` mode. Defaults to 20,000.
        sequence_length: tokens per example in `int` mode (padded/truncated).
            Defaults to 200.
        encoding: `int` (token ids, for the transformer), `tf_idf`,
            `multi_hot` or `count` (bag of words, for mlp/linear).
        ngrams: 1 for words, 2 adds word pairs (bag-of-words modes).
    """

    max_tokens: int = 20_000
    sequence_length: int = 200
    encoding: str = "tf_idf"
    ngrams: int = 1

    @property
    def is_tokens(self) -> bool:
        return self.encoding == "int"


def text_options(config, model_type: str | None) -> TextOptions:
    """The recipe's text keys; `data.text_encoding: auto` picks `int` for sequence
    models (transformer) and `tf_idf` for the others."""
    encoding = getattr(config, "text_encoding", "auto") or "auto"
    if encoding == "auto":
        encoding = "int" if model_type == "transformer" else "tf_idf"
    defaults = TextOptions()
    return TextOptions(max_tokens=getattr(config, "max_tokens", None) or defaults.max_tokens,
                       sequence_length=(getattr(config, "sequence_length", None)
                                        or defaults.sequence_length),
                       encoding=encoding, ngrams=getattr(config, "ngrams", None) or 1)


def text_vectorization(texts: np.ndarray, options: TextOptions, name: str):
    """A `keras.layers.TextVectorization` adapted on (at most `ADAPT_SAMPLE` of) `texts`."""
    import keras
    import tensorflow as tf

    int_mode = options.is_tokens
    layer = keras.layers.TextVectorization(
        max_tokens=options.max_tokens, output_mode=options.encoding,
        output_sequence_length=options.sequence_length if int_mode else None,
        ngrams=None if int_mode or options.ngrams == 1 else options.ngrams, name=name)
    sample = np.asarray(texts[:ADAPT_SAMPLE]).astype(str)
    layer.adapt(tf.data.Dataset.from_tensor_slices(sample).batch(1024))
    return layer


class TextPreprocessor(Preprocessor):
    """One raw string per example (input `"text"`) -> token ids or a bag-of-words vector.

    Example:

    >>> pre = TextPreprocessor(np.array(["a good film", "a bad film"]), TextOptions())
    >>> pre(np.array(["good film"])).shape
    TensorShape([1, 5])

    Args:
        train_texts: the training split's texts (vocabulary and IDF come from them).
        options: a `TextOptions`.
    """

    def __init__(self, train_texts: np.ndarray, options: TextOptions):
        self.options = options
        self.layer = text_vectorization(train_texts, options, "text_vectorization")

    @property
    def vocab_size(self) -> int:
        return int(self.layer.vocabulary_size())

    def raw_inputs(self):
        import keras

        return keras.Input(shape=(), dtype="string", name="text")

    def __call__(self, raw):
        return self.layer(raw)
