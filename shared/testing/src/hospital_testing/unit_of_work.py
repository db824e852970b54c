"""The bookkeeping every fake unit of work repeats: transactions begun, commits, rollbacks, and undo.

A service's fake subclasses it beside its own port, and says only where its state lives:

    class FakeUnitOfWork(hospital_testing.FakeUnitOfWork, PatientUnitOfWork):
        def __init__(self) -> None:
            super().__init__()
            self.patients = FakePatients()

        def snapshot(self) -> Any:
            return copy.deepcopy(self.patients.rows)

        def restore(self, state: Any) -> None:
            self.patients.rows = state
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from hospital_shared.db import UnitOfWork


class FakeUnitOfWork(UnitOfWork):
    """Like a real transaction: what a `with uow:` block did not commit is undone when the block ends.

    Undo needs `snapshot` and `restore`; a fake that leaves them alone keeps everything (and still counts).
    """

    def __init__(self) -> None:
        self.transactions = 0  # `with uow:` blocks entered
        self.commits = 0
        self.rollbacks = 0
        self._checkpoint: Any = None

    @property
    def committed(self) -> bool:
        """True once any block committed."""
        return self.commits > 0

    def snapshot(self) -> Any:
        """A copy of the fake's state, deep enough that later changes do not reach it."""
        return None

    def restore(self, state: Any) -> None:
        """Put back the state `snapshot` returned."""

    def __enter__(self) -> Self:
        self.transactions += 1
        self._checkpoint = self.snapshot()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)  # rolls back what was not committed
        self._checkpoint = None

    def commit(self) -> None:
        self.commits += 1
        self._checkpoint = self.snapshot()

    def rollback(self) -> None:
        self.rollbacks += 1
        if self._checkpoint is not None:
            self.restore(self._checkpoint)
            self._checkpoint = self.snapshot()
