"""Starting TensorFlow without its C++ start-up lines on the user's terminal.

Importing TensorFlow and initializing its devices prints lines from C++
before any Python logging setting applies (TF 2.21 ignores
`TF_CPP_MIN_LOG_LEVEL` for them): `All log messages before
absl::InitializeLog()...`, `oneDNN custom operations are on`, `Could not find
cuda drivers` and, on machines without a GPU, `failed call to cuInit: ...
UNKNOWN ERROR (303)`. None of them is actionable; they are kept out of the
terminal unless the user asks for them (`--debug`).
"""

from __future__ import annotations

import os
import sys
import tempfile

_captured: list[str] = []


def start_tensorflow(show_messages: bool = False) -> str:
    """Imports TensorFlow and initializes its physical devices, quietly.

    The process's standard error (file descriptor 2, where C++ writes) goes to
    a temporary file while TensorFlow imports and looks for devices, and is
    restored after. If the import fails, the captured lines are replayed, so
    a broken installation still explains itself. Logical devices are not
    initialized, so `distribute.virtual_cpus` can still split the CPU after.

    Example:
        >>> start_tensorflow()                 # before the first `import keras`
        >>> start_tensorflow(show_messages=True)   # `--debug`: everything shows

    Args:
        show_messages: import without capturing (what `--debug` does). Defaults
            to False.

    Returns:
        The captured start-up text ("" when nothing was captured, when
        messages were shown or when TensorFlow was already imported).
    """
    if show_messages or "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.config.list_physical_devices()
        return ""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()
        except BaseException:
            _restore(saved)
            sys.stderr.write(_read(sink))
            raise
        _restore(saved)
        text = _read(sink)
    _captured.append(text)
    return text


def startup_messages() -> str:
    """What `start_tensorflow` kept out of the terminal in this process."""
    return "".join(_captured)


def _restore(saved: int) -> None:
    sys.stderr.flush()
    os.dup2(saved, 2)
    os.close(saved)


def _read(sink) -> str:
    sink.flush()
    sink.seek(0)
    return sink.read().decode(errors="replace")
