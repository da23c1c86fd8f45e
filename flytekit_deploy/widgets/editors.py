"""Editors: one per field, drawn from :mod:`.fields` metadata, each reading and writing plain (JSON-mode) data.

An editor knows its field path (so validation problems and findings can be shown under it), whether its field
applies right now (:mod:`.visibility`), and how to turn widget input into spec data and back. Composite editors
(nested models, lists of models, keyed models) hold child editors, so the whole spec is a tree of them.

This module is the one place the rest of the configurator imports editors from; they are written by concern in
:mod:`.editor_base` (the base class, field paths, messages, shared widget models), :mod:`.scalar_editors` (one
input per field), :mod:`.model_editor` (nested models and :func:`make_editor`) and :mod:`.collection_editors`
(lists and maps of models).
"""

from __future__ import annotations

from .collection_editors import ListEditor, MapEditor
from .editor_base import LABEL_WIDTH, Editor, Hooks, Message, join_path, path_class, render_messages
from .model_editor import Arrange, ModelEditor, make_editor
from .scalar_editors import NOT_SET, ScalarEditor

__all__ = [
    "LABEL_WIDTH",
    "NOT_SET",
    "Arrange",
    "Editor",
    "ScalarEditor",
    "ModelEditor",
    "ListEditor",
    "MapEditor",
    "make_editor",
    "join_path",
    "path_class",
    "render_messages",
    "Message",
    "Hooks",
]
