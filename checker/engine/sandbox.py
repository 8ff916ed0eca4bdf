"""The OS sandbox around one kata run (Linux): namespaces, a read-only world, a non-root uid.

Entered per run, inside the process forked for that run (from a warm worker or a cold worker),
before any learner code is imported: `run_sandboxed(plan, target)`.

    A (the forked process)   joins the run's cgroups (as root), opens nothing new, then unshares
                             mount, PID, network, IPC and UTS namespaces (as root) or, when not
                             root, a user namespace first so it may; then forks
    B (PID 1 of the run)     builds the mount tree, mounts a fresh /proc, brings `lo` up, sets
                             hard rlimits, becomes a non-root uid (a non-root outer uid too, when
                             the checker runs as root) in a new user namespace, drops every
                             capability, sets no_new_privs, scrubs the environment; then runs
                             `target`. When B ends, the kernel kills every process of the run.

The mount tree: every mount read-only (nosuid); /home, /root, /tmp, /var/tmp, /run, /mnt and
/media replaced by empty tmpfs, into which only what the run needs is put back (the interpreter,
sys.path, the run's copy of the specs, the code under test); a minimal /dev; a private, writable,
size-bounded /dev/shm; and one writable, size-bounded tmpfs, the run's `private` folder, holding
the working directory, TMPDIR and HOME.

Why namespaces owned by the real root when there is one: the learner's user namespace then owns
nothing it could remount or reconfigure, and its outer uid is not root, so RLIMIT_NPROC holds and
files and sockets owned by root stay out of reach (PLATFORM_NOTES: root inside a namespace is no
sandbox).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import resource
import signal
import socket
import struct
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

# --- what the command line offers -------------------------------------------------------------


class Mode(StrEnum):
    REQUIRED = "required"  # no sandbox, no run (grading strangers' code)
    AUTO = "auto"  # a sandbox where the platform offers one, today's process isolation elsewhere
    OFF = "off"


UNAVAILABLE_FIX = (
    "On Ubuntu 23.10+ (GitHub's ubuntu-24.04 runners) unprivileged user namespaces are "
    "restricted by AppArmor: run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` "
    "first, or run the checker as root. Elsewhere enable user namespaces "
    "(`sysctl kernel.unprivileged_userns_clone=1`). `--sandbox off` runs without one (only for "
    "code you trust)."
)

# --- limits -----------------------------------------------------------------------------------

MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """Per kata run; kata.toml's [limits] may raise them for a kata that needs more."""

    processes: int = 256
    memory_mb: int = 2048
    open_files: int = 1024
    file_size_mb: int = 256  # any one file written (RLIMIT_FSIZE), the output and results too
    private_mb: int = 256  # the writable folder (cwd, TMPDIR, HOME) and /dev/shm, each


# Outer uid/gid of learner code when the checker runs as root: an otherwise unused id, different
# per run so RLIMIT_NPROC counts one run's processes only.
OUTER_ID_BASE = 1_500_000
INNER_ID = 1000
HIDDEN = ("/home", "/root", "/tmp", "/var/tmp", "/run", "/mnt", "/media", "/srv")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
# The environment learner code sees: nothing the instructor's shell held (tokens, paths).
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "PYTHONPATH", "PYTHONHASHSEED",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED",
            "NO_COLOR", "VIRTUAL_ENV")  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """What one sandboxed run needs; crosses the warm worker's protocol as JSON."""

    private: str  # the writable tmpfs: private/cwd, private/tmp, private/home
    expose: tuple[str, ...]  # read-only paths learner code may read besides the system's own
    limits: Limits = field(default_factory=Limits)
    cgroups: tuple[str, ...] = ()  # cgroup folders the run joins (made by the runner), or none

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(
            private=str(data["private"]),
            expose=tuple(str(p) for p in data["expose"]),
            limits=Limits(**{k: int(v) for k, v in data["limits"].items()}),
            cgroups=tuple(str(p) for p in data["cgroups"]),
        )

    @property
    def cwd(self) -> str:
        return os.path.join(self.private, "cwd")


# --- libc -------------------------------------------------------------------------------------

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 16384, 1 << 18
# The new mount API (same numbers on every architecture): Linux 5.12+.
SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC, AT_RECURSIVE, AT_EMPTY_PATH = 1, 0o2000000, 0x8000, 0x1000
AT_FDCWD = -100
MOVE_MOUNT_F_EMPTY_PATH = 0x4
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class SandboxError(Exception):
    """The sandbox could not be set up; the message says which step failed and why."""


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_libc: ctypes.CDLL | None = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(code)} ({errno.errorcode.get(code, code)})")
    return result


