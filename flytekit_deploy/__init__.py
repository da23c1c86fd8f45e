"""flytekit-deploy: describe a Flyte v1 deployment once, get everything needed to install it."""

__version__ = "0.1.0"
FLYTE_CHART_VERSION = "v1.16.8"
