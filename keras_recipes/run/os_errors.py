"""Operating-system errors (full disk, read-only, permissions, long names) as one message.

Every file a run writes goes through a temporary file and a rename, so when
the disk is full or the folder read-only the previous version of each
artifact stays intact; what is left to say is what happened and what to do.

Example:
    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "run/state.npz"))
    "'run/state.npz': no space left on the device -> free disk space, then resume ..."
"""

from __future__ import annotations

import errno

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
