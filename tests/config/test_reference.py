from keras_recipes.config.reference import BEGIN, END, recipe_reference_markdown
from tests.helpers import ROOT


def test_docs_recipe_reference_is_up_to_date():
    text = (ROOT / "docs" / "REFERENCE.md").read_text()
    block = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    assert block.strip() == recipe_reference_markdown().strip(), \
        "docs/REFERENCE.md is stale: run `python tools/update_reference.py`"


def test_reference_lists_every_key_of_every_section():
    text = recipe_reference_markdown()
    for key in ("batch_size", "learning_rate", "gradient_accumulation", "precision",
                "strategy", "virtual_cpus", "label_smoothing", "global_clipnorm"):
        assert f"| `{key}` |" in text