def _unshare(flags: int) -> None:
    _check(_lib().unshare(ctypes.c_int(flags)), "unshare")


def _mount(source: str, target: str, fstype: str, flags: int, data: str = "") -> None:
    _check(
        _lib().mount(
            source.encode(), target.encode(), fstype.encode(), ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {fstype or source} on {target}",
    )  # fmt: skip


def _open_tree(path: str) -> int:
    flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE
    result = _lib().syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(), ctypes.c_uint(flags))
    return _check(int(result), f"clone the mount of {path}")


def _move_mount(fd: int, target: str) -> None:
    result = _lib().syscall(
        SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, target.encode(), ctypes.c_uint(MOVE_MOUNT_F_EMPTY_PATH)
    )
    _check(int(result), f"put {target} back")


def _mount_setattr(path: str, recursive: bool, set_: int = 0, clear: int = 0) -> None:
    attr = _MountAttr(set_, clear, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    result = _lib().syscall(
        SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), ctypes.c_uint(flags),
        ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
    )  # fmt: skip
    _check(int(result), f"set the attributes of {path}")


def _prctl(option: int, arg: int = 0, arg3: int = 0) -> None:
    _check(
        _lib().prctl(ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(arg3), 0, 0),
        f"prctl {option}",
    )


def _drop_capabilities() -> None:
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)
    with contextlib.suppress(SandboxError):  # ambient capabilities: Linux 4.3+
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_lib().capset(ctypes.byref(header), data), "drop capabilities")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


# --- the two processes ------------------------------------------------------------------------


def run_sandboxed(plan: Plan, target: Callable[[], int]) -> int:
    """In the run's own (single-threaded) process: enter the sandbox and run target() in it.

    Returns target's exit code (or the signal that ended it, as -N); raises SandboxError, before
    any of target's code ran, when the sandbox cannot be set up.
    """
    privileged = os.geteuid() == 0
    outer = OUTER_ID_BASE + os.getpid() % 100_000 if privileged else os.geteuid()
    outer_gid = outer if privileged else os.getegid()
    if privileged:
        for folder in plan.cgroups:
            Path(folder, "cgroup.procs").write_text(str(os.getpid()))
        _unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
    else:
        _unshare(
            CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        )
        _map_ids(INNER_ID, outer, outer_gid)
    report_r, report_w = os.pipe()  # B says "ready" or why it failed, before target runs
    pid = os.fork()
    if pid == 0:
        os.close(report_r)
        _inside(plan, target, report_w, privileged, outer, outer_gid)
    os.close(report_w)
    with os.fdopen(report_r, "rb") as report:
        message = report.read().decode("utf-8", errors="replace")
    _, status = os.waitpid(pid, 0)
    if message != "ready":
        raise SandboxError(message or "the sandboxed process ended before it was ready")
    return os.waitstatus_to_exitcode(status)


def _inside(
    plan: Plan, target: Callable[[], int], report: int, privileged: bool, outer: int, gid: int
) -> None:
    """Process B, PID 1 of the run; never returns."""
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # A killed: B, and so the whole run, dies
        os.setpgid(0, 0)  # kill(0, ...) reaches this run only, not A
        _build_mounts(plan)
        _loopback_up()
        _set_rlimits(plan.limits, privileged)
        if privileged:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(outer, outer, outer)
            # A uid change makes /proc/self root's; the id maps below are written there.
            _prctl(PR_SET_DUMPABLE, 1)
            _unshare(CLONE_NEWUSER)
            _map_ids(INNER_ID, outer, gid)
        _drop_capabilities()
        _scrub_environment(plan)
        os.chdir(plan.cwd)
        os.write(report, b"ready")
        os.close(report)
    except BaseException as exc:  # reported to A, which raises SandboxError
        with contextlib.suppress(OSError):
            os.write(report, str(exc).encode() or type(exc).__name__.encode())
        os._exit(70)
    try:
        code = target()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 3
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _map_ids(inner: int, outer_uid: int, outer_gid: int) -> None:
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{inner} {outer_uid} 1")
    Path("/proc/self/gid_map").write_text(f"{inner} {outer_gid} 1")


