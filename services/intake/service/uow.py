"""Intake's unit of work: the spine's SQL unit of work plus intake's repositories."""

from __future__ import annotations

from services.intake.adapters.crypto import PersonalDataCipher
from services.intake.adapters.repository import (
    AccessLog,
    AgreementStore,
    CandidateRepository,
    IdempotencyStore,
    UrgencyApplications,
    UrgencyDecisionLog,
)
from shared.messaging.uow import SqlUnitOfWork


class IntakeUnitOfWork(SqlUnitOfWork):
    cipher: PersonalDataCipher  # bound per runtime by `with_cipher`

    @classmethod
    def with_cipher(cls, cipher: PersonalDataCipher) -> type["IntakeUnitOfWork"]:
        """A subclass bound to `cipher`: the Runtime builds units of work from a class."""
        return type(cls.__name__, (cls,), {"cipher": cipher})

    def _open_repositories(self) -> None:
        self.candidates = CandidateRepository(self.session, self.cipher)
        self.decisions = UrgencyDecisionLog(self.session, self.cipher)
        self.access_log = AccessLog(self.session)
        self.idempotency = IdempotencyStore(self.session, self.cipher)
        self.agreements = AgreementStore(self.session)
        self.applications = UrgencyApplications(self.session, self.cipher)
