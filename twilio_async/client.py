"""The entry point: :class:`Client` and the tree of API versions below it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Self, Unpack
from yarl import URL

from .errors import ConfigurationError, InvalidSidError
from .hosts import (
    Hosts,
    Product,
    allow_unknown_region_from,
    base_url_from,
    refuse_fake_secret_off_loopback,
)
from .retry import RetryPolicy
from .sids import validate_sid
from .transport import (
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    Credentials,
    Options,
    Transport,
)

# The resource tree (and with it the models, the converter and asyncio) is imported on
# first use, as the official client loads its domains; aiohttp at the first request.
# ``import twilio_async`` stays cheap for services and CLIs that start often.
if TYPE_CHECKING:
    import aiohttp

    from .limits import Limiter
    from .resources.available_phone_numbers import AvailablePhoneNumberCountryList
    from .resources.base import Requester
    from .resources.incoming_phone_numbers import IncomingPhoneNumberList
    from .resources.incoming_phone_numbers_v2008 import IncomingPhoneNumberListV2008
    from .resources.marketplace import MarketplaceV1, Preview

__all__ = ["V2008", "V2010", "Api", "Client"]

_API_KEY = re.compile(r"^SK[0-9a-fA-F]{32}\Z")  # \Z: "$" would allow a trailing newline


def resolve_credentials(
    *,
    account_sid: str | None,
    auth_token: str | None,
    api_key: str | None,
    api_secret: str | None,
    environ: Mapping[str, str],
) -> tuple[str, Credentials]:
    """Work out the account and the Basic-auth pair from arguments, then the environment.

    Pure. Error messages name what is missing or malformed, never a secret's value.
    """
    account_sid = account_sid or environ.get("TWILIO_ACCOUNT_SID") or None
    api_key = api_key or environ.get("TWILIO_API_KEY") or None
    if account_sid is None:
        raise ConfigurationError(
            "no account SID: pass Client(account_sid, ...) or set TWILIO_ACCOUNT_SID",
            param="account_sid",
        )
    try:
        validate_sid(account_sid, "AC", param="account_sid")
    except InvalidSidError:
        # The value is not echoed: a swapped Client(auth_token, account_sid) puts a secret here.
        raise ConfigurationError(
            "account_sid must be an AC SID (AC followed by 32 hex digits)", param="account_sid"
        ) from None
    if api_key is not None:
        if not _API_KEY.match(api_key):
            raise ConfigurationError(
                "api_key must be an SK SID (SK followed by 32 hex digits)", param="api_key"
            )
        secret = api_secret or environ.get("TWILIO_API_SECRET") or None
        if secret is None:
            raise ConfigurationError(
                "an API key needs its secret: pass api_secret=... or set TWILIO_API_SECRET",
                param="api_secret",
            )
        return account_sid, Credentials(api_key, secret)
    token = auth_token or environ.get("TWILIO_AUTH_TOKEN") or None
    if token is None:
        raise ConfigurationError(
            "no auth token: pass Client(account_sid, auth_token), set TWILIO_AUTH_TOKEN, "
            "or use api_key/api_secret",
            param="auth_token",
        )
    return account_sid, Credentials(account_sid, token)


class _AccountScope:
    """Something scoped to one account: API versions, ``client.accounts("AC…")``."""

    def __init__(self, requester: Requester, account_sid: str) -> None:
        self._requester = requester
        self.account_sid = account_sid

    def accounts(self, account_sid: str) -> Self:
        """The same thing scoped to another account (a subaccount) by its ``AC…`` SID."""
        validate_sid(account_sid, "AC", param="account_sid")
        return type(self)(self._requester, account_sid)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account_sid={self.account_sid!r}>"


class V2010(_AccountScope):
    """API version 2010-04-01 (``api.twilio.com``, JSON), scoped to one account."""

    @property
    def account(self) -> V2010:
        """This same account scope: the official twilio package's spelling
        ``client.api.v2010.account.incoming_phone_numbers``."""
        return self

    @cached_property
    def incoming_phone_numbers(self) -> IncomingPhoneNumberList:
        """The account's phone numbers."""
        from .resources.incoming_phone_numbers import IncomingPhoneNumberList

        return IncomingPhoneNumberList(self._requester, {"account_sid": self.account_sid})

    @cached_property
    def available_phone_numbers(self) -> AvailablePhoneNumberCountryList:
        """Numbers for sale: the countries, and ``("US").local`` (etc.) to search one."""
        from .resources.available_phone_numbers import AvailablePhoneNumberCountryList

        return AvailablePhoneNumberCountryList(self._requester, {"account_sid": self.account_sid})


