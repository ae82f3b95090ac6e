"""The web UI and API: FastAPI, thin over the stages' functions (``create_app``)."""
