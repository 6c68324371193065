"""Use cases of fair-share agreements: publish a new version, preview one, read a version."""

from __future__ import annotations

from services.registry.domain.agreements import (
    Agreement,
    Inputs,
    compute,
    parse_period,
    scope_members,
)
from services.registry.domain.errors import InvalidInput, NotFound
from services.registry.service import commands as c
from services.registry.service.deps import Deps
from services.registry.service.events import agreement_published
from services.registry.service.uow import RegistryUnitOfWork


def publish_agreement(cmd: c.PublishAgreement, uow: RegistryUnitOfWork,
                      deps: Deps) -> Agreement:
    """Compute the targets, store them as the next version and publish them."""
    agreement = _next_version(cmd, uow, deps)
    uow.agreements.add(agreement)
    uow.emit(agreement_published(agreement))
    uow.commit()
    return agreement


def preview_agreement(cmd: c.PreviewAgreement, uow: RegistryUnitOfWork,
                      deps: Deps) -> Agreement:
    """The version publish_agreement would store now; the unit of work is never committed."""
    return _next_version(cmd, uow, deps)


def _next_version(cmd: c.PublishAgreement | c.PreviewAgreement, uow: RegistryUnitOfWork,
                  deps: Deps) -> Agreement:
    errors = []
    period = members = None
    try:
        period = parse_period(cmd.period)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    try:
        members = scope_members(cmd.scope, uow.municipalities.all(), deps.reference)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors)
    result, basis = compute(cmd.terms, period, _inputs(uow, members, period),
                            turnover_rate=deps.turnover_rate,
                            stock_per_inhabitant=deps.stock_per_inhabitant)
    return Agreement(
        scope=cmd.scope, period=period.label,
        version=uow.agreements.latest_version(cmd.scope, period.label) + 1,
        period_start=period.start, period_end=period.end, terms=cmd.terms,
        municipalities=tuple(m.code for m in members), result=result.to_dict(),
        targets=tuple(result.municipality_targets()), basis=basis,
        published_by=cmd.org, published_at=deps.now(),
    )


def _inputs(uow: RegistryUnitOfWork, members, period) -> Inputs:
    try:
        previous = period.previous()
    except ValueError:  # the first period the calendar allows
        return Inputs(members, uow.dwellings.count_by_municipality(), {}, "none")
    lettings = uow.vacancies.lettings_by_municipality(previous.start, previous.end)
    return Inputs(members, uow.dwellings.count_by_municipality(), lettings, previous.label)


def read_agreement(cmd: c.ReadAgreement, uow: RegistryUnitOfWork, deps: Deps) -> Agreement:
    agreement = uow.agreements.get(cmd.scope, cmd.period, cmd.version)
    if agreement is None:
        which = f"version {cmd.version} of " if cmd.version else ""
        raise NotFound(f"no {which}agreement for {cmd.scope} {cmd.period}")
    return agreement
