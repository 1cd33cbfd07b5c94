import pytest

from keras_recipes.errors import RegistryError
from keras_recipes.registry import Registry


def test_registry_register_get_and_errors():
    reg = Registry("widget")

    @reg.register("round")
    def make_round():
        return "o"

    assert reg.get("round") is make_round and "round" in reg and reg.names() == ["round"]
    with pytest.raises(RegistryError, match="already registered"):
        reg.register("round")(make_round)
    with pytest.raises(RegistryError, match=r"Unknown widget 'rund' \(did you mean 'round'\?\)"):
        reg.get("rund")
