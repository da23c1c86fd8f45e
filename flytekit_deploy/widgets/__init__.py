"""The configurator: edits a DeploymentSpec in JupyterLab and shows everything derived from it, live.

Importing this package needs the ``[jupyter]`` extra (ipywidgets); nothing else in the kit imports it.
"""

from .configurator import Configurator

__all__ = ["Configurator"]
