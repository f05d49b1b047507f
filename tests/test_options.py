"""The BRIEFS setting (plugins/briefs/options.py): read once, checked."""

from __future__ import annotations

import dataclasses

import pytest

from briefs.options import BriefsOptions


def test_no_setting_means_every_default():
    assert BriefsOptions.from_settings({}) == BriefsOptions()
    assert BriefsOptions.from_settings({"BRIEFS": {}}) == BriefsOptions(
        regions_file="regions.yml",
        authors_file="authors.yml",
        briefs_dir="briefs",
        related_count=3,
        show_drafts=False,
        cache=True,
        workers=None,
    )


def test_given_keys_replace_their_defaults_only():
    options = BriefsOptions.from_settings(
        {"BRIEFS": {"show_drafts": True, "workers": 1}}
    )
    assert options == dataclasses.replace(BriefsOptions(), show_drafts=True, workers=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.show_drafts = False


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"show_draft": True, "zzz": 1},
            "BRIEFS setting: unknown key(s) 'show_draft' (did you mean "
            "'show_drafts'?), 'zzz'",
        ),
        (
            {"related_count": "3"},
            "BRIEFS setting 'related_count': expected a whole number, 0 or more "
            "but received '3'",
        ),
        (
            {"related_count": True},
            "BRIEFS setting 'related_count': expected a whole number, 0 or more "
            "but received True",
        ),
        (
            {"cache": "no"},
            "BRIEFS setting 'cache': expected True or False but received 'no'",
        ),
        (
            {"workers": 0},
            "BRIEFS setting 'workers': expected None (one per core) or a whole "
            "number, 1 or more but received 0",
        ),
        (
            {"authors_file": ""},
            "BRIEFS setting 'authors_file': expected a file name under the "
            "content folder but received ''",
        ),
        (
            ["show_drafts"],
            "BRIEFS setting: expected a dict but received ['show_drafts']",
        ),
    ],
)
def test_a_wrong_setting_says_what_was_expected_and_received(given, message):
    with pytest.raises(ValueError) as failure:
        BriefsOptions.from_settings({"BRIEFS": given})
    assert str(failure.value) == message
