"""The command line: every command has help and is documented in the README."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from newsbot.cli import cli

COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"crawl", "demo", "stats", "search"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`newsbot {name}" in readme
