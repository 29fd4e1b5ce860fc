"""The command line: every command has help and is documented in the README."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from newsbot.cli import cli

COMMANDS = sorted(cli.commands)


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    """Every command by its full name ("export articles"), subcommands of groups included."""
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(prefix + name)
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


ALL_COMMANDS = _commands(cli)


def test_there_are_commands() -> None:
    assert {"crawl", "demo", "stats", "search"} <= set(COMMANDS)


@pytest.mark.parametrize("name", ALL_COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command: click.Command = cli
    for part in name.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    assert command.help and len(command.help.strip()) > 20
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


@pytest.mark.parametrize("name", ALL_COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`newsbot {name}" in readme
