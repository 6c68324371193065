"""Local accounts: add, list, disable, and log in with lockout after repeated failures."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from services.portal.adapters.tables import AccountRow
from services.portal.auth.identity import Identity
from services.portal.auth.passwords import hash_password, verify_password
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Role, is_cbs_code

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    identity: Identity | None = None


@dataclass(frozen=True)
class AccountView:
    id: str
    email: str
    display_name: str
    org: str
    role: Role
    disabled: bool
    locked_until: datetime | None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_account(email: str, org: str, role: Role, password: str) -> None:
    """Raise ValueError (in Dutch, for the CLI) when the account cannot be made."""
    if "@" not in email or len(email) > 254:
        raise ValueError("geen geldig e-mailadres")
    if not org.strip() or len(org) > 100:
        raise ValueError("organisatie ontbreekt of is te lang")
    if role is Role.MUNICIPALITY and not is_cbs_code(org):
        raise ValueError("de organisatie van een gemeente is haar CBS-code, zoals GM0014")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValueError(f"wachtwoord: {MIN_PASSWORD_LENGTH} tot {MAX_PASSWORD_LENGTH} tekens")


class AccountService:
    def __init__(self, engine: Engine, lockout_attempts: int, lockout: timedelta,
                 now: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.lockout_attempts = lockout_attempts
        self.lockout = lockout
        self.now = now

    def add(self, email: str, org: str, role: Role, password: str,
            display_name: str | None = None) -> AccountView:
        email, role = normalise_email(email), Role(role)
        check_new_account(email, org, role, password)
        with Session(self.engine) as session:
            if self._by_email(session, email) is not None:
                raise ValueError(f"er is al een account voor {email}")
            row = AccountRow(
                id=secrets.token_hex(8), email=email, display_name=display_name or email,
                org=org.strip(), role=str(role), password_hash=hash_password(password),
                created_at=self.now(),
            )
            session.add(row)
            session.commit()
            return _view(row)

    def set_password(self, email: str, password: str) -> bool:
        """A new password (and no lockout); False when there is no such account."""
        check_new_account("x@x", "x", Role.ADMIN, password)
        with Session(self.engine) as session:
            row = self._by_email(session, normalise_email(email))
            if row is None:
                return False
            row.password_hash = hash_password(password)
            row.failed_attempts, row.locked_until = 0, None
            session.add(row)
            session.commit()
            return True

    def list(self) -> list[AccountView]:
        with Session(self.engine) as session:
            return [_view(row) for row in session.exec(select(AccountRow).order_by(AccountRow.email))]

    def emails_of(self, org: str, roles) -> list[str]:
        """The addresses of an organisation's active people with one of `roles` (for mail)."""
        wanted = [str(Role(role)) for role in roles]
        with Session(self.engine) as session:
            rows = session.exec(select(AccountRow.email).where(
                AccountRow.org == org, AccountRow.role.in_(wanted),
                AccountRow.disabled.is_(False)))
            return sorted(rows)

    def disable(self, email: str) -> str | None:
        """Disable the account; its subject (to end its sessions), or None when unknown."""
        with Session(self.engine) as session:
            row = self._by_email(session, normalise_email(email))
            if row is None:
                return None
            row.disabled = True
            session.add(row)
            session.commit()
            return _identity(row).subject

    def log_in(self, email: str, password: str) -> LoginResult:
        with Session(self.engine) as session:
            row = self._by_email(session, normalise_email(email)[:254])
            if row is None:
                verify_password(password, None)
                return LoginResult(LoginOutcome.WRONG)
            if row.disabled:
                return LoginResult(LoginOutcome.DISABLED)
            if row.locked_until is not None and row.locked_until > self.now():
                return LoginResult(LoginOutcome.LOCKED)
            if not verify_password(password, row.password_hash):
                return self._failed(session, row)
            row.failed_attempts, row.locked_until = 0, None
            session.add(row)
            session.commit()
            return LoginResult(LoginOutcome.OK, _identity(row))

    def _failed(self, session: Session, row: AccountRow) -> LoginResult:
        row.failed_attempts += 1
        locked = row.failed_attempts >= self.lockout_attempts
        if locked:
            row.locked_until, row.failed_attempts = self.now() + self.lockout, 0
        session.add(row)
        session.commit()
        return LoginResult(LoginOutcome.LOCKED if locked else LoginOutcome.WRONG)

    @staticmethod
    def _by_email(session: Session, email: str) -> AccountRow | None:
        return session.exec(select(AccountRow).where(func.lower(AccountRow.email) == email)).first()


def _identity(row: AccountRow) -> Identity:
    return Identity(subject=f"local:{row.id}", email=row.email, display_name=row.display_name,
                    org=row.org, role=Role(row.role), source="local")


def _view(row: AccountRow) -> AccountView:
    return AccountView(row.id, row.email, row.display_name, row.org, Role(row.role),
                       row.disabled, row.locked_until)
