"""A callback that SIGKILLs its own process at optimizer step $KILL_AT_STEP (resume tests)."""

import os
import signal

import keras


class KillAtStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.at = int(os.environ.get("KILL_AT_STEP", "0"))

    def on_train_batch_end(self, batch, logs=None):
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        if self.at and step >= self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def kill_at_step():
    return KillAtStep()
