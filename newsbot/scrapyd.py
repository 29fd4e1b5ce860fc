"""scrapyd components that tell a failed job from a finished one (scrapyd 1.6).

scrapyd lists every job that ended under ``finished``; only its log says ``Process died:
exitstatus=1``. With these components, named in scrapyd's configuration (the repository's
``scrapyd.conf``), a job whose crawl could not run (an unreachable site, a locked archive, a
full disk: ``newsbot crawl``'s exit codes) is listed under ``failed`` with its exit code, in
``listjobs.json`` and on the jobs web page.

Loaded by scrapyd alone (newsbot must be installed where scrapyd runs); nothing in newsbot
imports it, and it imports nothing of newsbot.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable, Iterator
from html import escape
from typing import Any, cast

import scrapyd.jobstorage
import scrapyd.launcher
import scrapyd.webservice
import scrapyd.website
from scrapyd.interfaces import IEnvironment
from twisted.internet import error, reactor
from twisted.python.failure import Failure
from twisted.web.server import Request


def exit_code(job: object) -> int | None:
    """How an ended job's process exited: its exit code, ``-N`` when signal N killed it (as
    :attr:`subprocess.Popen.returncode` says), ``None`` when not known (a job scrapyd's own
    launcher ran or scrapyd's own job storage kept)."""
    code = getattr(job, "exit_code", None)
    return code if isinstance(code, int) else None


def failed(job: object) -> bool:
    """A job failed when its process exited non-zero; a job of unknown exit is not failed."""
    return exit_code(job) not in (0, None)


class JobProcessProtocol(scrapyd.launcher.ScrapyProcessProtocol):
    """scrapyd's process protocol, which also keeps how the process exited (``exit_code``)."""

    exit_code: int | None = None

    def processEnded(self, reason: Failure) -> None:
        ended = reason.value
        if isinstance(ended, error.ProcessTerminated):
            self.exit_code = ended.exitCode if ended.exitCode is not None else -ended.signal
        else:  # ProcessDone: exit code 0
            self.exit_code = 0
        super().processEnded(reason)


class Launcher(scrapyd.launcher.Launcher):
    """scrapyd's launcher, spawning each job with :class:`JobProcessProtocol`."""

    def _spawn_process(self, message: dict[str, Any], slot: int) -> None:
        # scrapyd 1.6's own _spawn_process, but for the protocol's class, which it does not
        # let a subclass choose.
        environment = self.app.getComponent(IEnvironment)
        message.setdefault("settings", {})
        message["settings"].update(environment.get_settings(message))
        env = environment.get_environment(message, slot)
        args = [
            sys.executable, "-m", self.runner, "crawl", *scrapyd.launcher.get_crawl_args(message)
        ]  # fmt: skip
        process = JobProcessProtocol(
            message["_project"], message["_spider"], message["_job"], env, args
        )
        process.deferred.addBoth(self._process_finished, slot)
        # cast: mypy reads zope's IReactorProcess.spawnProcess (no self) one argument off.
        cast(Any, reactor).spawnProcess(process, sys.executable, args=args, env=env)
        self.processes[slot] = process


class SqliteJobStorage(scrapyd.jobstorage.SqliteJobStorage):
    """scrapyd's SQLite job storage (the job list kept across restarts), keeping each job's
    exit code too: in an ``exit_code`` column it adds to scrapyd's own table, which scrapyd's
    storage leaves empty and does not read."""

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        columns = {row[1] for row in self.jobs.conn.execute(f"pragma table_info({self.table})")}
        if "exit_code" not in columns:
            self.jobs.conn.execute(f"alter table {self.table} add column exit_code integer")
            self.jobs.conn.commit()

    @property
    def table(self) -> str:
        return str(self.jobs.table)

    def add(self, job: Any) -> None:
        self.jobs.conn.execute(
            f"insert into {self.table} (project, spider, job, start_time, end_time, exit_code)"
            " values (?, ?, ?, ?, ?, ?)",
            (job.project, job.spider, job.job, job.start_time, job.end_time, exit_code(job)),
        )
        self.jobs.conn.commit()
        self.jobs.clear(self.finished_to_keep)

    def __iter__(self) -> Iterator[JobProcessProtocol]:
        rows = self.jobs.conn.execute(
            "select project, spider, job, start_time, end_time, exit_code"
            f" from {self.table} order by end_time desc"
        )
        for project, spider, job_id, start_time, end_time, code in rows:
            job = JobProcessProtocol(project, spider, job_id, env={}, args=[])
            job.start_time = datetime.datetime.fromisoformat(start_time)
            job.end_time = datetime.datetime.fromisoformat(end_time)
            job.exit_code = code
            yield job


class ListJobs(scrapyd.webservice.ListJobs):
    """scrapyd's ``listjobs.json``, whose jobs that exited non-zero are listed under
    ``failed`` (scrapyd's keys for a finished job and ``exit_code``) instead of
    ``finished``; every other key as scrapyd writes it."""

    def render_GET(self, txrequest: Request) -> dict[str, Any]:
        # scrapyd's own answer first: it checks the request (and pops its arguments).
        wanted = (txrequest.args or {}).get(b"project")
        answer: dict[str, Any] = super().render_GET(txrequest)
        project = wanted[0].decode() if wanted else None
        # scrapyd lists the finished jobs in the storage's order, this project's only.
        jobs = [job for job in self.root.launcher.finished if project in (None, job.project)]
        entries = list(zip(answer["finished"], jobs, strict=True))
        answer["finished"] = [entry for entry, job in entries if not failed(job)]
        answer["failed"] = [
            {**entry, "exit_code": exit_code(job)} for entry, job in entries if failed(job)
        ]
        return answer


class Jobs(scrapyd.website.Jobs):
    """scrapyd's jobs page, with an ``Exit`` column and the failed jobs in a section of
    their own under the finished ones."""

    def __init__(self, root: Any) -> None:
        super().__init__(root)
        self.headers.insert(self.headers.index("Finish") + 1, "Exit")

    def prepare_finished(self) -> str:
        jobs = list(self.root.launcher.finished)
        # Inside scrapyd's "Finished" section: the failed jobs end it and open their own.
        return "\n".join(
            [
                self._rows(job for job in jobs if not failed(job)),
                "</tbody>",
                "<tbody>",
                "<tr>",
                f'    <th colspan="{len(self.headers)}">Failed</th>',
                "</tr>",
                self._rows(job for job in jobs if failed(job)),
            ]
        )

    def _rows(self, jobs: Iterable[Any]) -> str:
        return "\n".join(
            self.prepare_row(
                {
                    "Project": escape(job.project),
                    "Spider": escape(job.spider),
                    "Job": escape(job.job),
                    "Start": scrapyd.website.no_microseconds(job.start_time),
                    "Runtime": scrapyd.website.no_microseconds(job.end_time - job.start_time),
                    "Finish": scrapyd.website.no_microseconds(job.end_time),
                    "Exit": exit_code(job),
                    "Log": self.html_log_url(job),
                    "Items": self.html_item_url(job),
                }
            )
            for job in jobs
        )


class Root(scrapyd.website.Root):
    """scrapyd's web root, with :class:`Jobs` as its jobs page."""

    def __init__(self, config: Any, app: Any) -> None:
        super().__init__(config, app)
        self.putChild(b"jobs", Jobs(self))
