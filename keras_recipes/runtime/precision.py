"""Mixed precision: the global Keras dtype policy."""

from __future__ import annotations


def set_precision(precision: str) -> None:
    """Sets the global dtype policy: float32, mixed_float16 or mixed_bfloat16.

    Under `mixed_float16`, `model.compile` wraps the optimizer in Keras'
    `LossScaleOptimizer` (dynamic loss scaling); built-in models keep their
    output layer in float32.
    """
    import keras

    keras.mixed_precision.set_dtype_policy(precision)


def resolve_precision(value: str, device: str,
                      capability: tuple[int, int] | None = None) -> tuple[str, str]:
    """`(policy, reason)` for `training.precision`; `auto` is decided by the hardware.

    | where | auto | why |
    |---|---|---|
    | TPU | `mixed_bfloat16` | the matrix units compute in bfloat16 |
    | GPU, compute capability >= 8.0 (A100, H100, L4, RTX 30xx/40xx) | `mixed_bfloat16` | bfloat16 tensor cores; float32's range, so no loss scaling |
    | older GPU (V100, T4) | `float32` | no bfloat16 units; `mixed_float16` is faster there but needs loss scaling: set it explicitly |
    | CPU | `float32` | no gain on CPU; results unchanged |

    Example:

    >>> resolve_precision("auto", "GPU", (8, 0))
    ('mixed_bfloat16', 'auto: GPU compute capability 8.0 has bfloat16 tensor cores')
    >>> resolve_precision("auto", "CPU")
    ('float32', 'auto: CPU, mixed precision gains nothing here')

    Args:
        value: `auto` or a Keras dtype policy name.
        device: `TPU`, `GPU` or `CPU` (`training.jit_policy.device_kind`).
        capability: the lowest compute capability among the GPUs (`gpu_capability`).
    """
    if value != "auto":
        return value, f"training.precision: {value}"
    if device == "TPU":
        return "mixed_bfloat16", "auto: TPU, bfloat16 matrix units"
    if device == "GPU":
        major, minor = capability or (0, 0)
        if (major, minor) >= (8, 0):
            return ("mixed_bfloat16",
                    f"auto: GPU compute capability {major}.{minor} has bfloat16 tensor cores")
        return ("float32", f"auto: GPU compute capability {major}.{minor} has no bfloat16 "
                "units (mixed_float16 would be faster; set it explicitly)")
    return "float32", "auto: CPU, mixed precision gains nothing here"


def gpu_capability() -> tuple[int, int] | None:
    """The lowest compute capability among the visible GPUs, or None without GPUs."""
    import tensorflow as tf

    capabilities = [tuple(tf.config.experimental.get_device_details(gpu).get(
        "compute_capability") or (0, 0)) for gpu in tf.config.list_physical_devices("GPU")]
    return min(capabilities) if capabilities else None
