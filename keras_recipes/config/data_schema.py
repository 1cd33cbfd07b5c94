"""The recipe's `data` section: one class per `data.source` (no TensorFlow import).

`DataBase` holds the keys every source shares (task, shape, batching, splits,
scaling, caching, augmentation); each source class adds its own keys. A new
source is a class here, registered with `@DATA_SOURCES.register`, plus its
loader registered under the same name in `keras_recipes/data/sources/`.
A key every source uses goes on `DataBase`.

Example:

>>> DATA_SOURCES.classes["sklearn"]().name
'digits'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from keras_recipes.config.augment_schema import AUGMENTS, modality_of, modality_problems
from keras_recipes.config.kinds import Kinds, KindSection
from keras_recipes.config.sections import FieldProblems, PythonRef, Section

DATA_SOURCES = Kinds("data", "source", default="sklearn")

SKLEARN_DATASETS = ("digits", "iris", "wine", "breast_cancer", "diabetes")
SYNTHETIC_KINDS = ("classification", "regression", "images", "sequences")


class DataBase(KindSection):
    """Where the examples come from, how they are split, scaled and batched."""

    source: str = Field("sklearn", description="Data source kind; selects the keys below.")
    task: Literal["auto", "classification", "regression"] = "auto"
    input_shape: Optional[list[int]] = Field(
        None, description="Reshape each example to this shape, e.g. [8, 8, 1] for digits images.")
    batch_size: int = Field(64, ge=1, description="Examples per replica per micro-batch.")
    val_split: float = Field(0.1, ge=0.0, lt=1.0, description="Fraction held out for validation.")
    test_split: float = Field(0.2, ge=0.0, lt=1.0, description="Fraction held out for test.")
    stratify: bool = Field(True, description="Stratify the splits by class (classification).")
    normalize: Literal["standard", "minmax", "scale", "none"] = Field(
        "standard", description="Feature scaling fitted on the training split only; "
        "`scale` divides by the training maximum (images).")
    shuffle_buffer: Optional[int] = Field(
        None, ge=1, description="Shuffle buffer; default: the whole training split.")
    cache: Union[bool, Literal["auto", "memory", "disk", "none"]] = Field(
        "auto", description="Where decoded examples stay between epochs: `memory`, `disk` "
        "(a temporary file), `none` (decode every epoch: bounded memory, streaming from "
        "files); `auto` caches in memory what fits a quarter of RAM, else streams.")
    prefetch: bool = True
    augment: list[AUGMENTS.union()] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Training-batch augmentations, applied in order "
        "(never to validation/test); see the augmentation classes.")

    # Sources that hand over arrays the pipeline splits by val_split/test_split.
    splits_arrays: ClassVar[bool] = True

    @model_validator(mode="after")
    def _check_shared(self) -> "DataBase":
        problems = []
        if self.splits_arrays and self.val_split + self.test_split >= 0.9:
            problems.append(("val_split", f"{self.val_split} + test_split {self.test_split} -> "
                                          "together below 0.9, so training keeps data"))
        problems += modality_problems(self.augment, modality_of(
            self.source, getattr(self, "name", None), self.input_shape))
        if problems:
            raise FieldProblems(problems)
        return self


@DATA_SOURCES.register
class SklearnData(DataBase):
    """A dataset bundled with scikit-learn (offline)."""

    source: Literal["sklearn"] = "sklearn"
    name: Literal[SKLEARN_DATASETS] = Field("digits", description="The sklearn dataset.")


@DATA_SOURCES.register
class NpzData(DataBase):
    """Arrays from an `.npz` file."""

    source: Literal["npz"] = "npz"
    path: str = Field(description="File path; relative to the recipe.")
    x_key: str = Field("x", description="Array holding the inputs.")
    y_key: str = Field("y", description="Array holding the labels.")


COLUMN_KINDS = ("numeric", "categorical", "text", "ignore")


@DATA_SOURCES.register
class CsvData(DataBase):
    """A table in a CSV file with a header row: columns typed from their cells."""

    source: Literal["csv"] = "csv"
    path: str = Field(description="File path; relative to the recipe.")
    target: Optional[str] = Field(
        None, description="Label column (default: the last); strings become class names.")
    columns: dict[str, Literal[COLUMN_KINDS]] = Field(
        default_factory=dict, description="Column kinds that override the guess from the "
        "cells: numeric, categorical, text or ignore.")
    max_tokens: int = Field(20_000, ge=3, description="Vocabulary size of text columns "
                            "(TF-IDF over the training split's words).")
    ngrams: int = Field(1, ge=1, le=3, description="Text columns: 2 adds word pairs.")
    stream: Union[bool, Literal["auto"]] = Field(
        "auto", description="Read the file with tf.data every epoch instead of holding it in "
        "memory (one scan types and labels it; statistics from the same training rows); "
        "`auto` streams a file whose in-memory copy (~22x its size) would exceed a quarter "
        "of RAM.")


@DATA_SOURCES.register
class ParquetData(CsvData):
    """A table in a Parquet file (needs pyarrow): columns typed like a CSV's."""

    source: Literal["parquet"] = "parquet"
    stream: Literal[False, "auto"] = Field(
        "auto", description="Parquet files are read into memory (`true` is for CSV only).")


