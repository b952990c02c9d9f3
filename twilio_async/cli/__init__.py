"""``twilio-async``: a command line for number inventories, bulk jobs and Add-ons.

Install it with the ``cli`` extra (``pip install '.[cli]'`` from a checkout); run
``twilio-async --help``, or ``python -m twilio_async.cli``. Every command takes ``--fake``
to work against the bundled fake Twilio, so it can be tried without an account.

Built on **click**, with **rich** for tables and progress bars. Why click rather than
typer (which is built on click):

* Start-up time. A command line tool is started often (and once per Tab for completion):
  ``import click`` costs about 45 ms on the machine it was built on, ``import typer``
  about 70 ms, since typer brings its own layer and rich with it. Here rich loads only
  when a table or a progress bar is drawn.
* Typing. The commands are plain async functions with keyword arguments, checked by
  ``mypy --strict``; click's decorators are typed. Typer reads the annotations at run
  time to make options, which puts the CLI's behaviour in the types: a ``TypedDict`` of
  filters cannot become options that way, and here the filter options are generated
  from the library's own ``TypedDict``\\ s (:mod:`.options`).
* Completion and testing are click's in both: ``twilio-async completion bash`` prints
  click's completion script, and the tests run the real command in a subprocess.

Layout: :mod:`.app` (the groups), :mod:`.runtime` (how a command runs: the client, the
fake, errors and exit codes), :mod:`.numbers` (list, search, export), :mod:`.jobs` (buy,
update, release, apply: bulk jobs), :mod:`.addons`, :mod:`.options` and :mod:`.settings`
(shared options), :mod:`.output` and :mod:`.listing` (tables, CSV, JSON Lines, streamed),
:mod:`.progress` (bars and plain lines on standard error), :mod:`.demo` (``--fake``).
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["main"]

_EXTRA = ("click", "rich")


def main() -> None:
    """The ``twilio-async`` console script."""
    missing = [name for name in _EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit(
            f"twilio-async needs {' and '.join(missing)}: install the cli extra"
            " (pip install '.[cli]' in a checkout of twilio_async)"
        )
    from .app import COMPLETE_VAR, PROG, cli

    cli.main(prog_name=PROG, complete_var=COMPLETE_VAR)
