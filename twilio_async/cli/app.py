"""The ``twilio-async`` command: its groups, and shell completion."""

from __future__ import annotations

import click

from .._version import __version__
from .addons import addons
from .jobs import apply_settings, buy_numbers, release_numbers, update_numbers
from .numbers import export_numbers, list_numbers, search_numbers

__all__ = ["COMPLETE_VAR", "PROG", "cli"]

PROG = "twilio-async"
COMPLETE_VAR = "_TWILIO_ASYNC_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name=PROG)
def cli() -> None:
    """Manage Twilio phone numbers and Add-ons in bulk.

    Credentials come from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and
    TWILIO_API_SECRET); every command takes --fake to run against a bundled fake Twilio
    instead, with no account. Exit status: 0 done, 1 something failed, 2 usage error.
    """


@cli.group("numbers")
def numbers() -> None:
    """The account's phone numbers: list, search, buy, update, release, export, apply."""


for command in (
    list_numbers,
    search_numbers,
    buy_numbers,
    update_numbers,
    release_numbers,
    export_numbers,
    apply_settings,
):
    numbers.add_command(command)
cli.add_command(addons)


@cli.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
    bash:  eval "$(twilio-async completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(twilio-async completion zsh)"     (in ~/.zshrc)
    fish:  twilio-async completion fish > ~/.config/fish/completions/twilio-async.fish
    """
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    assert complete is not None  # every name SHELLS lists is one of click's
    click.echo(complete(cli, {}, PROG, COMPLETE_VAR).source())
