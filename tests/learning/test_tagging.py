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
    threshold = tagger.TaggerSettings.load().threshold
    assert all(threshold <= s.confidence <= 1.0 for s in result.suggestions), "a suggestion clears the threshold"
    assert result.passage_vectors.shape == (3, 384)


def test_the_cli_starts_without_importing_torch() -> None:
    code = (
        "import sys; import joinedup.cli.main; import joinedup.web.app; "
        "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cue_matrix_searching_passages_first_finds_what_searching_every_clause_finds() -> None:
    from joinedup.learning import taxonomy

    passages = [DOMESTIC_ABUSE, NEGLECT, HOME_EDUCATION, "The child was not brought to\nthe clinic (DNA)."]
    units, owner = tagger._units(passages)
    fast = tagger._cue_matrix(passages, units, owner)
    for t, theme_id in enumerate(taxonomy.theme_ids()):
        cues = taxonomy.tagging_cues(theme_id)
        assert [bool(v) for v in fast[:, t]] == [cues.search(u) for u in units], theme_id
    assert fast.sum() > 0


def test_the_tagger_reads_more_wordings_than_the_taxonomy_and_skips_look_alikes() -> None:
    """The tagger's cues add ways reviews word a finding; the keyword baseline stays the
    taxonomy's own cues, so the figure it is compared with is not moved by our additions."""
    from joinedup.learning import taxonomy

    said = "Domestic violence, parental mental ill-health and drug or alcohol misuse were present together."
    assert taxonomy.tagging_cues("parental_mental_health").search(said)
    assert not taxonomy.cue_pattern("parental_mental_health").search(said)
    assert "parental_mental_health" not in tagger.keyword_baseline(said)
    # A court's supervision order is not staff supervision, unless the text also says so.
    workload = taxonomy.tagging_cues("supervision_and_workload")
    assert not workload.search("She was returned home under a supervision order.")
    assert workload.search("She was returned home under a supervision order; caseloads were high.")
    assert taxonomy.cue_pattern("supervision_and_workload").search("She was returned home under a supervision order.")
    # Either apostrophe.
    assert taxonomy.tagging_cues("unknown_adult_males").search("the mother’s partner had moved into the flat")


def test_every_added_cue_belongs_to_a_theme_of_the_taxonomy() -> None:
    import json
    from importlib import resources

    from joinedup.learning import taxonomy

    raw = json.loads(resources.files("joinedup.learning").joinpath("data", "tagging_cues.json").read_text("utf-8"))
    assert set(raw["themes"]) <= set(taxonomy.theme_ids())
    for theme_id, extra in raw["themes"].items():
        assert set(extra) <= {"add", "not"}, theme_id
        assert all(isinstance(p, str) and p.strip() for p in extra["add"] + extra["not"]), theme_id


def test_the_calibrator_learns_that_stronger_evidence_and_commoner_themes_are_likelier() -> None:
    import numpy as np

    from joinedup.learning import evaluate as ev
    from joinedup.learning import taxonomy

    ids = taxonomy.theme_ids()

    def review(strong: set[str]) -> tagger.SentenceScores:
        similarity = np.full((2, len(ids)), 0.05, dtype=np.float32)
        for theme_id in strong:
            similarity[0, ids.index(theme_id)] = 0.9
        return tagger.SentenceScores([0, 0], similarity, np.zeros_like(similarity), np.zeros((2, 384), np.float32))

    gold = [frozenset({"neglect", "domestic_abuse"}), frozenset({"neglect"}), frozenset({"voice_of_the_child"})] * 3
    scores = [review(set(g)) for g in gold]
    settings = ev.fit_calibrator(gold, scores, c=1.0, threshold=0.5)
    assert settings.evidence_weight > 0 and set(settings.priors) == set(ids)
    assert settings.priors["neglect"] > settings.priors["voice_of_the_child"] > settings.priors["sexual_abuse"]
    assert tagger.calibrated(0.9, 0.0, settings) > tagger.calibrated(0.2, 0.0, settings)
    assert {s.theme_id for s in tagger.decide(review({"neglect"}), settings, 1)} == {"neglect"}


def test_the_cue_bonus_is_chosen_with_the_calibrator_and_used_when_deciding() -> None:
    """The cue bonus is one of the settings chosen on dev (it was a constant); the chosen value
    is the one ``decide`` applies, so a theme evidenced only by a cue phrase can be suggested."""
    import numpy as np

    from joinedup.learning import evaluate as ev
    from joinedup.learning import taxonomy

    ids = taxonomy.theme_ids()

    def review(cued: set[str]) -> tagger.SentenceScores:
        similarity = np.full((2, len(ids)), 0.1, dtype=np.float32)
        cue = np.zeros_like(similarity)
        for theme_id in cued:
            cue[0, ids.index(theme_id)] = 1.0
        return tagger.SentenceScores([0, 0], similarity, cue, np.zeros((2, 384), np.float32))

    gold = [frozenset({"neglect"}), frozenset({"domestic_abuse"}), frozenset({"neglect", "domestic_abuse"})] * 4
    settings = ev.choose_settings(gold, [review(set(g)) for g in gold])
    assert settings.cue_bonus in ev.GRID["cue_bonus"] and settings.threshold in ev.GRID["threshold"]
    assert {s.theme_id for s in tagger.decide(review({"neglect"}), settings, 1)} == {"neglect"}
    shipped = tagger.TaggerSettings.load()
    assert shipped.cue_bonus in ev.GRID["cue_bonus"] and shipped.threshold in ev.GRID["threshold"]


def test_the_shipped_settings_have_a_prior_for_every_theme() -> None:
    from joinedup.learning import taxonomy

    settings = tagger.TaggerSettings.load()
    assert set(settings.priors) == set(taxonomy.theme_ids())
    assert 0.0 < settings.threshold < 1.0 and settings.evidence_weight > 0


def test_the_shipped_settings_are_read_once_and_are_the_files() -> None:
    """Tagging and the review page share one reading of the package's settings."""
    first = tagger.shipped_settings()
    assert tagger.shipped_settings() is first
    assert first.as_json() == tagger.TaggerSettings.load().as_json()


def test_vectors_are_unit_length_float32_at_either_precision() -> None:
    import numpy as np

    from joinedup.learning import embedding

    vectors = embedding.encode(["The child was not seen alone.", "Bruising on a baby was not explained."])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedding.precision() in ("bfloat16", "float32")
