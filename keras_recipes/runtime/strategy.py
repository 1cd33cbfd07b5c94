"""tf.distribute strategies from the recipe's `distribute` section."""

from __future__ import annotations

from keras_recipes.errors import UsageError


def _device_list(devices, kind: str) -> list[str] | None:
    import tensorflow as tf

    if devices is None:
        return None
    if isinstance(devices, int):
        available = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        if devices > len(available):
            raise UsageError(f"distribute.devices: {devices} -> at most {len(available)} "
                             f"device(s) here ({', '.join(d.name for d in available)}); "
                             "set distribute.virtual_cpus to test on a CPU")
        return [d.name for d in available[:devices]]
    return list(devices)


def build_strategy(config):
    """Returns the `tf.distribute.Strategy` for `config.strategy`.

    - `default`: no distribution (one device);
    - `one_device`: the first of `devices` (or the first GPU, else the CPU);
    - `mirrored`: synchronous data parallelism over `devices` (default: every
      GPU, or every logical CPU when `virtual_cpus` is set).

    - `multi_worker`: MultiWorkerMirroredStrategy from `TF_CONFIG` (see the
      `launch` command for local workers).

    `tpu` is declared in the schema; this build refuses it with a clear
    message rather than hang.
    """
    import tensorflow as tf

    if config.strategy == "default":
        return tf.distribute.get_strategy()
    if config.strategy == "one_device":
        devices = _device_list(config.devices, "one_device")
        if not devices:
            gpus = tf.config.list_logical_devices("GPU")
            devices = [gpus[0].name if gpus else "/cpu:0"]
        return tf.distribute.OneDeviceStrategy(devices[0])
    if config.strategy == "mirrored":
        devices = _device_list(config.devices, "mirrored")
        if devices is None and not tf.config.list_logical_devices("GPU"):
            devices = [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    if config.strategy == "multi_worker":
        from keras_recipes.distributed import tf_config

        if tf_config() is None:
            raise UsageError("distribute.strategy: 'multi_worker' needs TF_CONFIG on every "
                             "worker -> set it, or run `python -m keras_recipes launch "
                             "--workers N RECIPE` to start N local workers")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise UsageError(f"distribute.strategy: {config.strategy!r} -> default, one_device, "
                     "mirrored or multi_worker in this version (tpu is not wired yet)")
