"""Profiles: valid names, clear errors, overrides."""

from __future__ import annotations

import pytest

from course_utils import profiles


def test_every_chapter_has_three_profiles_with_the_same_settings():
    for chapter in profiles.chapters():
        keys = {name: set(profiles.resolve(chapter, name)) for name in profiles.PROFILE_NAMES}
        assert keys["smoke"] == keys["book"] == keys["full"], chapter


@pytest.mark.parametrize("spelling", [1, "1", "01", "01_transfer_learning"])
def test_chapter_spellings(spelling):
    assert profiles.normalize_chapter(spelling) == "01"


def test_unknown_chapter_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown chapter '99'. Valid chapters: 01 \(Transfer"):
        profiles.resolve("99")


def test_unknown_profile_lists_valid_ones():
    with pytest.raises(ValueError, match="Valid profiles: smoke, book, full"):
        profiles.resolve("01", "huge")


def test_overrides_apply_and_typos_are_errors():
    cfg = profiles.resolve("01", "book", task_epochs=3)
    assert cfg["task_epochs"] == 3 and cfg["profile"] == "book"
    with pytest.raises(ValueError, match="Unknown setting.*task_epoch"):
        profiles.resolve("01", "book", task_epoch=3)


def test_settings_are_read_only():
    cfg = profiles.resolve("01")
    with pytest.raises(TypeError):
        cfg["seed"] = 1  # type: ignore[index]


def test_as_table_shows_every_setting():
    table = profiles.as_table(profiles.resolve("01", "smoke"))
    assert "pretrain_epochs" in table.index and table.loc["profile", "value"] == "'smoke'"


def test_notebooks_exist_for_every_chapter():
    from tests.conftest import ROOT

    for chapter in profiles.chapters():
        assert (ROOT / "notebooks" / profiles.notebook_name(chapter)).is_file()


def test_a_rehearsal_cut_to_one_seed_lets_the_runner_run_one():
    # The runner refuses a ranked comparison on fewer than min_seeds seeds.
    for chapter in profiles.chapters():
        full, cut = profiles.resolve(chapter, "full"), profiles.rehearsal_overrides(chapter)
        settings = {**full, **cut}
        if any(name.endswith("seeds") and isinstance(v, tuple) and len(v) == 1
               and len(full[name]) > 1 for name, v in cut.items()):
            assert settings.get("min_seeds", 1) == 1, chapter
