"""Nothing lost: every valid spec is written next to the notebook, and a new configurator starts from it.

Writes go through :func:`~flytekit_deploy.fileio.atomic_write_text`, so a failed write (disk full, permissions)
leaves the previous autosave as it was. An autosave this session did not load (it could not be read, or the
caller passed a spec explicitly) is kept as ``<name>.bak`` before it is first replaced.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UserInputError
from ..fileio import atomic_write_text
from ..spec import DeploymentSpec, dump_spec, load_spec

__all__ = ["DEFAULT_AUTOSAVE_NAME", "Autosave"]

DEFAULT_AUTOSAVE_NAME = "flyte-spec.autosave.yaml"


class Autosave:
    """The autosave file of one configurator."""

    def __init__(self, path: str | Path | None = None, enabled: bool = True, history: int = 0) -> None:
        self.path = Path(path) if path is not None else Path.cwd() / DEFAULT_AUTOSAVE_NAME
        self.enabled = enabled
        self.history_limit = history
        """How many earlier autosaves to keep in :attr:`history_dir` (0: none)."""
        self.history_dir = self.path.with_name(self.path.name + ".history")
        self.error = ""
        """Why the last write failed (empty when it succeeded)."""
        self._written: str | None = None
        self._keep_previous = enabled and self.path.exists()

    def load(self) -> tuple[DeploymentSpec | None, str]:
        """The autosaved spec and a note for the person; (None, note) when there is none or it is unreadable."""
        if not self.enabled or not self.path.is_file():
            return None, ""
        try:
            spec = load_spec(self.path)
        except UserInputError as error:
            return None, (
                f"The autosave {self.path} could not be loaded ({error.render()}); started from the sandbox preset. "
                f"The file is kept as {self.path.name}.bak when the next change is saved."
            )
        self._written = dump_spec(spec)
        self._keep_previous = False
        return spec, f"Restored the autosave {self.path}."

    def save(self, spec: DeploymentSpec) -> bool:
        """Write ``spec`` if it changed since the last write; False (and :attr:`error`) when the write failed."""
        if not self.enabled:
            return True
        text = dump_spec(spec)
        if text == self._written:
            return True
        try:
            if self._keep_previous and self.path.is_file():
                previous = self.path.read_text(encoding="utf-8", errors="replace")
                if previous != text:
                    atomic_write_text(self.path.with_name(self.path.name + ".bak"), previous)
            atomic_write_text(self.path, text)
            if self._written is not None and self.history_limit:
                self._keep_history(self._written)
        except OSError as error:
            self.error = f"autosave to {self.path} failed: {error}; the previous file is unchanged"
            return False
        self._keep_previous = False
        self._written = text
        self.error = ""
        return True

    def _keep_history(self, text: str) -> None:
        """Add the previous state as the newest numbered file; drop the oldest beyond the limit."""
        self.history_dir.mkdir(exist_ok=True)
        numbers = sorted(int(p.stem) for p in self.history_dir.glob("*.yaml") if p.stem.isdigit())
        newest = numbers[-1] + 1 if numbers else 1
        atomic_write_text(self.history_dir / f"{newest:06d}.yaml", text)
        for old in numbers[: max(0, len(numbers) + 1 - self.history_limit)]:
            (self.history_dir / f"{old:06d}.yaml").unlink(missing_ok=True)

    def history(self) -> list[Path]:
        """Earlier autosaves, oldest first (load one with the Load button or ``Configurator.load``)."""
        if not self.history_dir.is_dir():
            return []
        return sorted(self.history_dir.glob("*.yaml"))
