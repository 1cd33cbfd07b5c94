import pytest

from keras_recipes.callbacks._step_window import StepWindow


def _logged(window, epochs, last_batches):
    """Steps done after each logging call, over `epochs` of executions ending at `last_batches`."""
    window.reset()
    done = []
    for _ in range(epochs):
        window.begin_epoch()
        for batch in last_batches:
            if window.end_batch(batch):
                done.append(window.steps_done)
    return done


@pytest.mark.parametrize("every, last_batches, expected", [
    (1, [0, 1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8]),    # every step
    (3, [0, 1, 2, 3], [1, 4, 7]),                     # steps 0, 3, 6
    (1, [3, 7, 9], [4, 8, 10, 14, 18, 20]),            # steps_per_execution 4, partial last
    (5, [1, 3, 5, 7, 9], [2, 6, 12, 16]),              # steps 0, 5 | 10, 15 (10 per epoch)
    (8, [3, 7, 9], [4, 10, 18]),                       # steps 0, 8 | 16
])
def test_logs_the_executions_holding_each_nth_step(every, last_batches, expected):
    assert _logged(StepWindow(every), 2, last_batches) == expected


def test_reset_starts_counting_again():
    window = StepWindow(4)
    assert _logged(window, 1, [0, 1, 2, 3, 4]) == [1, 5]
    assert _logged(window, 1, [0, 1, 2, 3, 4]) == [1, 5]