def _build_mounts(plan: Plan) -> None:
    _mount("none", "/", "", MS_REC | MS_PRIVATE)
    hidden = [h for h in HIDDEN if os.path.isdir(h) and not os.path.islink(h)]
    keep = _outermost(
        p
        for p in plan.expose
        if os.path.exists(p) and any(_under(os.path.realpath(p), h) for h in hidden)
    )
    clones = [(os.path.realpath(p), _open_tree(os.path.realpath(p))) for p in keep]
    devices = [(d, _open_tree(f"/dev/{d}")) for d in DEVICES if os.path.exists(f"/dev/{d}")]
    for folder in hidden:
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for path, fd in clones:
        if os.path.isdir(path) or not os.path.exists(path):
            os.makedirs(path, mode=0o755, exist_ok=True)
        _move_mount(fd, path)
        os.close(fd)
    # A minimal /dev: a few harmless devices, nothing that reaches a disk or a terminal.
    _mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")
    for name, fd in devices:
        Path("/dev", name).touch()
        _move_mount(fd, f"/dev/{name}")
        os.close(fd)
    for name, where in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                        ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):  # fmt: skip
        os.symlink(where, f"/dev/{name}")
    size = f"size={plan.limits.private_mb}m"
    os.mkdir("/dev/shm")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"{size},mode=1777")
    os.makedirs(plan.private, mode=0o755, exist_ok=True)
    _mount("tmpfs", plan.private, "tmpfs", MS_NOSUID | MS_NODEV, f"{size},mode=755")
    for name in ("cwd", "tmp", "home"):
        os.mkdir(os.path.join(plan.private, name), 0o777)
        os.chmod(os.path.join(plan.private, name), 0o777)
    _mount_setattr("/", recursive=True, set_=MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID)
    for writable in (plan.private, "/dev/shm"):
        _mount_setattr(writable, recursive=False, clear=MOUNT_ATTR_RDONLY)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _outermost(paths: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    for path in sorted({os.path.realpath(str(p)) for p in paths}, key=len):
        if not any(_under(path, c) for c in chosen):
            chosen.append(path)
    return chosen


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING)
        import fcntl

        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, request)


def _set_rlimits(limits: Limits, privileged: bool) -> None:
    wanted = [
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * MIB),
        (resource.RLIMIT_CORE, 0),
    ]
    if privileged:  # counted per outer uid: only meaningful when that uid is the run's own
        wanted.append((resource.RLIMIT_NPROC, limits.processes))
    for which, value in wanted:
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))  # hard = soft: learner code cannot raise it


def _scrub_environment(plan: Plan) -> None:
    kept = {k: v for k, v in os.environ.items() if k in KEPT_ENV}
    os.environ.clear()
    os.environ.update(kept)
    os.environ["TMPDIR"] = os.path.join(plan.private, "tmp")
    os.environ["HOME"] = os.path.join(plan.private, "home")
    # /proc/self/environ shows the block the process was started with, not os.environ: blank
    # it (nothing points into it any more: every original entry was unset, the kept ones copied).
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    env_start, env_end = int(fields[47]), int(fields[48])
    if 0 < env_start < env_end:
        ctypes.memset(env_start, 0, env_end - env_start)
    import tempfile

    tempfile.tempdir = None  # computed again from TMPDIR


