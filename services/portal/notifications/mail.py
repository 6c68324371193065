"""E-mail for notices: one message per notice to the people of its organisation and roles.

A mail names what waits and links into the portal; it carries no personal data, only the
notice's reference (a proposal id or a candidate's pseudonymous id). Notices are mailed by a
background round after they are stored, and marked mailed after the SMTP server took the
message: a failed round is tried again, so a mail may come twice but is never lost.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from services.portal.notifications.store import StoredNotice
from shared.api import Lifecycle
from shared.contracts.vocabulary import Role

log = logging.getLogger(__name__)
Recipients = Callable[[str, Sequence[Role]], list[str]]


def compose(stored: StoredNotice, sender: str, public_url: str) -> EmailMessage:
    notice = stored.notice
    message = EmailMessage()
    message["Subject"] = f"Woonregie: {notice.text[0].lower()}{notice.text[1:]}"
    message["From"] = sender
    # the recipients are only in the SMTP envelope: colleagues need not see each other
    message["To"] = "undisclosed-recipients:;"
    message.set_content(
        f"{notice.text}.\n\n"
        f"Bekijk het in Woonregie: {public_url.rstrip('/')}{notice.link}\n"
        f"Kenmerk: {notice.ref}\n\n"
        "U ontvangt dit bericht omdat u in Woonregie werkt voor uw organisatie. "
        "Persoonsgegevens staan alleen in Woonregie zelf, niet in dit bericht.\n")
    return message


class SmtpMailer:
    def __init__(self, settings):
        self.settings = settings

    def send(self, message: EmailMessage, to: list[str]) -> None:
        s = self.settings
        if s.smtp_tls == "ssl":
            connection = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
        with connection:
            if s.smtp_tls == "starttls":
                connection.starttls(context=ssl.create_default_context())
            if s.smtp_username:
                connection.login(s.smtp_username, s.smtp_password.get_secret_value()
                                 if s.smtp_password else "")
            connection.send_message(message, to_addrs=to)


class NoticeMailer(Lifecycle):
    """Every `mail_poll_seconds`: mail the notices not yet mailed (and not yet settled)."""

    def __init__(self, settings, uow_factory: Callable, recipients: Recipients,
                 mailer: SmtpMailer | None = None):
        self.settings = settings
        self.uow_factory = uow_factory
        self.recipients = recipients
        self.mailer = mailer or SmtpMailer(settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="portal-mail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def run_once(self) -> int:
        sent = 0
        with self.uow_factory() as uow:
            for stored in uow.notices.unmailed():
                to = self.recipients(stored.notice.org, stored.notice.roles)
                if to:
                    self.mailer.send(compose(stored, self.settings.smtp_from,
                                             self.settings.public_url), to)
                    sent += 1
                uow.notices.mark_mailed(stored.id)
                uow.commit()  # per notice: a failure later in the round resends none of these
        return sent

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.run_once():
                    log.info("notices mailed")
            except Exception as exc:  # SMTP server or database away: try again next round
                log.warning("mailing notices failed", extra={"error": repr(exc)[:300]})
            self._stop.wait(self.settings.mail_poll_seconds)
