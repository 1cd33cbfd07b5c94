"""Streamed tables (`data.stream`): a CSV file read by `tf.data` every epoch, never held whole.

How a streamed CSV becomes training data, in bounded memory:

1. `table_scan.scan_csv` reads the file once in Python, row by row: column
   kinds, labels (one per row) and every error the in-memory reader reports,
   with its file line.
2. The split is the in-memory path's own (`splits.split_indices` over the
   labels: seeded, stratified), kept as one byte per row.
3. The statistics sample (the first `ADAPT_SAMPLE` rows of the shuffled
   training split, as in memory) is decoded by the same `tf.data` reader as
   training and fits the same `TablePreprocessor`: same means, standard
   deviations, vocabularies.
4. Every epoch, `tf.data.TextLineDataset` reads the file again, `tf.io.decode_csv`
   decodes batches of lines in parallel, and each split keeps its rows.

Memory: about 20 bytes per row (labels and split codes; about 100 more for a
moment while scikit-learn splits), the statistics sample and the shuffle
window, against about 22x the file size when the table is read whole.

Example:

>>> table = stream_table(Path("big.csv"), target="income", overrides={})  # doctest: +SKIP
>>> bundle = build_data(config, seed=0)  # doctest: +SKIP  (data.stream: true)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_recipes.data.columns import MISSING
from keras_recipes.data.table_scan import TableScan
from keras_recipes.errors import DataError

IN_MEMORY_FACTOR = 22
"""Resident memory of a table read whole over its file size (measured: a 20 MB, 300,000-row
census-like CSV took 454 MB in memory, 151 MB streamed, epoch included)."""

STREAM_SHUFFLE_WINDOW = 200_000
"""A streamed training split is shuffled within windows of this many rows (default of
`data.shuffle_buffer` when streaming)."""

READ_BATCH = 4096
"""Lines decoded per `tf.io.decode_csv` call."""

SAMPLE, TRAIN, VAL, TEST = 0, 1, 2, 3
"""Per-row split codes: `SAMPLE` rows are training rows that also fit the statistics."""


def resolve_stream(config, file: Path) -> bool:
    """`data.stream`: True/False as given; `auto` streams a file when reading it whole would
    take more than `cache.memory_budget()` (a quarter of RAM, at most 8 GiB): files over
    about 270 MB on a 24 GB machine.

    Example:

    >>> resolve_stream(types.SimpleNamespace(stream="auto"), Path("small.csv"))  # doctest: +SKIP
    False
    """
    value = getattr(config, "stream", False)
    if value in (True, False):
        return value
    from keras_recipes.data.cache import memory_budget

    return file.stat().st_size * IN_MEMORY_FACTOR > memory_budget()


def shuffle_rows(config, num_train: int) -> int:
    """The shuffle window of a streamed training split: `data.shuffle_buffer`, else
    `STREAM_SHUFFLE_WINDOW` rows (at most the split)."""
    return int(getattr(config, "shuffle_buffer", None) or max(1, min(num_train,
                                                                      STREAM_SHUFFLE_WINDOW)))


class StreamedTable:
    """A scanned CSV file, read by `tf.data`: raw columns by model-input name, labels given.

    Args:
        scan: the result of `scan_csv`.
        names: `{header: model input name}` of the columns the model reads.
    """

    def __init__(self, scan: TableScan, names: dict[str, str]):
        self.scan = scan
        self.names = names
        self.columns = sorted(scan.header.index(c) for c in names)

    @property
    def labels(self) -> np.ndarray:
        return self.scan.labels

    def _decode(self, lines):
        """A batch of CSV lines -> `{input name: raw column}` as the in-memory source
        gives them (numbers float32 with NaN for missing; strings stripped, "" missing)."""
        import tensorflow as tf

        cells = tf.io.decode_csv(lines, [""] * len(self.columns),
                                 field_delim=self.scan.delimiter, select_cols=self.columns)
        raw = {}
        for index, cell in zip(self.columns, cells):
            header = self.scan.header[index]
            stripped = tf.strings.strip(cell)
            lowered = tf.strings.lower(stripped)
            missing = tf.reduce_any(tf.equal(lowered[:, None], sorted(MISSING)), axis=1)
            if self.scan.kinds[header] == "numeric":
                number = tf.strings.to_number(tf.where(missing, "nan", stripped), tf.float64)
                raw[self.names[header]] = tf.cast(number, tf.float32)
            else:
                raw[self.names[header]] = tf.where(missing, "", stripped)
        return raw

    def batches(self, codes: np.ndarray, keep: tuple[int, ...], labels: np.ndarray,
                with_rows: bool = False, decode_all: bool = False):
        """Decoded batches of the rows whose split code is in `keep`: `(x, y)`, or
        `(x, y, row)` with the 0-based data-row index when `with_rows`; `decode_all`
        decodes the other rows too (to find rows TensorFlow's CSV parser refuses)."""
        import tensorflow as tf

        lines = tf.data.TextLineDataset(str(self.scan.file)).skip(1)
        if self.scan.blank_lines:
            lines = lines.filter(lambda line: tf.strings.length(tf.strings.strip(line)) > 0)
        chunks = -(-len(codes) // READ_BATCH)
        codes, labels = tf.constant(codes), tf.constant(labels)
        wanted = tf.constant(keep, tf.int8)

        def decode(line, chunk):
            start = chunk * READ_BATCH
            row = tf.range(start, start + tf.cast(tf.shape(line)[0], tf.int64))
            selected = tf.reduce_any(tf.equal(codes[start:start + READ_BATCH][:, None], wanted),
                                     axis=1)
            if decode_all:
                x = {k: tf.boolean_mask(v, selected) for k, v in self._decode(line).items()}
            else:
                x = self._decode(tf.boolean_mask(line, selected))
            out = (x, tf.boolean_mask(labels[start:start + READ_BATCH], selected))
            return out + (tf.boolean_mask(row, selected),) if with_rows else out

        parts = (lines.batch(READ_BATCH), tf.data.Dataset.range(chunks))
        return tf.data.Dataset.zip(parts).map(decode, num_parallel_calls=tf.data.AUTOTUNE,
                                              deterministic=True)

    def _refused_row(self, error) -> DataError:
        """The first line TensorFlow's CSV parser refuses (a quote inside an unquoted cell)."""
        import tensorflow as tf

        reason = str(getattr(error, "message", error)).split("\n")[0].split(": ", 1)[-1]
        with self.scan.file.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1 or '"' not in line:
                    continue
                try:
                    tf.io.decode_csv([line.rstrip("\r\n")], [""] * len(self.scan.header),
                                     field_delim=self.scan.delimiter)
                except tf.errors.InvalidArgumentError as refused:
                    reason = str(refused.message).split("\n")[0].split(": ", 1)[-1]
                    return DataError(f"{self.scan.file}: line {number}: {reason} -> quote a "
                                     "cell as a whole (\"...\", inner quotes doubled), or set "
                                     "data.stream: false to read the file with Python's csv "
                                     "module")
        return DataError(f"{self.scan.file}: {reason} -> a CSV file TensorFlow can parse, or "
                         "data.stream: false")

    def rows(self, codes: np.ndarray, keep: tuple[int, ...], labels: np.ndarray, count: int):
        """The `(x, y)` examples of a split (`count` of them) in file order, as `Chunks`
        (batches of decoded lines) that the pipelines rebatch."""
        from keras_recipes.data.pipeline import Chunks

        return Chunks(self.batches(codes, keep, labels), count)

    def fit_preprocessor(self, codes: np.ndarray, order: np.ndarray, text):
        """The `TablePreprocessor` of the in-memory path, fitted on the same `SAMPLE` rows
        in the same order (`text`: `TextOptions` of text columns)."""
        from keras_recipes.data.table_preprocessor import TablePreprocessor

        return TablePreprocessor(self.sample(codes, order), self.scan.kinds, text)

    def sample(self, codes: np.ndarray, order: np.ndarray) -> dict:
        """The `SAMPLE` rows decoded, as NumPy columns in `order`'s order (`order[row]`:
        the row's position in the shuffled training split)."""
        parts: dict[str, list] = {name: [] for name in self.names.values()}
        rows = []
        dummy = np.zeros(len(codes), np.int8)
        import tensorflow as tf

        batches = self.batches(codes, (SAMPLE,), dummy, with_rows=True,
                               decode_all=self.scan.quoted)
        try:
            for x, _, row in batches:
                for name, value in x.items():
                    parts[name].append(value.numpy())
                rows.append(row.numpy())
        except tf.errors.InvalidArgumentError as error:
            raise self._refused_row(error) from None
        rank = np.argsort(order[np.concatenate(rows)] if rows else np.zeros(0, int))
        sample = {}
        for name, values in parts.items():
            column = np.concatenate(values)[rank] if values else np.zeros(0)
            if column.dtype == object:
                column = np.strings.decode(column.astype(bytes), "utf-8")
            sample[name] = column
        return sample


def split_codes(num_rows: int, parts, sample_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row split codes (int8) and, for the sample rows, their training position.

    `parts` are the train/val/test row indices of `splits.split_indices` (the
    training rows in their shuffled order: its first `sample_size` fit the
    statistics, as `TablePreprocessor` takes them in memory).
    """
    train, val, test = parts
    codes = np.full(num_rows, TRAIN, np.int8)
    codes[val] = VAL
    codes[test] = TEST
    codes[train[:sample_size]] = SAMPLE
    order = np.zeros(num_rows, np.int32)
    order[train[:sample_size]] = np.arange(min(sample_size, len(train)), dtype=np.int32)
    return codes, order
