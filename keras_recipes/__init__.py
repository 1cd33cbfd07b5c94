"""keras_recipes: the training playbook as declarative recipes for Keras 3.

Importing the package is cheap: TensorFlow and Keras load only when a
subpackage that needs them (`schedules`, `callbacks`, `training`...) is used.
"""

__version__ = "0.1.0"
