"""Problems with a product file, worded once in Vietnamese and English."""

from __future__ import annotations

import string

from brandmap.catalog.problems import MESSAGES, Problem


def test_problem_format_in_both_languages():
    problem = Problem.of("bad_stars", 7, "ocop_stars", value="6")
    assert problem.format("en") == "row 7, column ocop_stars: stars must be 3, 4 or 5 (got 6)"
    assert problem.format("vi").startswith("dòng 7, cột ocop_stars: ")


def test_every_message_has_both_languages_and_the_same_placeholders():
    for code, (vi, en) in MESSAGES.items():
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert vi and en and fields_vi == fields_en, code