@DATA_SOURCES.register
class ImageFolderData(DataBase):
    """Images in one subfolder per class (or train/, val/, test/ subfolders holding those)."""

    source: Literal["image_folder"] = "image_folder"
    path: str = Field(description="Folder path; relative to the recipe.")
    image_size: list[int] = Field(
        default_factory=lambda: [64, 64],
        description="[height, width] every image is resized to (raw 0-255 pixels at this "
        "size are the hand-back model's input).")
    color_mode: Literal["grayscale", "rgb", "rgba"] = Field(
        "rgb", description="Channels decoded: 1, 3 or 4.")

    @field_validator("image_size")
    @classmethod
    def _height_width(cls, value: list[int]) -> list[int]:
        if len(value) != 2 or not all(1 <= v <= 8192 for v in value):
            raise ValueError("[height, width], each 1 to 8192")
        return value


@DATA_SOURCES.register
class TextFolderData(DataBase):
    """Text files (.txt, UTF-8, one example each) in one subfolder per class."""

    source: Literal["text_folder"] = "text_folder"
    path: str = Field(description="Folder path; relative to the recipe.")
    max_tokens: int = Field(20_000, ge=3, description="Vocabulary size, from the training "
                            "split (ids 0 and 1: padding and out-of-vocabulary).")
    sequence_length: int = Field(200, ge=1, description="Tokens per example (token ids).")
    text_encoding: Literal["auto", "int", "tf_idf", "multi_hot", "count"] = Field(
        "auto", description="`int`: token ids (transformer); `tf_idf`, `multi_hot`, `count`: "
        "bag of words (mlp, linear); `auto`: int for a transformer, else tf_idf.")
    ngrams: int = Field(1, ge=1, le=3, description="Bag of words: 2 adds word pairs.")


@DATA_SOURCES.register
class TfdsData(DataBase):
    """A TensorFlow Datasets dataset (downloaded once into `data_dir`)."""

    source: Literal["tfds"] = "tfds"
    name: str = Field(description="TFDS dataset name, e.g. mnist.")
    tfds_splits: dict[Literal["train", "val", "test"], str] = Field(
        default_factory=lambda: {"train": "train[:90%]", "val": "train[90%:]", "test": "test"},
        description="Split strings for train/val/test.")
    data_dir: Optional[str] = Field(None, description="Data directory.")
    splits_arrays: ClassVar[bool] = False


class SyntheticConfig(Section):
    """Generated data (seeded by the recipe seed), for demos and tests."""

    samples: int = Field(2000, ge=10, description="Number of examples generated.")
    features: int = Field(20, ge=1, description="Features (classification/regression).")
    classes: int = Field(4, ge=2, description="Classes (classification, images, sequences).")
    image_size: int = Field(16, ge=4, description="Height and width of generated images.")
    channels: int = Field(1, ge=1, le=4, description="Channels of generated images.")
    seq_len: int = Field(32, ge=2, description="Length of generated token sequences.")
    vocab_size: int = Field(32, ge=4, description="Vocabulary of generated sequences.")
    noise: float = Field(0.1, ge=0.0, description="Label/feature noise level.")


@DATA_SOURCES.register
class SyntheticData(DataBase):
    """Generated data, for demos and tests."""

    source: Literal["synthetic"] = "synthetic"
    name: Literal[SYNTHETIC_KINDS] = Field(description="What to generate.")
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)


@DATA_SOURCES.register
class PythonData(DataBase):
    """Your own loader: `python: package.module:function` returning arrays or datasets."""

    source: Literal["python"] = "python"
    python: PythonRef = Field(
        description="`package.module:function` returning arrays or tf.data Datasets.")
    args: dict[str, Any] = Field(default_factory=dict,
                                 description="Keyword arguments for the function.")
    splits_arrays: ClassVar[bool] = False
