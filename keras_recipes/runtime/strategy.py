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

    - `tpu`: TPUStrategy for `tpu` (name or grpc address); an unreachable TPU
      fails within about 10 s with a clear message instead of hanging.
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
        return tf.distribute.MirroredStrategy(devices, cross_device_ops=_cross_device_ops(devices))
    if config.strategy == "multi_worker":
        from keras_recipes.distributed import tf_config

        if tf_config() is None:
            raise UsageError("distribute.strategy: 'multi_worker' needs TF_CONFIG on every "
                             "worker -> set it, or run `python -m keras_recipes launch "
                             "--workers N RECIPE` to start N local workers")
        return tf.distribute.MultiWorkerMirroredStrategy()
    return _tpu_strategy(config.tpu)


def _cross_device_ops(devices):
    """Reductions through one device for replicas on CPUs (logical or not).

    Collective all-reduces between CPU replicas are matched by launch order, and
    the replicas launch batch norm's statistics and the gradients in different
    orders: synchronized batch norm then aborts with "Shape mismatch in the
    collective instance". Reducing through one device has no order to match
    (and costs nothing measurable at CPU sizes). GPUs keep TensorFlow's choice.
    """
    import tensorflow as tf

    if devices and all("CPU" in str(d).upper() for d in devices):
        return tf.distribute.ReductionToOneDevice()
    return None


_TPU_TIMEOUT_S = 10.0


def _tpu_strategy(tpu: str | None):
    """TPUStrategy, failing within ~10 s when the TPU cannot be reached.

    Plain TF hangs when it connects to an unreachable address, so a
    `grpc://host:port` address is probed with a plain socket first and a TPU
    name is resolved in a thread with a time limit.
    """
    import threading

    import tensorflow as tf

    if not tpu:
        raise UsageError("distribute.tpu: missing -> a TPU name or grpc://host:port "
                         "(required with strategy tpu)")
    if tpu.startswith("grpc://"):
        import socket

        host, _, port = tpu[len("grpc://"):].rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=_TPU_TIMEOUT_S):
                pass
        except (OSError, ValueError) as err:
            raise UsageError(f"distribute.tpu: {tpu!r} is not reachable ({err}) -> the "
                             "address of a running TPU worker") from None
    found: dict = {}

    def resolve():
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            found["resolver"] = resolver
        except Exception as err:  # TF raises many kinds here
            found["error"] = err

    thread = threading.Thread(target=resolve, daemon=True)
    thread.start()
    thread.join(_TPU_TIMEOUT_S)
    if "resolver" not in found:
        reason = found.get("error", f"no answer within {_TPU_TIMEOUT_S:.0f} s")
        raise UsageError(f"distribute.tpu: {tpu!r} could not be connected ({reason}) -> "
                         "a reachable TPU name or grpc://host:port")
    return tf.distribute.TPUStrategy(found["resolver"])
