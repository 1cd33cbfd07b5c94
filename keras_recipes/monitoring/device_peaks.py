"""Peak dense FLOP/s of accelerators, for model FLOPs utilization (MFU).

MFU = achieved model FLOP/s (`flops.train_flops` x examples/s) / the chips'
peak. Peaks are the vendors' dense figures (no structured sparsity), per chip,
for the precision the matrix units run in: `mixed_bfloat16` / `mixed_float16`
use the 16-bit tensor-core peak; `float32` uses the TF32 peak on GPUs where
TensorFlow enables TF32 (compute capability >= 8.0, TensorFlow's default),
else the plain FP32 peak. Sources, in docs/PERFORMANCE.md:

| device | bf16/fp16 TFLOP/s | TF32 | FP32 | source |
|---|---|---|---|---|
| H200 (SXM) | 989 | 494.5 | 67 | NVIDIA H200 datasheet |
| H100 SXM | 989.4 | 494.7 | 66.9 | NVIDIA H100 datasheet |
| H100 PCIe | 756.5 | 378 | 51.2 | NVIDIA H100 datasheet |
| A100 | 312 | 156 | 19.5 | NVIDIA A100 datasheet |
| L40S | 362.05 | 183 | 91.6 | NVIDIA L40S datasheet |
| L4 | 121 | 60 | 30.3 | NVIDIA L4 datasheet |
| A10 | 125 | 62.5 | 31.2 | NVIDIA A10 datasheet |
| RTX 4090 | 165.2 | 82.6 | 82.6 | NVIDIA Ada whitepaper (FP32 accumulate) |
| RTX 3090 | 71 | 35.6 | 35.6 | NVIDIA Ampere GA102 whitepaper (FP32 accumulate) |
| V100 | 125 (fp16) | - | 15.7 | NVIDIA V100 datasheet (SXM2) |
| T4 | 65 (fp16) | - | 8.1 | NVIDIA T4 datasheet |
| TPU v2 / v3 / v4 / v5e / v5p / v6e | 45 / 123 / 275 / 197 / 459 / 918 | - | - | Google Cloud TPU system architecture |

Example:

>>> peak_flops("NVIDIA A100-SXM4-40GB", "mixed_bfloat16")
312000000000000.0
>>> peak_flops("cpu", "float32") is None
True
"""

from __future__ import annotations

import os
from typing import Optional

# name fragment (matched in this order) -> (16-bit, TF32, FP32) TFLOP/s per chip
_GPUS = (
    ("H200", (989.0, 494.5, 67.0)),
    ("H100 PCIE", (756.5, 378.0, 51.2)),
    ("H100", (989.4, 494.7, 66.9)),
    ("A100", (312.0, 156.0, 19.5)),
    ("L40S", (362.05, 183.0, 91.6)),
    ("L4", (121.0, 60.0, 30.3)),
    ("A10G", (None, None, None)),  # AWS's A10 variant: no published dense figures here
    ("A10", (125.0, 62.5, 31.2)),
    ("4090", (165.2, 82.6, 82.6)),
    ("3090", (71.0, 35.6, 35.6)),
    ("V100", (125.0, None, 15.7)),
    ("T4", (65.0, None, 8.1)),
)
_TPUS = (("V6E", 918.0), ("V5P", 459.0), ("V5LITE", 197.0), ("V5E", 197.0), ("V4", 275.0),
         ("V3", 123.0), ("V2", 45.0))


def peak_flops(device_name: str, precision: str, tf32: bool = True) -> Optional[float]:
    """Peak dense FLOP/s of one chip named `device_name` at `precision`, or None (a CPU,
    an unknown device, or FP16 asked of a chip without it).

    Args:
        device_name: the GPU's name as TensorFlow reports it (`NVIDIA A100-SXM4-40GB`,
            `Tesla T4`), or `TPU <type>` (`TPU v4-8`, `TPU v5litepod-8`).
        precision: `float32`, `mixed_float16` or `mixed_bfloat16`.
        tf32: TensorFlow runs float32 matrix products in TF32 (its default on GPUs
            of compute capability >= 8.0).
    """
    name = device_name.upper()
    if "TPU" in name:
        kind = name.replace(" ", "").replace("TPU", "")
        return next((tflops * 1e12 for fragment, tflops in _TPUS if fragment in kind), None)
    for fragment, (half, tensor_float, single) in _GPUS:
        if fragment in name:
            if precision.startswith("mixed"):
                value = half
            else:
                value = tensor_float if tf32 and tensor_float is not None else single
            return None if value is None else value * 1e12
    return None


def local_peak_flops(precision: str) -> tuple[Optional[float], str]:
    """`(peak FLOP/s of this machine's accelerators, their name)`: the sum over the GPUs
    TensorFlow sees (or the TPU type in `TPU_ACCELERATOR_TYPE`); `(None, "CPU")` on a
    CPU-only machine or an unknown accelerator."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        total, name = 0.0, ""
        tf32 = tf.config.experimental.tensor_float_32_execution_enabled()
        for gpu in gpus:
            details = tf.config.experimental.get_device_details(gpu)
            name = details.get("device_name", "GPU")
            capability = details.get("compute_capability") or (0, 0)
            peak = peak_flops(name, precision, tf32=tf32 and tuple(capability) >= (8, 0))
            if peak is None:
                return None, name
            total += peak
        return total, f"{len(gpus)} x {name}"
    tpus = tf.config.list_logical_devices("TPU")
    if tpus:
        kind = os.environ.get("TPU_ACCELERATOR_TYPE") or os.environ.get("ACCELERATOR_TYPE", "")
        peak = peak_flops(f"TPU {kind}", precision) if kind else None
        return (None if peak is None else peak * len(tpus)), f"{len(tpus)} x TPU {kind}".strip()
    return None, "CPU"
