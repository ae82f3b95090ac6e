"""Which model matching uses: the deployment's newest active trained model, else the default."""

from __future__ import annotations

from sqlalchemy import Connection

from joinedup.identity.model import TrainedModel, default_model
from joinedup.storage import identity_models_repo


def active_model(conn: Connection) -> TrainedModel:
    stored = identity_models_repo.active(conn)
    if stored is None:
        return default_model()
    version, settings = stored
    return TrainedModel(version=version, settings=settings)


def save_model(conn: Connection, model: TrainedModel, *, activate: bool = True) -> None:
    trained_on = int(model.settings.get("joinedup_trained_on", 0))
    identity_models_repo.save(conn, model.version, model.settings, trained_on, activate=activate)
