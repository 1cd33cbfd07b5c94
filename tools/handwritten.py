"""The plain-Keras scripts a skilled user writes by hand for the shipped recipes.

Same model (layer for layer), optimizer, schedule, loss, batch size, epochs
and data split sizes as `recipes/quickstart.yaml`, `digits_cnn.yaml` and
`sequence_transformer.yaml`, trained with `model.fit` and Keras' defaults on
either NumPy arrays (`fit(x, y, batch_size=64, shuffle=True)`) or a
`tf.data` pipeline (`cache().shuffle().batch().prefetch(AUTOTUNE)`).
Used by `tools/bench_throughput.py`.

Example:

    result = run("quickstart", epochs=5, feed="tfdata", callbacks=[timer])
"""

from __future__ import annotations

import numpy as np

SEED = 42
BATCH = 64


def digits(images: bool):
    """Digits split 70/10/20 (stratified), standardized (MLP) or scaled to [0, 1] (CNN)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=SEED,
                                                      stratify=y)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.125,
                                                      random_state=SEED, stratify=y_rest)
    if images:
        peak = x_train.max()
        xs = [(a / peak).reshape(-1, 8, 8, 1).astype("float32") for a in (x_train, x_val, x_test)]
    else:
        mean, std = x_train.mean(0), x_train.std(0)
        std[std < 1e-8] = 1.0
        xs = [((a - mean) / std).astype("float32") for a in (x_train, x_val, x_test)]
    return list(zip(xs, (y_train, y_val, y_test)))


def sequences(samples: int = 2000, seq_len: int = 24, vocab_size: int = 32, classes: int = 4):
    """The recipe's generated token sequences (default 2000 x 24, 4 classes), split 70/10/20."""
    from types import SimpleNamespace

    from sklearn.model_selection import train_test_split

    from keras_recipes.data.sources.synthetic import load_synthetic

    config = SimpleNamespace(name="sequences", synthetic=SimpleNamespace(
        samples=samples, seq_len=seq_len, vocab_size=vocab_size, classes=classes))
    data = load_synthetic(config, SEED)
    x_rest, x_test, y_rest, y_test = train_test_split(data.x, data.y, test_size=0.2,
                                                      random_state=SEED, stratify=data.y)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.125,
                                                      random_state=SEED, stratify=y_rest)
    return [(x_train, y_train), (x_val, y_val), (x_test, y_test)]


def mlp():
    import keras

    layers = [keras.Input((64,))]
    for units in (256, 128):
        layers += [keras.layers.Dense(units, use_bias=False, kernel_initializer="he_normal"),
                   keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
                   keras.layers.Dropout(0.2)]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers)


def cnn():
    import keras

    layers = [keras.Input((8, 8, 1))]
    for filters in (32, 64):
        for _ in range(2):
            layers += [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False,
                                           kernel_initializer="he_normal"),
                       keras.layers.BatchNormalization(), keras.layers.Activation("relu")]
        layers.append(keras.layers.MaxPooling2D(2))
    layers += [keras.layers.Flatten(),
               keras.layers.Dense(128, use_bias=False, kernel_initializer="he_normal"),
               keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
               keras.layers.Dropout(0.3), keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers)


def transformer(seq_len: int = 24, vocab_size: int = 32, classes: int = 4):
    import keras

    class AddPositions(keras.layers.Layer):
        def build(self, input_shape):
            self.positions = self.add_weight(shape=tuple(input_shape[1:]),
                                             initializer="random_normal")

        def call(self, x):
            return x + self.positions

    inputs = keras.Input((seq_len,), dtype="int32")
    x = AddPositions()(keras.layers.Embedding(vocab_size, 64)(inputs))
    x = keras.layers.Dropout(0.1)(x)
    for _ in range(2):
        y = keras.layers.LayerNormalization()(x)
        y = keras.layers.MultiHeadAttention(4, 16, dropout=0.1)(y, y)
        x = x + keras.layers.Dropout(0.1)(y)
        y = keras.layers.LayerNormalization()(x)
        y = keras.layers.Dense(128, activation="relu", kernel_initializer="he_normal")(y)
        y = keras.layers.Dense(64)(keras.layers.Dropout(0.1)(y))
        x = x + y
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.LayerNormalization()(x))
    return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(x))


