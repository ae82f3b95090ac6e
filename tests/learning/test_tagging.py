"""The tagger and the pieces under it, without a database: cleaning, passages, duplicates'
fingerprints, the keyword baseline, and the model's suggestions with their evidence."""

from __future__ import annotations

import subprocess
import sys

from joinedup.learning import fingerprint, tagger
from joinedup.learning.clean import clean_pages
from joinedup.learning.passages import MAX_WORDS, split_passages
from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT


def test_running_headers_footers_and_page_numbers_are_removed_and_hyphens_mended() -> None:
    bodies = [
        "The social worker saw the chil-\ndren in the kitchen.",
        "Nobody asked the\nschool nurse.",
        "The health visitor\nwas refused entry.",
        "Police attended\nthe address at night.",
        "The GP practice\nheld no record of the move.",
    ]
    pages = [f"Serious Case Review: Child Z\nOFFICIAL\n{body}\nPage {n} of 5\n" for n, body in enumerate(bodies, 1)]
    cleaned = clean_pages(pages)
    assert cleaned[0] == ["The social worker saw the children in the kitchen."]
    assert cleaned[4] == ["The GP practice held no record of the move."]
    assert clean_pages(["OFFICIAL\nA two-page review keeps its lines.", "OFFICIAL\nii"]) == [
        ["OFFICIAL A two-page review keeps its lines."],
        ["OFFICIAL"],
    ], "too few pages to tell furniture from text: only page numbers go"


def test_passages_stay_within_their_page_and_within_the_size_limit() -> None:
    long_page = " ".join([NEGLECT] * 6)
    found = split_passages(clean_pages([long_page, DOMESTIC_ABUSE]))
    assert {p.page for p in found} == {1, 2}
    assert all(len(p.text.split()) <= MAX_WORDS * 2 for p in found)
    assert [p.seq for p in found] == list(range(len(found)))
    assert found[-1].text == DOMESTIC_ABUSE


def test_fingerprints_tell_copies_editions_and_other_reviews_apart() -> None:
    text = f"{NEGLECT} {DOMESTIC_ABUSE} {HOME_EDUCATION}"
    assert fingerprint.content_hash(text) == fingerprint.content_hash(text.upper().replace(".", " ."))
    edition = text + " A paragraph added to the second edition of the report."
    assert fingerprint.resemblance(fingerprint.sketch(text), fingerprint.sketch(edition)) >= fingerprint.NEAR_DUPLICATE
    other = f"{HOME_EDUCATION} {DOMESTIC_ABUSE}"
    assert fingerprint.resemblance(fingerprint.sketch(text), fingerprint.sketch(other)) < fingerprint.NEAR_DUPLICATE


def test_keyword_baseline_matches_cue_phrases_only() -> None:
    assert "domestic_abuse" in tagger.keyword_baseline("A DASH risk assessment was completed.")
    assert "domestic_abuse" not in tagger.keyword_baseline("He was violent towards her in front of the children.")
    assert "was_not_brought" not in tagger.keyword_baseline("The dna sample was taken.")  # lower-case: not 'DNA'


def test_the_tagger_suggests_themes_with_evidence_from_the_passage_that_shows_them() -> None:
    passages = [DOMESTIC_ABUSE, NEGLECT, HOME_EDUCATION]
    result = tagger.tag_passages(passages)
    by_id = {s.theme_id: s for s in result.suggestions}
    assert {"domestic_abuse", "neglect", "education_not_in_school"} <= set(by_id)
    assert by_id["domestic_abuse"].evidence[0][0] == 0
    assert by_id["neglect"].evidence[0][0] == 1
    assert by_id["education_not_in_school"].evidence[0][0] == 2
    assert "sexual_abuse" not in by_id and "covid_pandemic" not in by_id
    assert all(0.5 <= s.confidence <= 1.0 for s in result.suggestions), "a suggestion clears the threshold"
    assert result.passage_vectors.shape == (3, 384)


def test_the_cli_starts_without_importing_torch() -> None:
    code = (
        "import sys; import joinedup.cli.main; import joinedup.web.app; "
        "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
