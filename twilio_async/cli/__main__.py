"""``python -m twilio_async.cli``: the ``twilio-async`` command."""

from . import main

main()
