"""Decides on which `on_train_batch_end` calls an every-N-steps logger logs.

Counting happens on the host, from the `batch` index Keras passes, so deciding
reads nothing from the device. With `steps_per_execution = S > 1` Keras calls
`on_train_batch_end` once per execution of S steps, passing the index of the
execution's last batch; a call logs when its execution contains a step whose
index is a multiple of N. The logged value is then that of the execution's
last step, and the interval between logs is at least S steps.
"""

from __future__ import annotations


class StepWindow:
    """Host-side step counter for an every-`every_n_steps` logger.

    Example:

    >>> window = StepWindow(every_n_steps=5)
    >>> window.begin_epoch()
    >>> [window.end_batch(b) for b in (1, 3, 5, 7, 9, 11)]  # steps_per_execution=2
    [True, False, True, False, False, True]

    Args:
        every_n_steps: Integer >= 1: log the steps `0, N, 2N, ...` (or the
            execution holding each of them).
    """

    def __init__(self, every_n_steps: int):
        self.every_n_steps = every_n_steps
        self.reset()

    def reset(self) -> None:
        """Back to step 0 (call at the start of training)."""
        self.steps_done = 0
        self._epoch_start = 0

    def begin_epoch(self) -> None:
        """Keras restarts the batch index at 0 every epoch."""
        self._epoch_start = self.steps_done

    def restore(self, steps_done: int) -> None:
        """Continues counting from `steps_done` steps (a resumed run, whose next epoch or
        rest of an epoch begins there): the same steps are logged as in an uninterrupted
        run."""
        self.steps_done = self._epoch_start = int(steps_done)

    def end_batch(self, batch: int) -> bool:
        """Records that batches up to index `batch` of this epoch ran; True to log."""
        before = self.steps_done
        self.steps_done = max(before, self._epoch_start + int(batch) + 1)
        n = self.every_n_steps
        return (self.steps_done - 1) // n > (before - 1) // n
