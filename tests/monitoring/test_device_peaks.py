"""Peak FLOP/s by device name and precision (the MFU denominator)."""

import pytest

from keras_recipes.monitoring.device_peaks import local_peak_flops, peak_flops

PEAKS = [  # name, precision, TF32 on, TFLOP/s (one test: each item pays the Keras teardown)
    ("NVIDIA H100 80GB HBM3", "mixed_bfloat16", True, 989.4),
    ("NVIDIA H100 PCIe", "mixed_float16", True, 756.5),
    ("NVIDIA A100-SXM4-40GB", "float32", True, 156.0),     # TF32: TensorFlow's default
    ("NVIDIA A100-SXM4-40GB", "float32", False, 19.5),
    ("NVIDIA L40S", "mixed_bfloat16", True, 362.05),
    ("NVIDIA L4", "mixed_bfloat16", True, 121.0),
    ("Tesla V100-SXM2-16GB", "float32", True, 15.7),        # no TF32 before Ampere
    ("Tesla T4", "mixed_float16", True, 65.0),
    ("TPU v4-8", "mixed_bfloat16", True, 275.0),
    ("TPU v5litepod-8", "mixed_bfloat16", True, 197.0),
]


def test_peak_flops_by_name_and_precision():
    for name, precision, tf32, tflops in PEAKS:
        assert peak_flops(name, precision, tf32=tf32) == pytest.approx(tflops * 1e12), name


def test_unknown_devices_and_this_cpu_machine_have_no_peak():
    for name in ("NVIDIA A10G", "NVIDIA Quadro P1000", "cpu"):
        assert peak_flops(name, "mixed_bfloat16") is None, name
    assert local_peak_flops("float32") == (None, "CPU")
