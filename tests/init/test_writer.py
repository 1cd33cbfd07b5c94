"""The recipe text `init` writes: valid YAML, values as given, a comment beside choices."""

import yaml

from keras_recipes.init.writer import Block, render_recipe


def test_rendered_recipe_reads_back_to_the_values_with_comments_kept():
    sections = [
        ("data", [("source", "csv", ""), ("path", "my data/census.csv", "relative"),
                  ("columns", Block([("age", "numeric", "3 missing (1%)"),
                                     ("yes", "categorical", ""), ("a: b", "text", "")]),
                   "kinds")]),
        ("optimizer", [("learning_rate", 1e-3, "peak")]),
        ("callbacks", [("early_stopping", {"monitor": "val_loss", "patience": 10}, "")]),
    ]
    text = render_recipe("census", "Income: <=50K or >50K?", sections,
                         header=["inferred: 2 classes", ""])
    assert text.startswith("# inferred: 2 classes\n#\nname: census\n")
    assert yaml.safe_load(text) == {
        "name": "census", "description": "Income: <=50K or >50K?", "seed": 42,
        "data": {"source": "csv", "path": "my data/census.csv",
                 "columns": {"age": "numeric", "yes": "categorical", "a: b": "text"}},
        "optimizer": {"learning_rate": 1e-3},
        "callbacks": {"early_stopping": {"monitor": "val_loss", "patience": 10}}}
    assert "    age: numeric" in text and "# 3 missing (1%)" in text
    assert "  columns:" in text and "# kinds" in text
