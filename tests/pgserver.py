"""A real, throwaway PostgreSQL server for the tests and benchmarks: Debian's binaries (`postgresql`, which
`.ci/run` installs), a new cluster in a temporary folder, listening on 127.0.0.1 at a free port and on a
socket in that folder only, trusting local connections, stopped and removed afterwards. PostgreSQL refuses to
run as root: as root, the cluster is made and run by the `postgres` user (or `nobody`)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb and postgres, if PostgreSQL is installed."""
    for candidate in [os.environ.get("CLAIMCHECK_PG_BIN", ""), *sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                                                       reverse=True)]:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.folder = Path(tempfile.mkdtemp(prefix="claimcheck-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            if user is None:
                raise RuntimeError("running as root and no user to run PostgreSQL as")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", user.pw_name, "--"] if user is not None else []
        subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(self.data), "-U", "claimcheck", "-A", "trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True)
        self.process = subprocess.Popen(
            [*prefix, str(bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=open(self.folder / "server.log", "wb"))  # noqa: SIM115
        self.url = f"postgresql://claimcheck@127.0.0.1:{self.port}/postgres"
        self._wait()

    def _wait(self) -> None:
        import psycopg
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.folder / "server.log").read_text(errors="replace")
                    raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
                time.sleep(0.1)

    def database(self, name: str | None = None) -> str:
        """A new, empty database; its URL."""
        import psycopg
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://claimcheck@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
