"""keras_recipes: the training playbook as declarative recipes for Keras 3.

Importing the package is cheap: TensorFlow and Keras load only when a
subpackage that needs them (`schedules`, `callbacks`, `training`...) is used.
"""

__version__ = "0.1.0"

# Keras finds this package's serializable classes (schedules, ScaledSchedule, losses...)
# in any `.keras` file once it is imported: registered now if Keras is loaded, else
# right after `import keras` (importing keras_recipes alone does not load TensorFlow).
from keras_recipes.serving.registration import register_when_keras_loads as _register

_register()
