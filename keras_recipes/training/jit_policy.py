"""`training.jit_compile`: XLA on or off, resolved per device and strategy with a reason.

Keras' own `jit_compile="auto"` turns XLA off under every `tf.distribute`
strategy and on CPU-only machines, silently. Here `auto` is decided by the
package and the plan prints the decision:

| where | auto | why |
|---|---|---|
| TPU | on | TPUs run XLA programs only |
| GPU (one or mirrored) | on | fused kernels; the train step is XLA-compatible |
| CPU only | off | compile time outweighs the gain for models this size |
| `deterministic: true` | off | TensorFlow's op determinism does not cover XLA |

`true` is honoured under every strategy (tested under MirroredStrategy on
logical CPUs); `false` is always off.

Example:

>>> resolve_jit("auto", "mirrored", "CPU", deterministic=False)
(False, 'auto: CPU only, compile time outweighs the gain for models this size')
"""

from __future__ import annotations


def device_kind() -> str:
    """`TPU`, `GPU` or `CPU`: the accelerators TensorFlow sees."""
    import tensorflow as tf

    for kind in ("TPU", "GPU"):
        if tf.config.list_logical_devices(kind):
            return kind
    return "CPU"


def resolve_jit(value, strategy: str, device: str, deterministic: bool) -> tuple[bool, str]:
    """`(jit_compile, reason)` for the recipe's `training.jit_compile` value.

    Args:
        value: `True`, `False` or `"auto"`.
        strategy: `distribute.strategy` (`default`, `mirrored`, ...).
        device: `TPU`, `GPU` or `CPU` (see `device_kind`).
        deterministic: the recipe's `deterministic` flag.
    """
    if value is True or value == "true":
        return True, "training.jit_compile: true"
    if value is False or value == "false":
        return False, "training.jit_compile: false"
    if strategy == "tpu" or device == "TPU":
        return True, "auto: TPUs run XLA programs only"
    if deterministic:
        return False, "auto: deterministic: true (op determinism does not cover XLA)"
    if device == "GPU":
        where = "mirrored GPUs" if strategy in ("mirrored", "multi_worker") else "GPU"
        return True, f"auto: {where}, fused XLA kernels"
    return False, "auto: CPU only, compile time outweighs the gain for models this size"
