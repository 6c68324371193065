"""Replay benchmark: rebuild allocation and monitoring state from a national-scale log.

    .venv/bin/python benchmarks/replay.py [--seed 1] [--events 1000000] [--log FILE]
                                          [--profile]

1. Builds (or reuses, with --log) a synthetic national log of CloudEvents bytes (see
   `national_log`): 340 municipalities in 12 provinces, ~160,000 lettings in the year, the
   candidates, urgencies, proposals, answers and placements, and dwellings of the stock, at
   least --events events in all. Written to a file as length-prefixed frames.
2. Baseline, in a fresh process: read the frames and `json.loads` each one.
3. Rebuild, in a fresh process that scans the log's bytes for the municipalities' provinces
   and hands whole provinces (balanced by population) to WOONREGIE_REPLAY_WORKERS worker
   processes (default 2, one per core; 1 = all in the one process). Each worker reads every
   frame, routes it by its first municipality/province key without parsing it, skips other
   workers' provinces, and decodes its own once with `shared.contracts.envelope.decode`
   (pydantic: the CloudEvents envelope from the bytes, then the event class of its type; as
   the services' consumers do). Allocation applies the typed events it uses (not the stock's
   dwelling upserts, decoded for monitoring only) through
   the service's own mapping (`services.allocation.service.inbound.command_for`) to one
   Allocator per province; the answers and move-ins the log records (allocation's own output
   events) are applied as the API would (`respond`, `expire_due`, `move_in`). Labels and
   proposals are taken as recorded (`VacancyLabelled`, `CandidateProposed` applied to a
   `FollowingAllocator`), or with WOONREGIE_REPLAY_DECISIONS=rederive made again by an
   Allocator and every explanation compared with the log's (eligible count, ranked top with
   scores, exclusion counts; the label text apart, as it is the controller's wording).
   Monitoring applies every event to a `MonitoringModel` (`apply` of the same typed event,
   as its consumer does). The rebuilt Allocators must hold the same placements and proposal statuses
   as the run that wrote the log; the benchmark checks that.
   Monitoring runs per worker too (its read models are keyed by municipality, vacancy,
   dwelling, candidate and proposal; the workers' counts and errors are summed).
Prints time (wall clock) and peak memory of both (ru_maxrss; for the rebuild the SUM of the
scanning process's and every worker's own peak), the ratio rebuild/baseline,
and how far each target is missed (60 s, 1 GB). --profile adds a cProfile top list.
Never a timed test: run by hand, figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import struct
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from shared.contracts.decline_reasons import PLATFORM, decline_reasons  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_BYTES = 1024**3
FRAME = struct.Struct(">I")
# closures allocation makes itself: no party answered, so replaying them as answers would be
# wrong. An old free-text decline decodes to the legacy code: a party did answer, replay it.
PLATFORM_REASONS = set(decline_reasons().codes_for(PLATFORM)) - {decline_reasons().unknown_code}


def write_log(path: Path, seed: int, events: int, provinces: int) -> dict:
    from national_log import allocation_policy, build_log

    started = time.perf_counter()
    log = build_log(seed=seed, target_events=events, provinces=provinces,
                    progress=lambda line: print(line, flush=True))
    with path.open("wb") as out:
        for _, raw in log.events:
            out.write(FRAME.pack(len(raw)))
            out.write(raw)
    expected = {"placements": log.placements, "proposals": log.proposals,
                "events": len(log.events), "seconds": time.perf_counter() - started,
                "policy": repr(allocation_policy(seed))}
    path.with_suffix(".expected.json").write_text(json.dumps(expected))
    return expected


LIMIT = int(os.environ.get("WOONREGIE_REPLAY_LIMIT", "0")) or None  # frames, for profiling


def frames(path: Path):
    with path.open("rb") as source:
        read = 0
        while (header := source.read(FRAME.size)) and (LIMIT is None or read < LIMIT):
            read += 1
            (size,) = FRAME.unpack(header)
            yield source.read(size)


def baseline(path: Path) -> dict:
    started = time.perf_counter()
    count = sum(1 for raw in frames(path) if json.loads(raw))
    return {"events": count, "seconds": time.perf_counter() - started}


WORKERS = int(os.environ.get("WOONREGIE_REPLAY_WORKERS", "2"))
# recorded: labels and proposals taken from allocation's own events in the log (a
# FollowingAllocator); rederive: every decision made again by an Allocator and compared
DECISIONS = os.environ.get("WOONREGIE_REPLAY_DECISIONS", "recorded")
FOLLOW = DECISIONS == "recorded"
# The first of these keys in a frame names its province: a municipality-upserted event's
# "province", an agreement's "scope", or the municipality an event is about (a candidate's
# registration municipality, a vacancy's dwelling's, a proposal's). Within one province's
# events every municipality is of that province (the log plays each province on its own).
ROUTE = re.compile(rb'"(municipality|registrationMunicipality|province|scope)":"([^"]*)"')


def _allocation_types(ev) -> frozenset:
    """The event classes the replay's allocation does anything with: the service's inbound
    commands, the recorded answers and move-ins, and the proposals (compared). Any other
    (the stock's dwelling-upserted, labels) is not validated by allocation at all: it would
    be validated and then ignored, so skipping it changes no state."""
    from services.allocation.service.inbound import TRANSLATORS

    recorded = {ev.VacancyLabelled} if FOLLOW else set()
    return frozenset(TRANSLATORS) | {ev.ProposalAccepted, ev.ProposalDeclined,
                                     ev.ProposalExpired, ev.CandidatePlaced,
                                     ev.CandidateProposed} | recorded


MUNICIPALITY = re.compile(
    rb'"type":"nl\.woonregie\.registry\.municipality-upserted\.v1"[^\n]{0,600}?"data":'
    rb'\{"code":"([^"]*)"[^{}]{0,300}?"province":"([^"]*)","population":(\d+)')


def provinces_of(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """municipality -> province and province -> population, from the log's
    municipality-upserted events: a scan of the file's bytes in chunks, no frame parsed.
    A municipality it missed only costs time: its frames are then parsed by every worker
    (and their scope checked there)."""
    found: dict[str, str] = {}
    population: dict[str, int] = {}
    chunk, overlap, tail = 4 * 1024**2, 4096, b""
    with path.open("rb") as source:
        while block := source.read(chunk):
            text = tail + block
            for match in MUNICIPALITY.finditer(text):
                code, province, people = (g.decode() for g in match.groups())
                if code not in found:
                    found[code] = province
                    population[province] = population.get(province, 0) + int(people)
            tail = text[-overlap:]
    return found, population


def rebuild(path: Path) -> dict:
    """All provinces: in WORKERS processes, each taking whole provinces (balanced by
    population), or in this process when WORKERS is 1. Peak memory is the sum of the
    processes' peak RSS; time is wall clock."""
    started = time.perf_counter()
    if WORKERS <= 1:
        province_of, _ = provinces_of(path)
        prepass = time.perf_counter() - started
        result = rebuild_part(path, province_of, None, True, None)
        result["seconds"] = time.perf_counter() - started
        result["prepassSeconds"] = prepass
        result["workers"] = []
        return result
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # the workers start (and import); one scans the log while this process makes the policy
    pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
    scan = pool.submit(provinces_of, path)
    warm = [pool.submit(_warm_up) for _ in range(WORKERS - 1)]
    policy = _policy_for_workers()
    province_of, population = scan.result()
    prepass = time.perf_counter() - started  # the scan and the policy, side by side
    groups: list[list[str]] = [[] for _ in range(WORKERS)]
    loads = [0] * WORKERS
    for province in sorted(population, key=lambda p: -population[p]):
        i = loads.index(min(loads))
        groups[i].append(province)
        loads[i] += population[province]
    with pool:
        for future in warm:
            future.result()
        parts = list(pool.map(rebuild_part, [path] * WORKERS, [province_of] * WORKERS,
                              groups, [i == 0 for i in range(WORKERS)], [policy] * WORKERS))
    total = time.perf_counter() - started
    merged = {"events": parts[0]["events"], "seconds": total, "prepassSeconds": prepass,
              "allocationSeconds": max(p["allocationSeconds"] for p in parts),
              "monitoringSeconds": max(p["monitoringSeconds"] for p in parts),
              "monitoringErrors": {}, "monitoringCounts": {}, "misrouted": 0,
              "placements": {}, "proposals": {}, "policy": parts[0]["policy"],
              "explanations": {"compared": 0, "differing": 0, "examples": [],
                               "labelTextsDiffering": 0},
              "workers": [{"provinces": g, "seconds": p["seconds"],
                           "allocationSeconds": p["allocationSeconds"],
                           "monitoringSeconds": p["monitoringSeconds"],
                           "decoded": p["decoded"], "maxRssBytes": p["maxRssBytes"]}
                          for g, p in zip(groups, parts)]}
    for part in parts:
        merged["placements"].update(part["placements"])
        merged["proposals"].update(part["proposals"])
        merged["misrouted"] += part["misrouted"]
        for key in ("compared", "differing", "labelTextsDiffering"):
            merged["explanations"][key] += part["explanations"][key]
        merged["explanations"]["examples"] += part["explanations"]["examples"]
        for name, n in part["monitoringErrors"].items():
            merged["monitoringErrors"][name] = merged["monitoringErrors"].get(name, 0) + n
        for name, n in part["monitoringCounts"].items():
            merged["monitoringCounts"][name] = merged["monitoringCounts"].get(name, 0) + n
    # honest peak: this process plus every worker's own peak
    merged["maxRssBytes"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
                             + sum(p["maxRssBytes"] for p in parts))
    return merged


def _warm_up() -> None:
    """Import what a part needs (in a worker, before its work arrives; not `national_log`,
    which brings the simulator, scipy and matplotlib: the policy comes from the parent)."""
    import services.allocation.service.inbound  # noqa: F401
    import services.monitoring.domain  # noqa: F401


def _proxy(mapping: dict) -> types.MappingProxyType:
    return types.MappingProxyType(mapping)


def _policy_for_workers():
    """The log's allocation policy, picklable (its read-only mappings as dicts again)."""
    import copyreg

    from national_log import allocation_policy

    copyreg.pickle(types.MappingProxyType, lambda m: (_proxy, (dict(m),)))
    return allocation_policy()


def rebuild_part(path: Path, province_of: dict[str, str], provinces: list[str] | None,
                 unrouted_monitoring: bool, policy=None) -> dict:
    """Replay the frames of `provinces` (all when None). A frame is routed by its first
    ROUTE key without parsing it; frames of other provinces are skipped; frames without a
    key are parsed by every part (allocation applies them when their scope is one of its
    provinces, monitoring only in the part with `unrouted_monitoring`). Every parsed frame's
    scope (as `_scope` derives it from the decoded event) is checked against the route."""
    from services.allocation.domain import Allocator
    from services.allocation.domain.following import FollowingAllocator
    from services.allocation.service.inbound import command_for
    from services.monitoring.domain import MonitoringModel
    from shared.contracts import events as ev
    from shared.contracts.envelope import PoisonMessage, decode

    if policy is None:
        from national_log import allocation_policy

        policy = allocation_policy()  # what the log's Allocators ran with
    wanted = None if provinces is None else frozenset(provinces)
    needed = _allocation_types(ev)
    allocators: dict[str, Allocator] = {}
    scope_of: dict[str, str] = {}  # municipality -> province (scope)
    candidate_scope: dict[str, str] = {}
    monitoring = MonitoringModel()
    seconds = {"allocation": 0.0, "monitoring": 0.0}
    errors: dict[str, int] = {}
    explanations = {"compared": 0, "differing": 0, "examples": [], "labelTextsDiffering": 0}
    count = decoded = misrouted = 0
    route = ROUTE.search
    started = time.perf_counter()
    for raw in frames(path):
        count += 1
        clock = time.perf_counter()
        found = route(raw)
        if found is None:
            routed = None
        else:
            key, value = found.groups()
            routed = value.decode() if key in (b"province", b"scope") else \
                province_of.get(value.decode())
        if wanted is not None and routed is not None and routed not in wanted:
            continue  # another part's province
        decoded += 1
        decoding = time.perf_counter()
        try:  # once, for allocation and monitoring alike
            received = decode(raw)
        except PoisonMessage:  # counted, not fatal, as monitoring's errors are
            errors["PoisonMessage"] = errors.get("PoisonMessage", 0) + 1
            continue
        event, scope = received.event, None
        if type(event) not in needed:  # decoded for monitoring only: its time, not allocation's
            spent = time.perf_counter() - decoding
            seconds["monitoring"] += spent
            clock += spent
        else:
            scope = _scope(event, scope_of, candidate_scope)
            if scope is not None and wanted is not None and scope not in wanted:
                if routed is not None:
                    misrouted += 1
                scope = None
            if scope is not None:
                allocator = allocators.get(scope)
                if allocator is None:
                    kind = FollowingAllocator if FOLLOW else Allocator
                    allocator = allocators[scope] = kind(scope, policy)
                command = command_for(event)
                if command is not None:
                    command(allocator)
                else:
                    _apply_output(allocator, event, ev)
        seconds["allocation"] += time.perf_counter() - clock
        if not FOLLOW and scope is not None and isinstance(event, ev.CandidateProposed):
            _compare_explanation(allocators[scope], event, explanations)
        if routed is None and not unrouted_monitoring:
            continue
        clock = time.perf_counter()
        try:
            monitoring.apply(event, received.id)
        except Exception as exc:  # counted, not fatal: the figure says how many
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        seconds["monitoring"] += time.perf_counter() - clock
    total = time.perf_counter() - started
    placements = {scope: len(a.placements()) for scope, a in allocators.items()}
    proposals = {scope: {p.id: p.status.value for p in a.proposals()}
                 for scope, a in allocators.items()}
    counts = {name: len(getattr(monitoring, name)) for name in
              ("municipalities", "dwellings", "vacancies", "lettings", "processed")
              if hasattr(monitoring, name)}
    return {"events": count, "decoded": decoded, "misrouted": misrouted,
            "explanations": explanations, "seconds": total,
            "allocationSeconds": seconds["allocation"],
            "monitoringSeconds": seconds["monitoring"], "monitoringErrors": errors,
            "monitoringCounts": counts,
            "placements": placements, "proposals": proposals, "policy": repr(policy),
            "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def _compare_explanation(allocator, event, found: dict) -> None:
    """The explanation of a proposal the log holds (eligible count, ranked top with scores
    and components, exclusion counts; the label's text counted apart) against the one the
    replay re-derived (it precedes the event in the log, as the command that made it)."""
    wire = event.explanation
    found["compared"] += 1
    try:
        mine = allocator.proposal(event.proposal_id).explanation
    except Exception:  # not re-derived at all
        mine = None
    same = mine is not None and (
        wire.eligible_count == mine.eligible_count
        and wire.excluded == mine.excluded
        and [(r.candidate_id, r.score, r.components) for r in wire.ranked]
        == [(r.candidate_id, r.score, r.components) for r in mine.ranked])
    if not same:
        found["differing"] += 1
        if len(found["examples"]) < 5:
            found["examples"].append(event.proposal_id)
    elif wire.label_reason != mine.label_reason:
        found["labelTextsDiffering"] += 1


def _scope(event, scope_of: dict[str, str], candidate_scope: dict[str, str]) -> str | None:
    """Which province's Allocator an event belongs to (one Allocator per scope)."""
    from shared.contracts import events as ev
    if isinstance(event, ev.MunicipalityUpserted):
        scope_of[event.code] = event.province
        return event.province
    if isinstance(event, ev.AgreementPublished):
        return event.scope
    if isinstance(event, ev.CandidateRegistered | ev.CandidateUpdated):
        scope = scope_of.get(event.profile.registration_municipality)
        candidate_scope[event.candidate_id] = scope
        return scope
    if isinstance(event, ev.UrgencyGranted | ev.UrgencyExpired | ev.CandidateWithdrawn):
        return candidate_scope.get(event.candidate_id)
    if isinstance(event, ev.VacancyAnnounced):
        return scope_of.get(event.dwelling.municipality)
    municipality = getattr(event, "municipality", None)
    return scope_of.get(municipality) if isinstance(municipality, str) else None


def _apply_output(allocator, event, ev) -> None:
    """Allocation's own output events that record what parties did (answers, keys), and for
    a FollowingAllocator the decisions (labels, proposals) as recorded."""
    if FOLLOW and isinstance(event, ev.VacancyLabelled):
        allocator.follow_label(event.vacancy_id, event.labelled, event.reason, event.decided_on)
    elif FOLLOW and isinstance(event, ev.CandidateProposed):
        allocator.follow_proposal(event.proposal_id, event.vacancy_id, event.candidate_id,
                                  event.target_group, event.proposed_on, event.expires_on,
                                  _explanation(event.explanation))
    elif isinstance(event, ev.ProposalAccepted):
        for party in ("corporation", "candidate"):
            allocator.respond(event.proposal_id, "accepted", party, event.accepted_on)
    elif isinstance(event, ev.ProposalDeclined) and event.reason_code not in PLATFORM_REASONS:
        allocator.respond(event.proposal_id, "declined", event.decided_by, event.declined_on,
                          event.reason_code)
    elif isinstance(event, ev.ProposalExpired):
        allocator.expire_due(event.expired_on)
    elif isinstance(event, ev.CandidatePlaced):
        allocator.move_in(event.proposal_id, event.move_in_date)


def _explanation(wire):
    from services.allocation.domain import Explanation, RankedCandidate

    return Explanation(wire.label_reason, wire.eligible_count,
                       tuple(RankedCandidate(r.candidate_id, r.score, dict(r.components))
                             for r in wire.ranked), dict(wire.excluded))


def _child(phase: str, log: Path, profile: bool) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--log", str(log)]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{done.stderr[-3000:]}")
    *printed, last = done.stdout.strip().splitlines()
    if printed:
        print("\n".join(printed))
    return json.loads(last)


def _run_phase(phase: str, log: Path, profile: bool) -> None:
    work = baseline if phase == "baseline" else rebuild
    if profile and phase == "rebuild":
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(work, log)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
        print(text.getvalue())
    else:
        result = work(log)
    # the rebuild's own figure when it ran in workers (the sum of all the processes' peaks)
    result.setdefault("maxRssBytes", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--phase", choices=("baseline", "rebuild"))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--provinces", type=int, default=12,
                        help="fewer for a quick try (the log is then not national)")
    args = parser.parse_args()
    if args.phase:
        _run_phase(args.phase, args.log, args.profile)
        return
    log = args.log or Path(f"/tmp/woonregie-replay-seed{args.seed}-{args.events}.log")
    if not log.exists():
        print(f"building the national log ({args.events:,} events at least) ...", flush=True)
        expected = write_log(log, args.seed, args.events, args.provinces)
        print(f"  built in {expected['seconds']:.0f} s", flush=True)
    expected = json.loads(log.with_suffix(".expected.json").read_text())
    print(f"log: {log} ({log.stat().st_size / 1e6:.0f} MB, {expected['events']:,} events)")
    base = _child("baseline", log, False)
    full = _child("rebuild", log, args.profile)
    _print(base, full, expected)


def _print(base: dict, full: dict, expected: dict) -> None:
    mb = 1024**2
    print(f"baseline (read + json.loads):     {base['seconds']:8.2f} s   "
          f"peak RSS {base['maxRssBytes'] / mb:7.0f} MB   "
          f"{base['events'] / base['seconds']:,.0f} events/s")
    print(f"rebuild (allocation + monitoring): {full['seconds']:7.2f} s   "
          f"peak RSS {full['maxRssBytes'] / mb:7.0f} MB   "
          f"{full['events'] / full['seconds']:,.0f} events/s")
    print(f"  pre-pass (scan for municipality -> province; workers' start): "
          f"{full['prepassSeconds']:5.2f} s")
    for i, part in enumerate(full["workers"]):
        print(f"  worker {i} ({', '.join(part['provinces'])}): {part['seconds']:.2f} s, "
              f"{part['decoded']:,} frames parsed, allocation {part['allocationSeconds']:.2f} s, "
              f"monitoring {part['monitoringSeconds']:.2f} s, "
              f"peak RSS {part['maxRssBytes'] / mb:.0f} MB")
    print(f"  allocation (route + decode + Allocator; slowest worker): "
          f"{full['allocationSeconds']:7.2f} s")
    print(f"  monitoring (decoding what only it reads + read models; slowest worker): "
          f"{full['monitoringSeconds']:7.2f} s")
    print(f"  monitoring errors: {full['monitoringErrors'] or 'none'}; "
          f"state {full['monitoringCounts']}")
    print(f"  frames routed to the wrong province: {full['misrouted']}")
    print(f"ratio rebuild / baseline: {full['seconds'] / base['seconds']:.1f}x time, "
          f"{full['maxRssBytes'] / base['maxRssBytes']:.1f}x memory")
    same = (full["placements"] == expected["placements"]
            and full["proposals"] == expected["proposals"])
    explanations = full["explanations"]
    print(f"decisions: {DECISIONS} (WOONREGIE_REPLAY_DECISIONS=recorded|rederive)")
    if FOLLOW:
        print("explanations: taken from the log with the proposals (not re-derived)")
    else:
        examples = ", ".join(explanations["examples"])
        print(f"explanations (count, ranked top, exclusions) equal to the log's: "
              f"{explanations['differing'] == 0} "
              f"({explanations['compared']:,} compared, {explanations['differing']} differ"
              f"{', e.g. ' + examples if examples else ''}"
              f"; label texts differ in {explanations['labelTextsDiffering']:,})")
    if LIMIT is not None:
        print(f"partial replay (WOONREGIE_REPLAY_LIMIT={LIMIT}): not compared with the full run")
    else:
        print(f"rebuilt allocation equals the run that wrote the log: {same} "
              f"({sum(full['placements'].values()):,} placements, "
              f"{sum(len(p) for p in full['proposals'].values()):,} proposals)")
    for name, value, target, unit in (
            ("time", full["seconds"], TARGET_SECONDS, "s"),
            ("peak memory", full["maxRssBytes"] / mb, TARGET_BYTES / mb, "MB")):
        verdict = "met" if value <= target else f"MISSED by {value / target:.2f}x"
        print(f"target {name} <= {target:g} {unit}: {value:.1f} {unit}, {verdict}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
