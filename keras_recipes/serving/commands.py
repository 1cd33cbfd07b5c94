"""The `predict` and `export` commands: argument parsing (no TensorFlow) and dispatch.

Example:

```
keras-recipes predict runs/digits/20261201-101500 images/ --top 3 --out predictions.csv
keras-recipes export runs/digits/20261201-101500 --format litert --out digits.tflite
```
"""

from __future__ import annotations

FORMATS = ("saved_model", "litert", "onnx")


def add_parsers(commands, add_debug) -> None:
    """Adds `predict` and `export` to the CLI's subcommands."""
    predict = commands.add_parser(
        "predict", help="predict new raw data with a finished run's model.keras: a CSV of "
        "class names and probabilities (or values)")
    predict.add_argument("run_dir", help="run directory written by `train` (or its model.keras)")
    predict.add_argument("input", help="CSV with the training columns (target optional), an "
                         "image file or folder, a text file (one example per line), or .npz")
    predict.add_argument("--out", metavar="FILE", help="CSV to write (default: standard output)")
    predict.add_argument("--top", type=int, metavar="K",
                         help="the K most probable classes per example (default: every "
                         "class's probability)")
    predict.add_argument("--batch-size", type=int, default=256,
                         help="examples per model call (default 256)")
    add_debug(predict)

    export = commands.add_parser(
        "export", help="export a finished run's model (raw inputs) to SavedModel, LiteRT or ONNX")
    export.add_argument("run_dir", help="run directory written by `train` (or its model.keras)")
    export.add_argument("--format", required=True, choices=FORMATS,
                        help="saved_model (a folder), litert (.tflite) or onnx (.onnx; needs "
                        "tf2onnx and onnx)")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="where to write (a new folder or file)")
    add_debug(export)


def cmd_predict(args) -> int:
    from keras_recipes.runtime import quiet_tensorflow_logs
    from keras_recipes.serving.predict import predict_run

    quiet_tensorflow_logs()
    result = predict_run(args.run_dir, args.input, args.out, args.top, args.batch_size)
    if result.out is not None:
        import sys

        print(f"predict: {result.written} prediction(s) written to {result.out}",
              file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from keras_recipes.runtime import quiet_tensorflow_logs
    from keras_recipes.serving.export import export_run, info_path

    quiet_tensorflow_logs()
    artifact = export_run(args.run_dir, args.format, args.out)
    print(f"export: {args.format} written to {artifact} (class names and inputs: "
          f"{info_path(args.format, artifact)})")
    return 0


COMMANDS = {"predict": cmd_predict, "export": cmd_export}
