"""From a finished run to predictions: the hand-back model, `predict` and `export`.

A run's `model.keras` takes raw inputs (the preprocessing fitted on the
training split is inside it), returns probabilities or values in the target's
units, and holds built-in Keras classes only, so plain
`keras.saving.load_model` reads it where keras_recipes is not installed.
`serving.json` beside it names the task, the class names and the raw inputs.

Modules (each imports Keras only when called):

- `handback`: builds and writes the hand-back model (`write_handback`);
- `plain_keras`: unwraps the training model and finds non-Keras classes;
- `run_info`: `serving.json` (task, class names, raw inputs);
- `inputs`: reads CSV, images, text and `.npz` into the model's raw inputs;
- `predict`: `predict RUN_DIR INPUT` -> a CSV of classes and probabilities;
- `export`: `export RUN_DIR --format saved_model | litert | onnx`;
- `target_units`: regression metrics in the target's units (standardized targets);
- `commands`: the `predict` / `export` arguments (no TensorFlow import);
- `registration`: registers keras_recipes' serializable classes once Keras loads.

Example:

```python
import keras

model = keras.saving.load_model("runs/digits/20261201-101500/model.keras")
probabilities = model.predict(raw_inputs)
```
"""
