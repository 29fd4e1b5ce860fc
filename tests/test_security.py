"""Security defaults: a crawl opens no listening port, newsbot unpickles nothing it did not
write, and discovery XML never expands entities nor reads files or the network."""

from __future__ import annotations

import ast
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO

from newsbot.listings import parse_feed, parse_sitemap
from sitegen import DemoServer

_LISTEN = "0A"  # TCP state LISTEN in /proc/net/tcp


def _listening_sockets() -> dict[str, str]:
    """Socket inode -> local address of every listening TCP socket of this machine."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == _LISTEN:
                found[fields[9]] = fields[1]
    return found


def _process_tree(pid: int) -> list[int]:
    pids, index = [pid], 0
    while index < len(pids):
        for task in Path(f"/proc/{pids[index]}/task").glob("*"):
            with contextlib.suppress(OSError):
                pids += [int(child) for child in (task / "children").read_text().split()]
        index += 1
    return pids


def _socket_inodes(pids: list[int]) -> set[str]:
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if match := re.fullmatch(r"socket:\[(\d+)\]", target):
                inodes.add(match.group(1))
    return inodes


def _crawl_and_watch_ports(
    server: DemoServer, tmp_path: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """A real crawl of the demo site in a subprocess (HOME in ``tmp_path``), and the local
    addresses of every listening socket its processes held while it ran."""
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": ""}
    command = [
        sys.executable, "-m", "newsbot", "crawl", "euronews", "--base-url", server.base_url,
        "--editions", "en", "--archive", str(tmp_path / "a.db"), "--verbose", *extra,
    ]  # fmt: skip
    listening: set[str] = set()
    with subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        while proc.poll() is None:
            held = _socket_inodes(_process_tree(proc.pid))
            listening |= {addr for inode, addr in _listening_sockets().items() if inode in held}
            time.sleep(0.02)
        stdout, stderr = proc.communicate()
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), listening


@pytest.fixture
def slow_demo_server() -> Iterator[DemoServer]:
    # Each page a little late, so that the crawl runs long enough to be watched.
    with DemoServer(latency=0.05) as server:
        yield server


def test_a_crawl_opens_no_listening_port(slow_demo_server: DemoServer, tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    result, listening = _crawl_and_watch_ports(slow_demo_server, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert listening == set()
    enabled = re.search(r"Enabled extensions:\n(\[.*?\])", result.stderr, re.DOTALL)
    assert enabled is not None, result.stderr[-2000:]
    assert "RemoteControl" not in enabled.group(1)
    assert "TelnetConsole" not in enabled.group(1)
    # Scrapy's remote control writes its token to a job file in the user's folder.
    assert list((tmp_path / "home").rglob("*")) == []


def test_the_port_watch_sees_scrapys_remote_control_when_turned_on(
    slow_demo_server: DemoServer, tmp_path: Path
) -> None:
    """The watch above is not blind: with the remote control on, it sees its port."""
    (tmp_path / "home").mkdir()
    result, listening = _crawl_and_watch_ports(
        slow_demo_server,
        tmp_path,
        "--set", "REMOTE_CONTROL_ENABLED=True",
        "--set", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(listening) >= 1


#: Modules that unpickle what they are given: pickle itself, and the process pools built on it
#: (multiprocessing pickles every call and result, its fork server too).
_PICKLERS = ("pickle", "cPickle", "_pickle", "shelve", "dill", "cloudpickle", "jsonpickle",
             "multiprocessing", "concurrent.futures.process")  # fmt: skip


def _pickles(source: str) -> list[str]:
    """What ``source`` imports or names that pickles (empty: nothing)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            names = ["concurrent.futures.process"] if name == "ProcessPoolExecutor" else []
        found += [
            name
            for name in names
            if any(name == bad or name.startswith(f"{bad}.") for bad in _PICKLERS)
            or name.endswith(".ProcessPoolExecutor")
        ]
    return found


def _pickling_modules() -> dict[str, list[str]]:
    found = {
        path.relative_to(REPO).as_posix(): _pickles(path.read_text(encoding="utf-8"))
        for path in (REPO / "newsbot").rglob("*.py")
    }
    return {path: names for path, names in found.items() if names}


@pytest.mark.parametrize(
    "source",
    [
        "import pickle",
        "from pickle import loads",
        "import multiprocessing",
        "from multiprocessing import get_context",
        "import multiprocessing.pool as p",
        "from concurrent.futures import ProcessPoolExecutor",
        "from concurrent.futures.process import BrokenProcessPool",
        "import concurrent.futures\nconcurrent.futures.ProcessPoolExecutor(2)",
    ],
)
def test_the_pickle_check_finds(source: str) -> None:
    assert _pickles(source)


def test_the_pickle_check_lets_threads_and_json_be() -> None:
    source = "import json\nfrom concurrent.futures import ThreadPoolExecutor\nimport subprocess"
    assert _pickles(source) == []


def test_no_module_pickles() -> None:
    # (The crawl's extraction pool and the batch commands' workers talk JSON and raw bytes
    # through pipes: newsbot/frames.py.)
    assert _pickling_modules() == {}


def _bomb(root: bytes, secret: Path) -> bytes:
    """A billion-laughs document (10^9 'lol's if expanded) that also names a local file
    as an external entity, the entities used inside ``root``'s text."""
    entities = b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10))
    head = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY lol0 "lol">'
        + entities
        + f'<!ENTITY secret SYSTEM "{secret.as_uri()}">'.encode()
        + b"]>"
    )
    return head + root


@pytest.mark.parametrize(
    ("parse", "root"),
    [
        (
            parse_sitemap,
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
            b"<loc>https://x.example.org/a-&lol9;-&secret;</loc></url></urlset>",
        ),
        (
            parse_feed,
            b'<rss version="2.0"><channel><title>&lol9;</title><item><title>&secret;</title>'
            b"<link>https://x.example.org/b-&lol9;-&secret;</link></item></channel></rss>",
        ),
    ],
    ids=["sitemap", "feed"],
)
def test_xml_entities_are_never_expanded(
    parse: Callable[[bytes], object], root: bytes, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    listing = parse(_bomb(root, secret))
    text = repr(listing)
    assert "lollol" not in text and "TOP-SECRET-MARKER" not in text
    assert len(text) < 10_000
