"""A private PostgreSQL server for integration tests: Debian's binaries, a data folder
under /tmp (a copy of a template initialized once per machine), a free loopback port,
its socket in that folder, fsync off; stopped and removed by stop(). As root every
server command runs as the postgres user (PostgreSQL refuses root), over a folder it owns.
The same server the unit tests use (tests/support/temporary_postgres.h)."""
import fcntl
import os
import shutil
import socket
import subprocess
import tempfile

BINARIES = "/usr/lib/postgresql/15/bin"
UNAVAILABLE = ("PostgreSQL 15 server binaries not found in %s (apt-get install postgresql-15, or "
               "scripts/install-deps.sh --with-test-peers)" % BINARIES)


def available():
    return os.path.exists(os.path.join(BINARIES, "postgres"))


def _as_postgres(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _own(path):
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", path], check=True)


def _copy_template(data):
    base = "/tmp/ragscale-pg-template-15-uid%d" % os.geteuid()
    with open(base + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(base, "PG_VERSION")):
            building = base + ".building"
            shutil.rmtree(building, ignore_errors=True)
            os.makedirs(building)
            _own(building)
            subprocess.run(_as_postgres([os.path.join(BINARIES, "initdb"), "-D", building, "-U", "postgres",
                                         "-A", "trust", "-E", "UTF8", "--locale=C", "-N"]),
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(base, ignore_errors=True)
            os.rename(building, base)
        subprocess.run(["cp", "-a", base, data], check=True)


class Postgres:
    """A running server; url(db) for clients, create_database(name), stop()/start() to
    take it down and back on the same port, close() for good."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="ragscale-pg-")
        self.data = os.path.join(self.directory, "data")
        _copy_template(self.data)
        _own(self.directory)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.running = False
        self.start()

    def url(self, database):
        return "postgres://postgres@127.0.0.1:%d/%s" % (self.port, database)

    def start(self):
        options = ("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off" % (self.port, self.directory))
        subprocess.run(_as_postgres([os.path.join(BINARIES, "pg_ctl"), "-D", self.data, "-l",
                                     os.path.join(self.directory, "server.log"), "-w", "-s", "-o", options,
                                     "start"]), check=True, stdout=subprocess.DEVNULL)
        self.running = True

    def create_database(self, name):
        subprocess.run(_as_postgres([os.path.join(BINARIES, "createdb"), "-h", self.directory, "-p",
                                     str(self.port), "-U", "postgres", name]), check=True)
        return self.url(name)

    def kill(self):
        """An immediate stop: what a crash looks like to the clients."""
        if self.running:
            subprocess.run(_as_postgres([os.path.join(BINARIES, "pg_ctl"), "-D", self.data, "-m", "immediate",
                                         "-w", "-s", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.running = False

    def stop(self):
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)
