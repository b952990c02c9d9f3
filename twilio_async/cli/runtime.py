"""How every command runs: its common options, the client it talks to, its exit code.

A command is an ``async def body(session, **options) -> int`` wrapped by
:func:`session_command`, which adds the options every command has (``--fake``,
``--concurrency``, ``--debug``), opens a :class:`Session` (a client from ``TWILIO_*`` as
``Client()`` reads them, or one on the bundled fake started in this process), runs the
body with ``asyncio.run`` and turns what happened into an exit code:

* 0: everything done; 1: something failed (a Twilio error, items of a job); 2: a usage
  error, click's own or bad input the library refused before sending anything
  (:class:`~twilio_async.TwilioValidationError`); 130: interrupted (Ctrl-C).
* A Twilio error prints its code, message and docs link, never a traceback; ``--debug``
  adds the traceback and the library's debug log.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs
import click

from ..errors import (
    ConfigurationError,
    TwilioAPIError,
    TwilioError,
    TwilioValidationError,
    escape_control,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ..client import Client
    from ..testing import FakeTwilio
    from .progress import ProgressView

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Output",
    "Session",
    "describe_error",
    "session_command",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

Body = Callable[..., Awaitable[int]]


class Output:
    """Where a command's output goes: results to standard output, everything else (notes,
    progress, errors) to standard error. Colour and live redrawing only on a terminal;
    ``NO_COLOR`` turns colour and every other style off."""

    def __init__(self, *, debug: bool = False) -> None:
        self.debug = debug
        self.stdout_terminal = sys.stdout.isatty()
        self.stderr_terminal = sys.stderr.isatty()

    @functools.cached_property
    def err(self) -> Console:
        from rich.console import Console

        from .output import color_system

        return Console(
            stderr=True,
            force_terminal=self.stderr_terminal,
            color_system=color_system(),
            highlight=False,
            soft_wrap=True,
        )

    @property
    def live(self) -> bool:
        """Progress may redraw in place: standard error is a terminal that can."""
        return self.stderr_terminal and os.environ.get("TERM", "") not in ("dumb", "unknown")

    def result(self, text: str) -> None:
        """A line of the command's result, on standard output."""
        print(text, flush=True)

    def note(self, text: str) -> None:
        """A line for the person at the terminal, on standard error."""
        print(text, file=sys.stderr, flush=True)

    def error(self, error: BaseException) -> None:
        """An error that ends the command: Twilio's code, message and link; the traceback
        only with ``--debug`` (or, for an error nobody expected, a hint to use it)."""
        if self.debug:
            traceback.print_exception(error)
        self.note(f"error: {describe_error(error)}")
        if not isinstance(error, TwilioError) and not self.debug:
            self.note("(an unexpected error: run with --debug to see the traceback)")

    def view(self, label: str) -> ProgressView:
        from .progress import open_view

        return open_view(self.err, label, live=self.live)


def describe_error(error: BaseException, *, brief: bool = False) -> str:
    """An error as the user reads it: Twilio's code, message and docs link first (on one
    line when ``brief``)."""
    if isinstance(error, TwilioAPIError):
        code = f"Twilio error {error.code}" if error.code is not None else "Twilio error"
        head = f"{code}: {escape_control(error.message)}"
        link = escape_control(error.more_info) if error.more_info else None
        if brief:
            return head + (f" ({link})" if link else "")
        lines = [head]
        if link:
            lines.append(f"  more info: {link}")
        lines.append(f"  (HTTP {error.status} {error.method} {escape_control(error.url)})")
        if error.request_id:
            lines.append(f"  request id: {escape_control(error.request_id)}")
        return "\n".join(lines)
    if isinstance(error, TwilioError):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__}: {escape_control(str(error))}"


@attrs.define
class Session:
    """What a command works with: its client, its output, and the fake if it runs on one."""

    client: Client
    output: Output
    fake: FakeTwilio | None = None

    def confirm(self, action: str, *, yes: bool) -> None:
        """Ask before ``action`` (spending money, releasing numbers) on a real account.

        ``--yes`` and ``--fake`` need no answer; with no terminal to ask on, the command
        stops with a usage error before anything is sent.
        """
        if yes or self.fake is not None:
            return
        where = f"on account {self.client.account_sid}"
        if not sys.stdin.isatty():
            raise click.UsageError(f"{action} {where}: add --yes to confirm (no terminal to ask)")
        click.confirm(f"{action} {where}. Go ahead?", abort=True, err=True)


@attrs.frozen
class Common:
    """The options every command has."""

    fake: bool = False
    concurrency: int | None = None
    debug: bool = False


_COMMON_OPTIONS = (
    click.option(
        "--fake",
        is_flag=True,
        help="Run against the bundled fake Twilio, started in this process with an "
        "inventory of numbers and installed Add-ons: no account needed, nothing real "
        "is touched.",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Requests in flight at most (default: the client's, 50).",
    ),
    click.option("--debug", is_flag=True, help="Show tracebacks and the library's debug log."),
)


def session_command(body: Body) -> Callable[..., None]:
    """Make ``body(session, **options)`` a click callback with the common options."""

    @functools.wraps(body)
    def callback(*, fake: bool, concurrency: int | None, debug: bool, **options: Any) -> None:
        common = Common(fake=fake, concurrency=concurrency, debug=debug)
        code = execute(common, lambda session: body(session, **options))
        click.get_current_context().exit(code)

    for option in reversed(_COMMON_OPTIONS):
        callback = option(callback)
    return callback


@contextlib.asynccontextmanager
async def open_session(common: Common, output: Output) -> AsyncIterator[Session]:
    """A session on real Twilio (``TWILIO_*``, as ``Client()`` reads them) or on the fake."""
    from ..client import Client

    options: dict[str, Any] = {}
    if common.concurrency is not None:
        options["max_concurrency"] = common.concurrency
    if common.fake:
        from .demo import demo_fake

        async with demo_fake() as fake, fake.client(**options) as client:
            yield Session(client, output, fake)
        return
    try:
        client = Client(**options)
    except ConfigurationError as error:
        raise click.UsageError(f"{error} (or try the bundled fake with --fake)") from None
    async with client:
        yield Session(client, output)


async def _run(common: Common, output: Output, body: Callable[[Session], Awaitable[int]]) -> int:
    async with open_session(common, output) as session:
        return await body(session)


def execute(common: Common, body: Callable[[Session], Awaitable[int]]) -> int:
    """Run a command's body to its exit code (usage errors go to click, which exits 2)."""
    output = Output(debug=common.debug)
    if common.debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        library = logging.getLogger("twilio_async")
        library.addHandler(handler)
        library.setLevel(logging.DEBUG)
    try:
        return asyncio.run(_run(common, output, body))
    except KeyboardInterrupt:
        output.note("interrupted")
        return EXIT_INTERRUPTED
    except TwilioValidationError as error:  # refused before anything was sent
        if common.debug:
            traceback.print_exception(error)
        raise click.UsageError(str(error)) from None
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except (click.ClickException, click.Abort, click.exceptions.Exit):
        raise
    except Exception as error:
        output.error(error)
        return EXIT_FAILED