def resnet(filters=(16, 32, 64), blocks_per_stage: int = 1, classes: int = 10,
           shape=(32, 32, 3)):
    """A basic-block ResNet on raw 0-255 pixels: the recipe's `model.type: resnet`
    (stem conv, stages of residual blocks, stride 2 from the second stage, 1x1
    projection shortcuts, global average pooling, no dense head)."""
    import keras

    def conv_bn(x, filters, strides=1, relu=True):
        x = keras.layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False,
                                kernel_initializer="he_normal")(x)
        x = keras.layers.BatchNormalization()(x)
        return keras.layers.Activation("relu")(x) if relu else x

    inputs = keras.Input(shape)
    x = conv_bn(keras.layers.Rescaling(1.0 / 255)(inputs), filters[0])
    for stage, width in enumerate(filters):
        for block in range(blocks_per_stage):
            strides = 2 if stage > 0 and block == 0 else 1
            shortcut = x
            y = conv_bn(conv_bn(x, width, strides), width, relu=False)
            if strides != 1 or shortcut.shape[-1] != width:
                shortcut = keras.layers.Conv2D(width, 1, strides=strides, padding="same",
                                               use_bias=False,
                                               kernel_initializer="he_normal")(shortcut)
            x = keras.layers.Activation("relu")(keras.layers.Add()([shortcut, y]))
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(x))


def image_folder_datasets(root, image_size=(32, 32), cache: bool = True):
    """`root/{train,val,test}/<class>/*.png` as `tf.data` pipelines, the Keras way.

    `cache=True`: `image_dataset_from_directory` unbatched, then
    `cache().shuffle().batch().prefetch()` (decode once, reshuffle every
    epoch); `cache=False`: the keras.io tutorial pipeline,
    `image_dataset_from_directory(batch_size=64, shuffle=True).prefetch()`
    (decode every epoch, file order reshuffled every epoch). Returns the three
    pipelines and `{"num_train", "class_names"}`.
    """
    from pathlib import Path

    import keras
    import tensorflow as tf

    info = {}

    def split(name, train):
        kwargs = dict(image_size=tuple(image_size), label_mode="int", seed=SEED,
                      interpolation="bilinear", verbose=False)
        ds = keras.utils.image_dataset_from_directory(
            Path(root) / name, batch_size=None if cache else BATCH, shuffle=train and not cache,
            **kwargs)
        if train:
            info.update(num_train=len(ds.file_paths), class_names=ds.class_names)
        if not cache:
            return ds.prefetch(tf.data.AUTOTUNE)
        ds = ds.cache()
        if train:
            ds = ds.shuffle(info["num_train"], seed=SEED, reshuffle_each_iteration=True)
        return ds.batch(BATCH).prefetch(tf.data.AUTOTUNE)

    return split("train", True), split("val", False), split("test", False), info


