import subprocess
import sys

import pytest

from keras_recipes._lazy import lazy_exports
from tests.helpers import ROOT


def test_a_name_resolves_to_the_module_attribute_and_unknown_names_raise():
    getter = lazy_exports("pkg", {"dumps": "json"})
    import json

    assert getter("dumps") is json.dumps
    with pytest.raises(AttributeError, match="module 'pkg' has no attribute 'loads'"):
        getter("loads")


def test_light_modules_do_not_import_their_packages_heavy_exports():
    code = ("import sys\nimport keras_recipes.data.columns, keras_recipes.diagnostics.commands\n"
            "import keras_recipes.augment.preview, keras_recipes.tuning.command\n"
            "print(sorted(m for m in ('sklearn', 'keras_recipes.data.builder', "
            "'keras_recipes.config.schema', 'keras_recipes.augment.builder') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
    from keras_recipes.data import DataSpec
    from keras_recipes.data.spec import DataSpec as defined

    assert DataSpec is defined
