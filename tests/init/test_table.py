"""`init` on tables: target, task, classes and column kinds inferred from the cells."""

import pytest

from keras_recipes.errors import UsageError
from keras_recipes.init.table import profile_table
from tests.init._data import write_census


def test_census_string_target_string_categoricals_and_an_identifier(tmp_path):
    census = write_census(tmp_path / "census.csv")
    profile = profile_table(census)
    assert profile.modality == "table" and profile.task == "classification"
    assert profile.source["source"] == "csv" and profile.source["target"] == "income"
    assert profile.classes == ["<=50K", ">50K"]
    assert sum(profile.class_counts.values()) == profile.examples == 120
    assert profile.source["columns"] == {
        "person_id": "ignore", "age": "numeric", "workclass": "categorical",
        "education": "categorical", "hours": "numeric", "remote": "categorical",
        "comment": "text"}
    gaps = sum(line.split(",")[2] == "" for line in census.read_text().splitlines()[1:])
    assert gaps > 0
    assert profile.notes["columns.workclass"] == f"{gaps} missing ({gaps / 120:.0%})"
    assert "columns.age" not in profile.notes
    assert any("'person_id' looks like an identifier" in c for c in profile.checks)
    assert any("free-text column(s) comment" in c for c in profile.checks)


def test_target_named_label_wins_over_the_last_column(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("label,x1,x2\n" + "".join(f"{i % 3},{i},{i * 0.5}\n" for i in range(30)))
    profile = profile_table(table)
    assert profile.source["target"] == "label" and profile.task == "classification"
    assert profile.classes == ["0", "1", "2"]
    assert profile.class_counts == {"0": 10, "1": 10, "2": 10}


def test_numeric_target_is_regression_and_task_can_be_forced(tmp_path):
    table = tmp_path / "houses.csv"
    table.write_text("rooms;area;price\n" + "".join(f"{i % 5};{50 + i};{1000 + 7.5 * i}\n"
                                                    for i in range(40)))
    profile = profile_table(table)
    assert profile.task == "regression" and profile.classes == []
    assert profile.source["columns"] == {"rooms": "categorical", "area": "numeric"}
    assert "range 1000 .. 1292.5" in profile.inferred[1]
    forced = profile_table(table, target="rooms")
    assert forced.task == "classification" and forced.classes == ["0", "1", "2", "3", "4"]
    with pytest.raises(UsageError, match="--task regression: target 'workclass' holds"):
        profile_table(write_census(tmp_path / "c.csv"), target="workclass", task="regression")


def test_unknown_target_and_unusable_targets_exit_with_one_message(tmp_path):
    census = write_census(tmp_path / "census.csv")
    with pytest.raises(UsageError, match=r"--target: 'incme' -> a column of census.csv: "
                       r"person_id, .*\(did you mean 'income'\?\)"):
        profile_table(census, target="incme")
    with pytest.raises(UsageError, match="target 'person_id' has 250 distinct values -> a "
                       "label column with at most 200 classes"):
        profile_table(_many_classes(tmp_path / "ids.csv"))
    one = tmp_path / "one.csv"
    one.write_text("x,y\n1,a\n2,a\n")
    with pytest.raises(UsageError, match="1 distinct value -> a label column with at least 2"):
        profile_table(one)


def test_rows_without_a_target_are_reported(tmp_path):
    table = tmp_path / "gaps.csv"
    table.write_text("x,y\n1,a\n2,\n3,b\n4,NA\n")
    profile = profile_table(table)
    assert profile.examples == 2
    assert profile.checks == ["2 rows have no 'y' value (first: line 3): training refuses "
                              "them; fill or drop them"]


def _many_classes(path):
    path.write_text("x,person_id\n" + "".join(f"{i},p{i}\n" for i in range(250)))
    return path


def test_wide_tables_list_only_the_columns_init_overrides(tmp_path, monkeypatch):
    from keras_recipes.init import table as table_module

    monkeypatch.setattr(table_module, "MAX_LISTED_COLUMNS", 2)
    census = write_census(tmp_path / "census.csv")
    assert profile_table(census).source["columns"] == {"person_id": "ignore"}
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b,c,y\n" + "".join(f"{i},{i * 2},{i % 7},{i % 2}\n" for i in range(30)))
    profile = profile_table(plain)
    assert "columns" not in profile.source
    assert "3 feature columns: `data.columns` lists only" in profile.inferred[-1]