class V2008(_AccountScope):
    """The legacy API version 2008-08-01 (``api.twilio.com``, XML), scoped to one account."""

    @cached_property
    def incoming_phone_numbers(self) -> IncomingPhoneNumberListV2008:
        """The account's phone numbers, in the 2008-08-01 API's terms."""
        from .resources.incoming_phone_numbers_v2008 import IncomingPhoneNumberListV2008

        return IncomingPhoneNumberListV2008(self._requester, {"account_sid": self.account_sid})


class Api(_AccountScope):
    """The ``api.twilio.com`` domain of one account: ``.v2010``, and the legacy ``.v2008``."""

    @cached_property
    def v2010(self) -> V2010:
        return V2010(self._requester, self.account_sid)

    @cached_property
    def v2008(self) -> V2008:
        return V2008(self._requester, self.account_sid)

    @property
    def account(self) -> V2010:
        """The account's 2010-04-01 resources (``.v2010``): the official twilio package's
        spelling ``client.api.account.incoming_phone_numbers``."""
        return self.v2010


class Account(_AccountScope):
    """Everything scoped to one (sub)account: ``client.accounts("AC…")``."""

    @cached_property
    def api(self) -> Api:
        return Api(self._requester, self.account_sid)

    @property
    def incoming_phone_numbers(self) -> IncomingPhoneNumberList:
        """This account's phone numbers (``client.accounts("AC…").incoming_phone_numbers``)."""
        return self.api.v2010.incoming_phone_numbers

    @property
    def available_phone_numbers(self) -> AvailablePhoneNumberCountryList:
        """Numbers for sale, searched as this account (``.available_phone_numbers("US").local``)."""
        return self.api.v2010.available_phone_numbers


