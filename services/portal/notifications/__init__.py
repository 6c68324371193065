"""Notifications: what waits for a person (a proposal to answer, a decision to take, a stalled
proposal), from the topics the portal consumes; shown in the portal and mailed when SMTP is
configured.

The portal wires it once:

    notifications = Notifications.from_settings(settings, recipients=accounts.emails_of)
    lifecycles=lambda app: notifications.lifecycles()
    ...
    notifications.for_person(identity.org, identity.role)  # newest first

`recipients(org, roles) -> list[str]` gives the e-mail addresses of an organisation's people
with one of `roles` (the portal's account store knows them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.portal.notifications.consumer import notification_consumer
from services.portal.notifications.mail import NoticeMailer, Recipients
from services.portal.notifications.store import (
    INFRA,
    NotificationsUnitOfWork,
    StoredNotice,
    create_tables,
)
from shared.api import Lifecycle
from shared.contracts.vocabulary import Role
from shared.db import make_engine
from shared.runtime import Runtime

__all__ = ["Notifications", "Recipients", "StoredNotice"]


@dataclass
class Notifications:
    runtime: Runtime
    recipients: Recipients

    @classmethod
    def from_settings(cls, settings, recipients: Recipients, *,
                      producer_factory: Callable | None = None) -> "Notifications":
        engine = make_engine(settings.notifications_db_url())
        create_tables(engine)
        runtime = Runtime(settings, engine, INFRA, uow_class=NotificationsUnitOfWork,
                          producer_factory=producer_factory)
        return cls(runtime, recipients)

    def for_person(self, org: str, role: Role | str, limit: int = 100) -> list[StoredNotice]:
        """The open notices for a person of `org` with `role`, newest first."""
        with self.runtime.uow() as uow:
            return uow.notices.open_for(org, Role(role), limit)

    def lifecycles(self) -> list[Lifecycle]:
        """The consumer, and the mailer when `smtp_host` is set: start and stop with the app."""
        settings = self.runtime.settings
        running: list[Lifecycle] = [notification_consumer(settings, self.runtime.uow,
                                                          self.runtime.producer_factory)]
        if settings.smtp_host:
            running.append(NoticeMailer(settings, self.runtime.uow, self.recipients))
        return running