# --- cgroups (created and removed by the runner, joined by A) ---------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_parents() -> dict[str, Path]:
    """Where this process may make per-run cgroups: {"pids": folder, "memory": folder}."""
    found: dict[str, Path] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2
            folder = CGROUP_ROOT / path.lstrip("/")
            if not (folder / "cgroup.procs").exists():
                folder = CGROUP_ROOT / "unified" / path.lstrip("/")
            try:
                enabled = (folder / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            for name in ("pids", "memory"):
                if name in enabled and os.access(folder, os.W_OK):
                    found.setdefault(name, folder)
        else:
            for name in ("pids", "memory"):
                folder = CGROUP_ROOT / name / path.lstrip("/")
                if name in controllers.split(",") and os.access(folder, os.W_OK):
                    found[name] = folder
    return found


def make_cgroups(name: str, limits: Limits) -> list[Path]:
    """Per-run cgroups with the limits written; [] where none can be made."""
    made: list[Path] = []
    try:
        for controller, parent in cgroup_parents().items():
            folder = parent / name
            if folder in made:
                continue
            folder.mkdir()
            made.append(folder)
            if controller == "pids":
                _first_writable(folder, ("pids.max",), str(limits.processes))
            else:
                memory = str(limits.memory_mb * MIB)
                _first_writable(folder, ("memory.max", "memory.limit_in_bytes"), memory)
                with contextlib.suppress(OSError):
                    (folder / "memory.swap.max").write_text("0")
    except OSError:
        remove_cgroups(made)
        return []
    return made


def _first_writable(folder: Path, names: tuple[str, ...], value: str) -> None:
    for name in names:
        if (folder / name).exists():
            (folder / name).write_text(value)
            return
    raise OSError(f"no {names[0]} in {folder}")


def kill_cgroups(folders: list[Path]) -> None:
    """SIGKILL whatever is still in the run's cgroups (the run's PID 1 dying kills the rest)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            for pid in (folder / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)


def remove_cgroups(folders: list[Path]) -> None:
    for folder in folders:
        for _ in range(500):  # up to 5 s: a fork bomb's hundreds of processes take a while to go
            try:
                folder.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # the run's last processes are still being reaped
                import time

                time.sleep(0.01)


def sweep_stale_cgroups() -> None:
    """Remove the empty per-run cgroups of checker processes that are gone (killed, say)."""
    for parent in set(cgroup_parents().values()):
        for folder in parent.glob("katas-*-*"):
            owner = folder.name.split("-")[-2]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                with contextlib.suppress(OSError):
                    folder.rmdir()


def ran_out_of_memory(folders: list[Path]) -> bool:
    for folder in folders:
        for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
            with contextlib.suppress(OSError, ValueError):
                for line in (folder / name).read_text().splitlines():
                    word, _, count = line.partition(" ")
                    if word == key and int(count) > 0:
                        return True
        with contextlib.suppress(OSError, ValueError):
            if int((folder / "memory.failcnt").read_text()) > 0:
                return True
    return False


# --- is it available here? --------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    on: bool
    reason: str  # why it is off ("" when on)
    limits: str  # which limits are in force, and how

    def describe(self) -> str:
        return f"sandbox: on ({self.limits})" if self.on else f"sandbox: off: {self.reason}"

    def to_json(self) -> dict[str, object]:
        return {"on": self.on, "reason": self.reason, "limits": self.limits}


_probed: Decision | None = None


def probe() -> Decision:
    """Try the whole sandbox once in a throwaway process (cached for this process)."""
    global _probed
    if _probed is not None:
        return _probed
    if not sys.platform.startswith("linux"):
        _probed = Decision(False, f"no OS sandbox on {sys.platform}: process isolation only", "")
        return _probed
    import tempfile

    limits = Limits()
    with tempfile.TemporaryDirectory(prefix="katas-probe-") as scratch:
        os.chmod(scratch, 0o711)
        plan = Plan(private=os.path.join(scratch, "private"), expose=tuple(exposed_paths()))
        sweep_stale_cgroups()
        cgroups = make_cgroups(f"katas-probe-{os.getpid()}", limits)
        plan = Plan(plan.private, plan.expose, limits, tuple(str(c) for c in cgroups))
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's outcome is the pipe's message
            os.close(read)
            try:
                run_sandboxed(plan, lambda: _self_test(write))
                os._exit(0)
            except BaseException as exc:
                with contextlib.suppress(OSError):
                    os.write(write, f"fail:{exc}".encode())
                os._exit(1)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            message = pipe.read().decode("utf-8", errors="replace")
        os.waitpid(pid, 0)
        remove_cgroups(cgroups)
    if message == "ok":
        _probed = Decision(True, "", _describe_limits(limits, bool(cgroups)))
    else:
        reason = message.removeprefix("fail:") or "the sandbox test process failed"
        _probed = Decision(False, f"cannot create the sandbox here ({reason})", "")
    return _probed


def _self_test(report: int) -> int:
    problems = []
    if os.getuid() == 0 or os.geteuid() == 0:
        problems.append("still root")
    try:
        _mount("none", "/", "", MS_REC | MS_PRIVATE)
        problems.append("could mount")
    except SandboxError:
        pass
    if os.access("/", os.W_OK):
        problems.append("/ is writable")
    os.write(report, ("ok" if not problems else "fail:" + ", ".join(problems)).encode())
    return 0


def _describe_limits(limits: Limits, cgroups: bool) -> str:
    how = "cgroup" if cgroups else "rlimit per process"
    nproc = "cgroup" if cgroups else ("rlimit" if os.geteuid() == 0 else "not bounded")
    return (
        f"processes {limits.processes} ({nproc}), memory {limits.memory_mb} MiB ({how}), "
        f"open files {limits.open_files}, file size {limits.file_size_mb} MiB, "
        f"private folder {limits.private_mb} MiB"
    )


def decide(mode: Mode) -> Decision:
    if mode == Mode.OFF:
        return Decision(False, "turned off (--sandbox off)", "")
    return probe()


def exposed_paths() -> list[str]:
    """What every run reads besides the system: the interpreter, its libraries, sys.path."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    paths.update(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    return sorted(paths)
