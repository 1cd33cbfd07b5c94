"""Reading `TF_CONFIG` without importing TensorFlow."""

from __future__ import annotations

import json
import os

from keras_recipes.errors import UsageError


def tf_config() -> dict | None:
    """The parsed `TF_CONFIG` environment variable, or None when unset."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        config = json.loads(raw)
        config["cluster"], config["task"]["type"], config["task"]["index"]
    except (ValueError, KeyError, TypeError):
        raise UsageError("TF_CONFIG: not valid -> JSON with 'cluster' and 'task': "
                         "{'type': ..., 'index': ...}") from None
    return config


def is_chief(config: dict | None = None) -> bool:
    """True for the task that writes the run directory: `chief`, or worker 0 without one."""
    config = tf_config() if config is None else config
    if not config:
        return True
    task = config["task"]
    if task["type"] == "chief":
        return True
    return task["type"] == "worker" and int(task["index"]) == 0 \
        and "chief" not in config["cluster"]
