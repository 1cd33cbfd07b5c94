"""`training.precision: auto`: bfloat16 where the hardware has it, float32 on CPU."""

from keras_recipes.runtime.precision import resolve_precision

CASES = [  # value, device, compute capability, policy
    ("auto", "CPU", None, "float32"),
    ("auto", "GPU", (8, 0), "mixed_bfloat16"),
    ("auto", "GPU", (9, 0), "mixed_bfloat16"),
    ("auto", "GPU", (7, 5), "float32"),
    ("auto", "TPU", None, "mixed_bfloat16"),
    ("mixed_float16", "CPU", None, "mixed_float16"),
    ("float32", "GPU", (9, 0), "float32"),
]


def test_resolve_precision():
    for value, device, capability, expected in CASES:
        policy, reason = resolve_precision(value, device, capability)
        assert policy == expected, (value, device, capability)
        assert reason.startswith("auto: " if value == "auto" else f"training.precision: {value}")


def test_the_default_is_auto_and_a_cpu_plan_says_float32():
    from keras_recipes.config.schema import TrainingConfig

    assert TrainingConfig().precision == "auto"
    assert resolve_precision("auto", "CPU") == (
        "float32", "auto: CPU, mixed precision gains nothing here")
    _, reason = resolve_precision("auto", "GPU", (7, 0))
    assert "7.0 has no bfloat16 units" in reason and "mixed_float16" in reason