def run_image_folder(root, epochs: int, filters=(16, 32, 64), blocks_per_stage: int = 1,
                     cache: bool = True, learning_rate: float = 2e-3, callbacks=()) -> dict:
    """The hand-written ResNet on an image folder with `train/`, `val/`, `test/` splits:
    AdamW, linear warmup over the first epoch then cosine, as the recipe."""
    import keras

    keras.utils.set_random_seed(SEED)
    train, val, test, info = image_folder_datasets(root, cache=cache)
    num_train, classes = info["num_train"], len(info["class_names"])
    steps = -(-num_train // BATCH)
    opt = keras.optimizers.AdamW(_warmup_cosine(learning_rate, steps * epochs, steps),
                                 weight_decay=0.01, epsilon=1e-8)
    opt.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    model = resnet(filters, blocks_per_stage, classes)
    model.compile(opt, keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    model.fit(train, epochs=epochs, validation_data=val, verbose=0, callbacks=list(callbacks))
    test_metrics = model.evaluate(test, verbose=0, return_dict=True)
    return {"test_accuracy": test_metrics["accuracy"], "num_train": num_train,
            "params": model.count_params()}


def _warmup_cosine(peak: float, total_steps: int, warmup_steps: int):
    """Linear warmup from peak/100, then cosine to 0 (Keras' CosineDecay with warmup)."""
    import keras

    return keras.optimizers.schedules.CosineDecay(
        peak / 100, decay_steps=max(1, total_steps - warmup_steps), alpha=0.0,
        warmup_target=peak, warmup_steps=warmup_steps)


JOBS = {
    # recipe: (data, model, optimizer(steps_per_epoch, epochs), label smoothing)
    "quickstart": (lambda: digits(False), mlp,
                   lambda spe, epochs: ("adam", 1e-3), 0.0),
    "digits_cnn": (lambda: digits(True), cnn,
                   lambda spe, epochs: ("adamw", _warmup_cosine(2e-3, spe * epochs, 2 * spe)), 0.1),
    "sequence_transformer": (sequences, transformer,
                             lambda spe, epochs: ("adamw", _warmup_cosine(
                                 1e-3, spe * epochs, round(0.05 * spe * epochs))), 0.0),
}


def run(recipe: str, epochs: int, feed: str, callbacks=(), steps_per_execution: int = 1) -> dict:
    """Trains the hand-written equivalent of `recipe`; returns test accuracy and sizes.

    `feed`: "numpy" (arrays into `fit`) or "tfdata" (a cached, shuffled,
    prefetched `tf.data` pipeline).
    """
    import keras

    load, build, optimizer, smoothing = JOBS[recipe]
    keras.utils.set_random_seed(SEED)
    (x, y), (xv, yv), (xt, yt) = load()
    classes = int(max(y.max(), yv.max(), yt.max())) + 1
    if smoothing:
        y, yv, yt = (keras.utils.to_categorical(a, classes) for a in (y, yv, yt))
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
    else:
        loss = keras.losses.SparseCategoricalCrossentropy()
    steps = -(-len(x) // BATCH)
    name, lr = optimizer(steps, epochs)
    opt = (keras.optimizers.Adam(lr, epsilon=1e-8) if name == "adam"
           else keras.optimizers.AdamW(lr, weight_decay=0.01, epsilon=1e-8))
    if name != "adam":  # no decay on biases and norm scales/offsets, as the recipe's default
        opt.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    model = build()
    model.compile(opt, loss, metrics=["accuracy"], steps_per_execution=steps_per_execution)
    if feed == "numpy":
        model.fit(x, y, batch_size=BATCH, epochs=epochs, validation_data=(xv, yv), shuffle=True,
                  verbose=0, callbacks=list(callbacks))
        test = model.evaluate(xt, yt, batch_size=BATCH, verbose=0, return_dict=True)
    else:
        import tensorflow as tf

        def pipe(a, b, train):
            ds = tf.data.Dataset.from_tensor_slices((a, b)).cache()
            if train:
                ds = ds.shuffle(len(a), seed=SEED, reshuffle_each_iteration=True)
            return ds.batch(BATCH).prefetch(tf.data.AUTOTUNE)

        model.fit(pipe(x, y, True), epochs=epochs, validation_data=pipe(xv, yv, False),
                  verbose=0, callbacks=list(callbacks))
        test = model.evaluate(pipe(xt, yt, False), verbose=0, return_dict=True)
    return {"test_accuracy": test["accuracy"], "num_train": len(x)}


def count_params(recipe: str) -> int:
    """Parameters of the hand-written model (to check it matches the recipe's)."""
    return JOBS[recipe][1]().count_params()
