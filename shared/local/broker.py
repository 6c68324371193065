"""A local single-node Kafka broker (KRaft, combined broker+controller) without Docker.

The broker jars come from Maven Central through `deploy/kafka/pom.xml`; they are copied once
into a cache folder (default `<repo>/.cache/kafka/<version>`) and run with
`java -cp 'DIR/*' kafka.Kafka server.properties`. Used by the test fixtures, by fault tests
(`kill()` then `start()` on the same storage) and by `python -m shared.local.broker` for development.

    broker = LocalBroker(workdir)      # free ports are picked unless given
    broker.start()                     # resolve jars, write config, format once, start, wait
    broker.bootstrap                   # "127.0.0.1:<port>"
    broker.kill(); broker.start()      # crash and recover on the same storage
    broker.stop()                      # SIGTERM, wait, SIGKILL

With `sasl_users` the client listener is SASL_PLAINTEXT (PLAIN or SCRAM-SHA-256/512); SCRAM
users are written into the metadata log at format time (`StorageTool --add-scram`). The
controller listener stays PLAINTEXT on 127.0.0.1. With `tls` (a `BrokerTls`: PKCS#12 key store,
PEM trust store) the client listener is SSL, or SASL_SSL with `sasl_users`. With `super_users`
the StandardAuthorizer is on: those users (and the broker) may do anything, everyone else only
what an ACL allows (`shared.messaging.kafka_admin.grant_corporation_feed`).

Start-up is tuned for tests: a dynamic class-data-sharing archive per jar folder (dumped by
the first clean stop, `class_data_sharing=False` to turn off) and C1-only JIT
(`fast_start=False` for benchmarks or long runs).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_DEPLOY = REPO_ROOT / "deploy" / "kafka"
POM = KAFKA_DEPLOY / "pom.xml"
LOG4J2_CONFIG = KAFKA_DEPLOY / "log4j2.properties"
DEFAULT_KAFKA_VERSION = "4.4.0"
DEFAULT_HEAP = "512m"
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
BROKER_USER = "broker"  # inter-broker identity added to sasl_users (the broker talks to itself)
_STAMP = ".resolved"


class BrokerError(RuntimeError):
    pass


@dataclass(frozen=True)
class BrokerTls:
    """Files of the client listener: `keystore` a PKCS#12 file with the broker's private key
    and certificate chain, encrypted with `password` (Java 17 cannot read PBES2-encrypted PEM
    keys); `cafile` the PEM of the CA that signed it, the broker's trust store and its
    clients'."""

    keystore: Path
    password: str
    cafile: Path


# --- ports ----------------------------------------------------------------------------------