class Client:
    """An asyncio Twilio client for phone numbers and add-ons.

    ::

        async with Client("AC…", "auth token") as client:
            async for number in client.incoming_phone_numbers.stream(page_size=1000):
                ...

    Credentials come from the arguments or from ``TWILIO_ACCOUNT_SID`` /
    ``TWILIO_AUTH_TOKEN`` (or ``TWILIO_API_KEY`` / ``TWILIO_API_SECRET``); the region and
    edge from ``region``/``edge`` or ``TWILIO_REGION`` / ``TWILIO_EDGE``, which must be
    names Twilio documents (a typo raises :class:`~twilio_async.ConfigurationError` with
    the close match) unless ``allow_unknown_region=True`` (or
    ``TWILIO_ALLOW_UNKNOWN_REGION=1``) lets a newer one through; ``base_url`` from
    ``TWILIO_BASE_URL`` when not passed.

    One client holds one aiohttp session (created on first use, inside the running event
    loop) shared by every request; use it for the life of your service and close it with
    ``async with`` or :meth:`close`. A ``session`` you pass in is used and never closed. A
    client made at import time works in one ``asyncio.run()`` after another (each loop gets
    its own session, closed as that loop shuts down); using it from a second loop while the
    first is still open raises :class:`~twilio_async.EventLoopError`.

    ``max_concurrency`` bounds requests in flight across the whole client (default 50), so
    ``asyncio.gather`` over thousands of operations queues instead of flooding Twilio. With
    ``adaptive_concurrency`` (default True) the bound in use moves below it: it starts at
    10, grows while Twilio answers and backs off when Twilio answers 429 (the account's
    concurrency limit), so a ``max_concurrency`` above that limit costs a few 429s instead
    of a storm of them; False keeps it at ``max_concurrency``. ``limiter`` replaces both
    with a :class:`~twilio_async.limits.Limiter` you make, e.g. a
    :class:`~twilio_async.limits.LocalLimiter` shared by several clients of one account.
    ``timeout`` (seconds, or an :class:`aiohttp.ClientTimeout`) applies to each attempt
    (default 30); ``total_timeout`` bounds a whole call, retries and waits included
    (default 60; None for no bound); ``max_response_size`` refuses a larger response body
    (default 32 MiB) with :class:`~twilio_async.ResponseTooLargeError`. :meth:`with_options`
    changes these per call. ``base_url`` sends every product to one origin (e.g. a local
    fake); ``api_base_url``, ``marketplace_base_url`` and ``preview_base_url`` override a
    single product.

    Args:
        account_sid: The account's ``AC…`` SID. Default: ``TWILIO_ACCOUNT_SID``.
        auth_token: The account's auth token. Default: ``TWILIO_AUTH_TOKEN``; not needed
            with an API key.
        api_key: An API key's ``SK…`` SID, to sign in with instead of the auth token.
            Default: ``TWILIO_API_KEY``.
        api_secret: The API key's secret. Default: ``TWILIO_API_SECRET``.
        region: A Twilio Region (``"au1"``, ``"ie1"``, ...). Default: ``TWILIO_REGION``.
        edge: A Twilio Edge location (``"sydney"``, ``"dublin"``, ...). Default:
            ``TWILIO_EDGE``.
        allow_unknown_region: Accept a region or edge that is not among Twilio's documented
            names (a newer one). Default: ``TWILIO_ALLOW_UNKNOWN_REGION=1``, else False.
        base_url: One origin for every product (a local fake, a proxy). Default:
            ``TWILIO_BASE_URL``.
        api_base_url: The origin of ``api.twilio.com`` alone.
        marketplace_base_url: The origin of ``marketplace.twilio.com`` alone.
        preview_base_url: The origin of ``preview.twilio.com`` alone.
        timeout: Seconds each attempt may take (or an ``aiohttp.ClientTimeout``).
        total_timeout: Seconds a whole call may take, retries and waits included; None
            for no bound.
        max_concurrency: The most requests in flight at once (default 50).
        adaptive_concurrency: Move the limit in use below ``max_concurrency`` by Twilio's
            answers (default True).
        limiter: A :class:`~twilio_async.limits.Limiter` to take permits from instead of
            the client's own (not with ``max_concurrency`` or ``adaptive_concurrency``).
        max_response_size: The most bytes a response body may have.
        retry: The retry rules (default ``RetryPolicy()``).
        session: An ``aiohttp.ClientSession`` to send with; the client never closes it.
        user_agent_extra: Text added to the ``User-Agent`` header.
        environ: A mapping read instead of ``os.environ``.
    """

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        region: str | None = None,
        edge: str | None = None,
        allow_unknown_region: bool | None = None,
        base_url: str | URL | None = None,
        api_base_url: str | URL | None = None,
        marketplace_base_url: str | URL | None = None,
        preview_base_url: str | URL | None = None,
        timeout: float | aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        max_concurrency: int | None = None,
        adaptive_concurrency: bool | None = None,
        limiter: Limiter[Any] | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        user_agent_extra: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.account_sid, credentials = resolve_credentials(
            account_sid=account_sid,
            auth_token=auth_token,
            api_key=api_key,
            api_secret=api_secret,
            environ=env,
        )
        self._auth_kind = "api key" if credentials.username != self.account_sid else "auth token"
        self.hosts = Hosts.resolve(
            region=region if region is not None else env.get("TWILIO_REGION"),
            edge=edge if edge is not None else env.get("TWILIO_EDGE"),
            base_url=base_url_from(base_url, env),
            overrides={
                Product.API: api_base_url,
                Product.MARKETPLACE: marketplace_base_url,
                Product.PREVIEW: preview_base_url,
            },
            allow_unknown_region=allow_unknown_region_from(allow_unknown_region, env),
        )
        self._transport = Transport(  # checks the options, naming a bad one
            credentials=credentials,
            timeout=timeout,
            total_timeout=total_timeout,
            retry=retry,
            max_concurrency=max_concurrency,
            adaptive_concurrency=adaptive_concurrency,
            limiter=limiter,
            max_response_size=max_response_size,
            session=session,
            user_agent_extra=user_agent_extra,
        )
        refuse_fake_secret_off_loopback(credentials.password, self.hosts)  # nothing sent yet

    def with_options(self, **options: Unpack[Options]) -> Client:
        """This client with other per-call options: ``timeout``, ``total_timeout``, ``retry``
        and ``max_response_size``. It shares this client's session, concurrency bound and
        closed state (closing either closes both), so it is cheap to make per call::

            quick = client.with_options(total_timeout=5, retry=RetryPolicy(max_retries=1))
            number = await quick.incoming_phone_numbers("PN…").fetch()
        """
        clone = object.__new__(Client)
        clone.account_sid = self.account_sid
        clone._auth_kind = self._auth_kind
        clone.hosts = self.hosts
        clone._transport = self._transport.with_options(**options)
        return clone

    @cached_property
    def _requester(self) -> Requester:
        from .resources.base import Requester

        return Requester(transport=self._transport, hosts=self.hosts)

    # -- the resource tree ------------------------------------------------------------

    @cached_property
    def api(self) -> Api:
        """``api.twilio.com`` for the client's account: ``client.api.v2010``."""
        return Api(self._requester, self.account_sid)

    @property
    def incoming_phone_numbers(self) -> IncomingPhoneNumberList:
        """Shortcut for ``client.api.v2010.incoming_phone_numbers``."""
        return self.api.v2010.incoming_phone_numbers

    @property
    def available_phone_numbers(self) -> AvailablePhoneNumberCountryList:
        """Shortcut for ``client.api.v2010.available_phone_numbers``: search numbers to buy."""
        return self.api.v2010.available_phone_numbers

    @cached_property
    def marketplace(self) -> MarketplaceV1:
        """Marketplace v1 (``marketplace.twilio.com/v1``): ``available_add_ons`` (the
        catalog) and ``installed_add_ons`` (this account's installs). ``.v1`` is the same
        (the official twilio package's spelling)."""
        from .resources.marketplace import MarketplaceV1

        return MarketplaceV1(self._requester, {})

    @cached_property
    def preview(self) -> Preview:
        """``preview.twilio.com``: ``client.preview.marketplace`` is the deprecated
        predecessor of :attr:`marketplace` (same surface; warns on use)."""
        from .resources.marketplace import Preview

        return Preview(self._requester)

    def accounts(self, account_sid: str) -> Account:
        """Resources of another (sub)account: ``client.accounts("AC…").incoming_phone_numbers``."""
        validate_sid(account_sid, "AC", param="account_sid")
        return Account(self._requester, account_sid)

    # -- lifecycle --------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called (a closed client sends nothing more)."""
        return self._transport.closed

    @property
    def retry(self) -> RetryPolicy:
        """The :class:`RetryPolicy` every request follows."""
        return self._transport.retry

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        """The per-attempt timeout."""
        return self._transport.timeout

    @property
    def total_timeout(self) -> float | None:
        """Seconds a whole call may take, retries and waits included (None: no bound)."""
        return self._transport.total_timeout

    @property
    def max_response_size(self) -> int:
        """The most bytes a response body may have (a larger one raises
        ``ResponseTooLargeError``)."""
        return self._transport.max_response_size

    @property
    def max_concurrency(self) -> int:
        """The most requests in flight (the limiter's ``max_concurrency``)."""
        return self._transport.max_concurrency

    @property
    def limiter(self) -> Limiter[Any]:
        """The limiter every attempt takes a permit from: the one passed in, or the
        client's own :class:`~twilio_async.limits.LocalLimiter` (``client.limiter.limit``
        is the adaptive limit now)."""
        return self._transport.limiter

    async def close(self) -> None:
        """Close the HTTP session (unless it was passed in). Safe to call twice."""
        await self._transport.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        api = self.hosts.origin(Product.API)
        return (
            f"<twilio_async.Client account_sid={self.account_sid!r} auth={self._auth_kind!r} "
            f"api={str(api)!r}{' closed' if self.closed else ''}>"
        )

    def __reduce__(self) -> Any:
        raise TypeError(
            "a twilio_async Client holds a live session and secrets; it cannot be pickled"
        )
