"""Device set-up that must happen before TensorFlow initializes its runtime."""

from __future__ import annotations

import os


def quiet_tensorflow_logs() -> None:
    """Hides TensorFlow's C++ info/warning lines unless the user set TF_CPP_MIN_LOG_LEVEL."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def split_cpu(count: int) -> None:
    """Splits the first CPU into `count` logical devices (a dev/test aid for strategies).

    Must run before TensorFlow initializes its devices; afterwards the split is
    only accepted if it already matches.

    Raises:
        RuntimeError: devices were initialized with a different layout.
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        have = len(tf.config.list_logical_devices("CPU"))
        if have != count:
            raise RuntimeError(
                f"distribute.virtual_cpus: {count} -> TensorFlow already initialized {have} "
                "CPU device(s) in this process; set it before anything else uses TensorFlow"
            ) from None
