"""Saves a model to best.keras in a loop until killed (atomic-checkpoint test)."""

import sys

import keras

from keras_recipes.callbacks import save_model_atomic

model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(2048), keras.layers.Dense(256)])
model.compile("adam", "mse")
target = sys.argv[1]
save_model_atomic(model, target)
print("ready", flush=True)
step = 0
while True:
    step += 1
    model.layers[0].kernel.assign(model.layers[0].kernel + 1.0)
    save_model_atomic(model, target)