def free_ports(count: int = 1, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct ports that are free right now (all sockets held until all are picked)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port(host: str = "127.0.0.1") -> int:
    return free_ports(1, host)[0]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def wait_for_port(host: str, port: int, timeout: float = 60.0, alive=lambda: True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if not alive():
            raise BrokerError(f"process died before {host}:{port} opened")
        time.sleep(0.1)
    raise BrokerError(f"{host}:{port} did not open within {timeout:.0f}s")


# --- jars -----------------------------------------------------------------------------------


def default_version() -> str:
    return os.environ.get("WOONREGIE_KAFKA_VERSION", DEFAULT_KAFKA_VERSION)


def jar_cache_dir(version: str | None = None) -> Path:
    """`$WOONREGIE_KAFKA_CACHE/<version>`, default `<repo>/.cache/kafka/<version>`."""
    root = Path(os.environ.get("WOONREGIE_KAFKA_CACHE", REPO_ROOT / ".cache" / "kafka"))
    return root / (version or default_version())


def _pom_stamp(version: str) -> str:
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    return f"kafka {version} pom {digest}\n"


def resolve_jars(version: str | None = None, cache_dir: Path | None = None) -> Path:
    """The folder holding the broker's runtime jars; runs Maven only when needed.

    Maven is skipped when the folder holds `kafka_2.13-<version>.jar` and a stamp of the
    current pom (so a pom change, such as the slf4j-api 2.x fix, refreshes an old cache).
    Jars are resolved into a temporary folder and moved in, stale jars removed, under a lock.
    """
    version = version or default_version()
    target = Path(cache_dir) if cache_dir else jar_cache_dir(version)
    core = target / f"kafka_2.13-{version}.jar"
    stamp = target / _STAMP

    def fresh() -> bool:
        return core.exists() and stamp.exists() and stamp.read_text() == _pom_stamp(version)

    if fresh():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if fresh():
            return target
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
            command = [
                "mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
                "-DincludeScope=runtime", f"-DoutputDirectory={tmp}", f"-Dkafka.version={version}",
            ]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0 or not (Path(tmp) / core.name).exists():
                if core.exists():  # offline, say: keep using what is there
                    print(f"warning: mvn failed, using existing jars in {target}", file=sys.stderr)
                    return target
                raise BrokerError(
                    f"mvn could not resolve kafka {version}:\n{result.stdout}\n{result.stderr}"
                )
            target.mkdir(parents=True, exist_ok=True)
            wanted = {p.name for p in Path(tmp).glob("*.jar")}
            for name in wanted:
                os.replace(Path(tmp) / name, target / name)
            for old in target.glob("*.jar"):
                if old.name not in wanted:
                    old.unlink()
            for old in target.glob(".*.jsa"):  # CDS archives of the previous jars
                old.unlink()
        stamp.write_text(_pom_stamp(version))
    return target


# --- the broker -----------------------------------------------------------------------------


def cds_archive(jar_dir: Path, kind: str = "kafka") -> Path:
    """Where the class-data-sharing archive of `kind` (kafka, storage-tool) for these jars
    and this JVM lives.

    A dynamic CDS archive (dumped at the clean exit of one run, then mapped by the next) cuts
    a JVM's start by a third to a half; it is only valid for the same jars and the same java.
    """
    java = Path(shutil.which("java") or "java").resolve()
    stamp = jar_dir / _STAMP
    key = f"{stamp.read_text() if stamp.exists() else ''}|{java}|"
    key += str(java.stat().st_mtime_ns) if java.exists() else ""
    return jar_dir / f".{kind}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.jsa"


def _cluster_id() -> str:
    while True:  # Kafka's Uuid: url-safe base64 without padding, never starting with "-"
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _check_credential(kind: str, value: str) -> None:
    if not value or any(c in value for c in '"\\=,[]\n\r '):
        raise ValueError(f"SASL {kind} {value!r} must be non-empty without quotes, =,[] or spaces")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent() -> None:  # preexec_fn: SIGTERM the broker when its starter dies
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalBroker:
    """One KRaft node (broker+controller) in `workdir`: `server.properties`, `data/`, `logs/`,
    `broker.pid`, `broker.json` (ports and cluster id, so a new instance reuses the storage)."""

    def __init__(
        self,
        workdir: str | Path,
        *,
        version: str | None = None,
        port: int | None = None,
        controller_port: int | None = None,
        host: str = "127.0.0.1",
        heap: str = DEFAULT_HEAP,
        jvm_opts: list[str] | None = None,
        jar_dir: str | Path | None = None,
        sasl_users: dict[str, str] | None = None,
        sasl_mechanism: str = "SCRAM-SHA-256",
        extra_config: dict[str, str] | None = None,
        tls: BrokerTls | None = None,
        super_users: list[str] | None = None,
        detach: bool = False,
        class_data_sharing: bool = True,
        fast_start: bool = True,
    ):
        self.workdir = Path(workdir).resolve()
        self.host = host
        self.heap = heap
        self.jvm_opts = list(jvm_opts or [])
        self.extra_config = dict(extra_config or {})
        self.tls = tls
        self.super_users = list(super_users or [])
        self.detach = detach
        self.class_data_sharing = class_data_sharing
        self.fast_start = fast_start
        self._cds_dump: Path | None = None
        saved = self._load_state()
        self.version = version or saved.get("version") or default_version()
        self.jar_dir = Path(jar_dir) if jar_dir else None
        self.cluster_id: str = saved.get("cluster_id") or _cluster_id()
        if port is None or controller_port is None:
            picked = free_ports(2, host)
            port = port or saved.get("port") or picked[0]
            controller_port = controller_port or saved.get("controller_port") or picked[1]
        self.port = int(port)
        self.controller_port = int(controller_port)
        if sasl_mechanism not in SASL_MECHANISMS:
            raise ValueError(f"sasl_mechanism must be one of {SASL_MECHANISMS}")
        self.sasl_mechanism = sasl_mechanism if sasl_users else None
        self.sasl_users: dict[str, str] | None = None
        if sasl_users:
            self.sasl_users = dict(sasl_users)
            self.sasl_users.setdefault(BROKER_USER, saved.get("broker_secret") or secrets.token_hex(12))
            for name, password in self.sasl_users.items():
                _check_credential("user", name)
                _check_credential("password", password)
        self._process: subprocess.Popen | None = None
        self._signalled: int | None = None  # the pid the last stop/kill signalled

    # paths and addresses
    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    @property
    def config_file(self) -> Path:
        return self.workdir / "server.properties"

    @property
    def pid_file(self) -> Path:
        return self.workdir / "broker.pid"

    @property
    def state_file(self) -> Path:
        return self.workdir / "broker.json"

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def listener(self) -> str:
        if self.tls:
            return "SASL_SSL" if self.sasl_users else "SSL"
        return "SASL_PLAINTEXT" if self.sasl_users else "PLAINTEXT"

    def client_security(self, user: str | None = None) -> dict:
        """kafka-python/aiokafka keyword arguments for a client of this broker (same shape as
        `WoonregieSettings.kafka_security()`); `user` defaults to the first configured user."""
        options: dict = {"security_protocol": self.listener}
        if self.tls:
            options["ssl_cafile"] = str(self.tls.cafile)
        if self.sasl_users:
            user = user or next(iter(self.sasl_users))
            options |= {
                "sasl_mechanism": self.sasl_mechanism,
                "sasl_plain_username": user,
                "sasl_plain_password": self.sasl_users[user],
            }
        return options

    # configuration
    def _load_state(self) -> dict:
        with contextlib.suppress(OSError, ValueError):
            return json.loads(self.state_file.read_text())
        return {}

    def _save_state(self) -> None:
        state = {
            "version": self.version, "cluster_id": self.cluster_id, "port": self.port,
            "controller_port": self.controller_port, "host": self.host,
            "sasl_mechanism": self.sasl_mechanism,
        }
        if self.sasl_users:
            state["broker_secret"] = self.sasl_users[BROKER_USER]
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")

    def server_properties(self) -> dict[str, str]:
        listener = self.listener
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "listeners": f"{listener}://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}",
            "advertised.listeners": f"{listener}://{self.host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": listener,
            "listener.security.protocol.map": f"CONTROLLER:PLAINTEXT,{listener}:{listener}",
            "log.dirs": str(self.data_dir),
            "num.partitions": "1",
            "default.replication.factor": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.min.isr": "1",  # unknown to some versions, ignored there
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "min.insync.replicas": "1",
            "group.initial.rebalance.delay.ms": "0",
            # a restart after kill -9 waits for the old registration's session to expire
            # (default 9 s); a local node can afford a short one
            "broker.heartbeat.interval.ms": "500",
            "broker.session.timeout.ms": "3000",
            "auto.create.topics.enable": "false",
            "delete.topic.enable": "true",
        }
        if self.sasl_users:
            mechanism = self.sasl_mechanism
            prefix = f"listener.name.{listener.lower()}.{mechanism.lower()}"
            secret = self.sasl_users[BROKER_USER]
            if mechanism == "PLAIN":
                users = " ".join(f'user_{u}="{p}"' for u, p in self.sasl_users.items())
                jaas = (
                    "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    f'username="{BROKER_USER}" password="{secret}" {users};'
                )
            else:
                jaas = (
                    "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    f'username="{BROKER_USER}" password="{secret}";'
                )
            props |= {
                "sasl.enabled.mechanisms": mechanism,
                "sasl.mechanism.inter.broker.protocol": mechanism,
                f"{prefix}.sasl.jaas.config": jaas,
            }
        if self.tls:
            props |= self._tls_properties()
        if self.super_users:
            props |= self._authorizer_properties()
        props |= self.extra_config
        return props

    def _authorizer_properties(self) -> dict[str, str]:
        # ANONYMOUS is whoever uses the PLAINTEXT controller listener on 127.0.0.1: the node
        # itself registering with its controller; clients come in through SASL only
        supers = [BROKER_USER, "ANONYMOUS", *self.super_users]
        return {
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": ";".join(f"User:{user}" for user in supers),
            "allow.everyone.if.no.acl.found": "false",
        }

    def _tls_properties(self) -> dict[str, str]:
        return {
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(Path(self.tls.keystore).resolve()),
            "ssl.keystore.password": self.tls.password,
            "ssl.key.password": self.tls.password,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(Path(self.tls.cafile).resolve()),
            # the broker is its own client (inter-broker listener): it checks its host name too
            "ssl.endpoint.identification.algorithm": "https",
        }

    def write_config(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(exist_ok=True)
        self.log_dir.mkdir(exist_ok=True)
        lines = ["# written by shared/local/broker.py: edits are overwritten on start"]
        lines += [f"{k}={v}" for k, v in self.server_properties().items()]
        self.config_file.write_text("\n".join(lines) + "\n")
        self._save_state()
        return self.config_file

    def is_formatted(self) -> bool:
        return (self.data_dir / "meta.properties").exists()

    def _java(
        self, main: str, *args: str, tool: bool = False, extra: tuple[str, ...] = ()
    ) -> list[str]:
        if tool:  # a short-lived tool: small heap, C1 only and serial GC start fastest
            flags = ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", *extra]
        else:  # the defaults of bin/kafka-server-start.sh, with our heap
            flags = [
                f"-Xmx{self.heap}", f"-Xms{self.heap}", "-server", "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
            ]
            if self.fast_start:  # C1 only: about 30% less CPU for a short-lived broker
                flags.append("-XX:TieredStopAtLevel=1")
            flags += [*self.jvm_opts, *extra]
        return [
            "java", *flags, "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}", f"-Dkafka.logs.dir={self.log_dir}",
            "-cp", f"{self.jar_dir}/*", main, *args,
        ]

    def format_storage(self) -> None:
        """Format `data/` with StorageTool, once (skipped when meta.properties exists)."""
        if self.is_formatted():
            return
        command = ["format", "-t", self.cluster_id, "-c", str(self.config_file)]
        if self.sasl_users and self.sasl_mechanism != "PLAIN":
            for user, password in self.sasl_users.items():
                command += ["--add-scram", f"{self.sasl_mechanism}=[name={user},password={password}]"]
        cds_flags, dump = self._cds("storage-tool")
        result = subprocess.run(
            self._java("kafka.tools.StorageTool", *command, tool=True, extra=cds_flags),
            capture_output=True, text=True, timeout=120,
        )
        self._keep_cds_dump(dump, "storage-tool", result.returncode)
        if result.returncode != 0:
            raise BrokerError(f"StorageTool format failed:\n{result.stdout}\n{result.stderr}")

    # process control
    @property
    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int(self.pid_file.read_text().strip())
        return None

    def is_running(self) -> bool:
        """True while the broker process lives: our child, or the pid file's kafka.Kafka of
        this workdir (when another process started it)."""
        if self._process is not None:  # our child: its pid cannot be reused before we reap it
            return self._process.poll() is None
        pid = self.pid
        if pid is None:
            return False
        for _ in range(20):  # cmdline reads empty for a moment while a process execs
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                return False
            if "\nState:\tZ" in status:
                return False
            if cmdline:
                break
            time.sleep(0.05)
        args = cmdline.split(b"\0")
        return b"kafka.Kafka" in args and str(self.config_file).encode() in args

    def start(self, timeout: float = 90.0) -> "LocalBroker":
        """Start (or restart on the existing storage) and wait until the broker serves metadata."""
        if self.is_running():
            self.wait_ready(timeout)
            return self
        self.jar_dir = self.jar_dir or resolve_jars(self.version)
        self.write_config()
        self.format_storage()
        # The parent-death signal fires when the *thread* that started the child ends, so it
        # is only set from the main thread (a thread-pool worker may exit at any time).
        tie = not self.detach and threading.current_thread() is threading.main_thread()
        # a detached broker may be stopped by another process, which cannot see its exit code
        cds_flags, self._cds_dump = self._cds("kafka", may_dump=not self.detach)
        stdout = open(self.log_dir / "stdout.log", "ab")
        try:
            self._process = subprocess.Popen(
                self._java("kafka.Kafka", str(self.config_file), extra=cds_flags),
                stdout=stdout, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.workdir, start_new_session=self.detach,
                preexec_fn=_die_with_parent if tie else None,
            )
        finally:
            stdout.close()
        self.pid_file.write_text(f"{self._process.pid}\n")
        try:
            self.wait_ready(timeout)
        except Exception as exc:
            tail = self.log_tail()
            self.stop()
            raise BrokerError(
                f"broker did not become ready ({exc}); last log lines:\n{tail}"
            ) from None
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        from shared.messaging.kafka_admin import wait_for_broker

        deadline = time.monotonic() + timeout
        wait_for_port(self.host, self.port, timeout, alive=self.is_running)
        wait_for_broker(
            self.bootstrap, max(1.0, deadline - time.monotonic()), **self.client_security()
        )

    def _cds(self, kind: str, *, may_dump: bool = True) -> tuple[tuple[str, ...], Path | None]:
        """JVM flags that map the CDS archive of `kind`, or dump one at exit (then the path
        of the dump, which `_keep_cds_dump` moves in place after a clean exit)."""
        if not self.class_data_sharing:
            return (), None
        archive = cds_archive(self.jar_dir, kind)
        if archive.exists():
            return ("-Xlog:cds*=off", f"-XX:SharedArchiveFile={archive}"), None
        if not may_dump:
            return (), None
        dump = archive.with_name(f"{archive.name}.{secrets.token_hex(4)}.tmp")
        return ("-Xlog:cds*=off", f"-XX:ArchiveClassesAtExit={dump}"), dump

    def _keep_cds_dump(self, dump: Path | None, kind: str, returncode: int | None) -> None:
        if dump is None or not dump.exists():
            return
        if returncode is not None and returncode >= 0 and dump.stat().st_size:
            os.replace(dump, cds_archive(self.jar_dir, kind))  # a clean exit wrote it whole
        else:
            dump.unlink(missing_ok=True)  # killed: maybe half written

    def _signal(self, sig: int) -> bool:
        if not self.is_running():
            return False
        pid = self._process.pid if self._process is not None else self.pid
        self._signalled = pid
        with contextlib.suppress(ProcessLookupError, TypeError):
            os.kill(pid, sig)
        return True

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(timeout=0.1)
            if not self.is_running():
                return True
            time.sleep(0.05)
        return not self.is_running()

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (a controlled shutdown), then SIGKILL after `timeout` seconds."""
        if self._signal(signal.SIGTERM) and not self._wait_exit(timeout):
            self._signal(signal.SIGKILL)
            self._wait_exit(10)
        self._forget()

    def kill(self) -> None:
        """SIGKILL, as a crash would: the storage stays; `start()` recovers from it."""
        if self._signal(signal.SIGKILL):
            self._wait_exit(10)
        self._forget()

    def restart(self, timeout: float = 90.0, *, hard: bool = False) -> "LocalBroker":
        self.kill() if hard else self.stop()
        return self.start(timeout)

    def reap(self) -> None:
        """Forget our broker process after it died (a supervisor then starts it again); a
        pid file another process's broker has written since stays, and that broker is then
        `is_running()`."""
        self._forget()

    def _forget(self) -> None:
        ours = self._signalled
        if self._process is not None:
            ours = self._process.pid
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=1)
            self._keep_cds_dump(self._cds_dump, "kafka", self._process.returncode)
            self._cds_dump = None
            self._process = None
        self._signalled = None
        self._release_pid_file(ours)

    def _release_pid_file(self, ours: int | None) -> None:
        """Remove the pid file unless it names a live process we did not stop: the pid file
        belongs to whoever started that broker, and only its stop removes it."""
        recorded = self.pid
        if recorded is not None and recorded != ours and _pid_alive(recorded):
            return
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()

    def log_tail(self, lines: int = 40) -> str:
        for name in ("server.log", "stdout.log"):
            path = self.log_dir / name
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(no broker log)"

    def destroy(self) -> None:
        """Stop and delete the workdir (storage included)."""
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "LocalBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalBroker({self.bootstrap}, version={self.version}, workdir={self.workdir})"


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """python -m shared.local.broker {start,stop,status,run} [--dir run/kafka] [--port 9092] ..."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m shared.local.broker", description=main.__doc__)
    parser.add_argument("action", choices=["start", "stop", "status", "run"],
                        help="start: in the background; run: in the foreground until Ctrl-C")
    parser.add_argument("--dir", default=str(REPO_ROOT / "run" / "kafka"))
    parser.add_argument("--port", type=int, default=None, help="default 9092 on first start")
    parser.add_argument("--controller-port", type=int, default=None, help="default 9093")
    parser.add_argument("--version", default=None)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--topics", action="store_true", help="create the registry's topics")
    args = parser.parse_args(argv)

    saved = Path(args.dir) / "broker.json"
    first = not saved.exists()
    broker = LocalBroker(
        args.dir, version=args.version, heap=args.heap, detach=args.action == "start",
        port=args.port or (9092 if first else None),
        controller_port=args.controller_port or (9093 if first else None),
    )
    if args.action == "status":
        print(f"{'running' if broker.is_running() else 'stopped'} {broker!r} pid={broker.pid}")
        return 0 if broker.is_running() else 1
    if args.action == "stop":
        broker.stop()
        print("stopped")
        return 0
    broker.start()
    if args.topics:
        from shared.messaging.kafka_admin import ensure_topics

        ensure_topics(broker.bootstrap)
    print(f"kafka {broker.version} ready on {broker.bootstrap} (pid {broker.pid}, logs {broker.log_dir})")
    if args.action == "run":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
