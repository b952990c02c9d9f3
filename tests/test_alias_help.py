"""help() on the official package's spelling ``stream_async`` says what ``stream`` says:
its parameters and its documentation (it used to show ``awaited(*args, **kwargs)``)."""

from __future__ import annotations

import inspect
import pydoc

from twilio_async import Client

ACCOUNT = "AC" + "0" * 32


def test_stream_async_has_streams_signature_and_documentation() -> None:
    numbers = Client(ACCOUNT, "token").incoming_phone_numbers
    alias = numbers.stream_async
    assert alias.__name__ == "stream_async"
    assert list(inspect.signature(alias).parameters) == list(
        inspect.signature(numbers.stream).parameters
    )
    text = pydoc.render_doc(alias, renderer=pydoc.plaintext)
    assert "stream_async(*, limit" in text
    assert "``await`` it for stream()" in text
    first_line = (numbers.stream.__doc__ or "").strip().splitlines()[0]
    assert first_line
    assert first_line in text


def test_every_lists_alias_documents_its_own_stream() -> None:
    client = Client(ACCOUNT, "token")
    lists = [
        client.incoming_phone_numbers,
        client.available_phone_numbers("US").local,
        client.marketplace.available_add_ons,
        client.incoming_phone_numbers("PN" + "0" * 32).assigned_add_ons,
    ]
    for resource in lists:
        alias_doc = inspect.getdoc(resource.stream_async) or ""
        assert inspect.getdoc(resource.stream) in alias_doc, type(resource).__name__
