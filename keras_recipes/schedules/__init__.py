"""Learning-rate schedules: `keras.optimizers.schedules.LearningRateSchedule`s.

Each is registered for serialization under the `keras_recipes` package, so a
`.keras` model compiled with one reloads with its optimizer once this package
is imported. `SCHEDULES` maps recipe names to the classes.
"""

from keras_recipes.schedules.constant import Constant
from keras_recipes.schedules.one_cycle import OneCycle
from keras_recipes.schedules.phased import Phased
from keras_recipes.schedules.step_decay import StepDecay
from keras_recipes.schedules.warmup import Warmup
from keras_recipes.schedules.warmup_cosine import WarmupCosine
from keras_recipes.schedules.warmup_polynomial_decay import WarmupPolynomialDecay

SCHEDULES = {
    "constant": Constant,
    "step_decay": StepDecay,
    "warmup_cosine": WarmupCosine,
    "one_cycle": OneCycle,
    "warmup_polynomial": WarmupPolynomialDecay,
}

__all__ = [
    "SCHEDULES",
    "Constant",
    "OneCycle",
    "Phased",
    "StepDecay",
    "Warmup",
    "WarmupCosine",
    "WarmupPolynomialDecay",
]
