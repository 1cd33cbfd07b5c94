"""Operating-system errors (full disk, read-only, permissions, long names) as one message.

Every file a run writes goes through a temporary file and a rename, so when
the disk is full or the folder read-only the previous version of each
artifact stays intact; what is left to say is what happened and what to do.

TensorFlow's own writers (TensorBoard event files, `tf.io`, `tf.summary`)
report the same failures as `tf.errors.OpError`s whose message ends in the
system's text (`/run/tensorboard/train; No space left on device`);
`os_error_of` turns those back into an `OSError` with the errno and the file.

Example:
    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "run/state.npz"))
    "'run/state.npz': no space left on the device -> free disk space, then resume ..."
"""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import Optional

_ADVICE = {
    errno.ENOSPC: ("no space left on the device", "free disk space, then continue with "
                   "`train --resume RUN_DIR` (earlier artifacts are intact)"),
    errno.EDQUOT: ("disk quota exceeded", "free space in your quota, then continue with "
                   "`train --resume RUN_DIR`"),
    errno.EROFS: ("read-only file system", "a writable --output or --run-dir"),
    errno.EACCES: ("permission denied", "a location you can write (--output or --run-dir)"),
    errno.EPERM: ("operation not permitted", "a location you can write (--output or --run-dir)"),
    errno.ENAMETOOLONG: ("file name too long", "a shorter recipe `name` or --run-dir"),
    errno.ENOENT: ("no such file or directory", "an existing path"),
    errno.ENOTDIR: ("a path component is not a directory", "a path through directories"),
    errno.EISDIR: ("is a directory", "a file path"),
}


def describe_os_error(err: OSError) -> str:
    """`'path': what happened -> what to do`, for any OSError."""
    what, advice = _ADVICE.get(err.errno, (err.strerror or str(err), "check the location "
                                           "and the disk, then retry"))
    where = err.filename if err.filename is not None else "a file of the run"
    return f"{str(where)!r}: {what} -> {advice}"


# OS errors TensorFlow's file system reports by the system's text (`path; <strerror>`).
_TF_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
              errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EIO,
              errno.EFBIG, errno.EMFILE)
_OP_CONTEXT = re.compile(r"^\{\{[^}]*\}\}\s*|\s*\[Op:[^\]]*\].*$", re.DOTALL)


def os_error_of(err: BaseException) -> Optional[OSError]:
    """The `OSError` inside a TensorFlow file-system error, or None for any other error.

    A `tf.errors.OpError` from a TensorFlow writer carries the file and the
    system's message (`<file>; No space left on device`, `<dir> is not a
    directory`); this recovers the errno and the file name so the failure is
    reported like any other OS error. TensorFlow is not imported here: an
    error can only be TensorFlow's if TensorFlow is loaded.

    Example:
        >>> import tensorflow as tf
        >>> os_error_of(tf.errors.UnknownError(None, None, "/r/tb/ev; No space left on device"))
        OSError(28, 'No space left on device')
    """
    if isinstance(err, OSError):
        return err
    tf_errors = getattr(sys.modules.get("tensorflow"), "errors", None)
    if tf_errors is None or not isinstance(err, tf_errors.OpError):
        return None
    text = _OP_CONTEXT.sub("", str(getattr(err, "message", None) or err)).strip()
    for code in _TF_ERRNOS:
        strerror = os.strerror(code)
        if text.endswith("; " + strerror):
            return OSError(code, strerror, _file_name(text[:-len(strerror) - 2]))
    if text.endswith(" is not a directory"):
        return OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                       _file_name(text[:-len(" is not a directory")]))
    return None


def _file_name(context: str) -> str:
    """The file in TensorFlow's context text (`Failed to create a directory: /a/b` -> `/a/b`)."""
    return context.rsplit(": ", 1)[-1].strip()
