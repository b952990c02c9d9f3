"""A concurrency limit shared by every worker of a fleet: :class:`RedisLimiter`, a lease
semaphore in Redis implementing the :class:`~twilio_async.limits.Limiter` interface.

Twilio limits requests in flight per account, not per process; workers on several
processes or machines share the account's budget through one Redis key: a worker takes a
lease before each attempt and gives it back after; a lease it does not renew (its worker
died) expires after ``lease_ttl`` seconds and its capacity goes to the next in line.

Why Lua written here: the libraries around do other things. ``limits`` and
``pyrate-limiter`` limit rates (requests per window), not requests in flight; redis-py's
``Lock`` is a mutex of one holder (no capacity); the Redis docs' "fair semaphore" (a
counter and two sorted sets) grants by rank at the moment of trying, so waiters poll and
the order among them is whoever polls first. This one is that semaphore made a queue:

* ``<key>:leases``, a sorted set of lease ids scored by expiry (Redis's clock, in ms, so
  the workers' clocks do not matter); expired ones are removed by every script.
* ``<key>:queue``, waiting tickets in order (retries of calls under way first, then in
  order of arrival, fleet-wide); ``<key>:waiting``, the same tickets scored by expiry
  (renewed while their worker lives: a dead worker's tickets leave the queue);
  ``<key>:counter``, the ticket numbers.
* ``<key>:notify:<holder>``: when a script moves tickets from the queue's head into free
  leases, it pushes their ids to their limiter's list; the limiter waits on it with one
  ``BLPOP`` for all its waiting requests (no polling; no connection per request).

Round trips: an acquire is one ``EVALSHA`` (granted at once when the queue is empty and a
lease is free); a release is at most one, in the background, batched with the other
releases of the moment, or none when an acquire goes first and takes them along; renewal
is one per ``lease_ttl / 3`` per process, for all its leases and tickets at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ConfigurationError, TwilioError
from .limits import LocalLimiter, Outcome
from .sids import validate_sid

try:
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - the extra not installed
    raise ImportError(
        "twilio_async.limits_redis needs the redis package: install the redis extra"
        " (pip install '.[redis]' in a checkout of twilio_async)"
    ) from exc

if TYPE_CHECKING:
    from redis.commands.core import AsyncScript

__all__ = ["DEFAULT_LEASE_TTL", "LimiterUnavailableError", "RedisLimiter", "lease_key"]

logger = logging.getLogger("twilio_async")

DEFAULT_LEASE_TTL = 10.0
"""Seconds a lease lives unless renewed: the time a dead worker's capacity stays taken."""
DEFAULT_REDIS_TIMEOUT = 5.0
"""Seconds any one Redis call may take before the limiter counts Redis as unreachable."""
RETRY_REDIS_AFTER = 1.0
"""Seconds after an unreachable Redis before the limiter tries it again (until then it
fails at once, or uses its fallback, instead of waiting out a timeout per request)."""

T = TypeVar("T")


class LimiterUnavailableError(TwilioError):
    """The shared limiter's Redis could not be reached (and the limiter has no fallback):
    the request was not sent."""


def lease_key(account_sid: str) -> str:
    """The default key of an account's leases: from its SID (never a secret), in braces
    so that all its keys hash to one Redis Cluster slot."""
    return f"twilio_async:limit:{{{validate_sid(account_sid, 'AC', param='account_sid')}}}"


# -- the scripts ----------------------------------------------------------------------------

# KEYS: leases, queue, waiting, counter. Shared by every script.
_COMMON = """
local LEASES, QUEUE, WAITING, COUNTER = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Drop the leases and waiting tickets of workers that stopped renewing them.
local function reclaim(now)
  redis.call('ZREMRANGEBYSCORE', LEASES, '-inf', now)
  local dead = redis.call('ZRANGEBYSCORE', WAITING, '-inf', now)
  for _, t in ipairs(dead) do redis.call('ZREM', QUEUE, t) end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', WAITING, '-inf', now) end
end

-- Turn the queue's first tickets into the free leases; push each holder the ids it got
-- (all but own, whose caller gets the answer). True when own was granted.
local function grant(now, capacity, ttl, prefix, own)
  local free = capacity - redis.call('ZCARD', LEASES)
  if free <= 0 then return false end
  local heads = redis.call('ZRANGE', QUEUE, 0, free - 1)
  local got, told = false, {}
  for _, t in ipairs(heads) do
    redis.call('ZADD', LEASES, now + ttl, t)
    redis.call('ZREM', QUEUE, t)
    redis.call('ZREM', WAITING, t)
    if t == own then
      got = true
    else
      local holder = string.match(t, '^[^|]*')
      local ids = told[holder]
      if ids == nil then ids = {}; told[holder] = ids end
      ids[#ids + 1] = t
    end
  end
  for holder, ids in pairs(told) do
    redis.call('RPUSH', prefix .. holder, table.concat(ids, ','))
    redis.call('PEXPIRE', prefix .. holder, ttl)
  end
  return got
end

-- Milliseconds until the first lease expires (-1: none): when a waiter should look again
-- if nobody releases before.
local function next_expiry(now)
  local first = redis.call('ZRANGE', LEASES, 0, 0, 'WITHSCORES')
  if #first == 0 then return -1 end
  return tonumber(first[2]) - now
end
"""

# Give back ARGV[from], ... (leases or tickets), serving the queue with what they free.
_GIVE_BACK = """
local function give_back(from, now, capacity, ttl, prefix)
  for i = from, #ARGV do
    redis.call('ZREM', LEASES, ARGV[i])
    redis.call('ZREM', QUEUE, ARGV[i])
    redis.call('ZREM', WAITING, ARGV[i])
  end
  reclaim(now)
  grant(now, capacity, ttl, prefix, '')
end
"""

# ARGV: capacity, ttl ms, notify prefix, ticket, '1' for a retry, then ids given back first
# (this process's releases of the moment ride along: one round trip for both).
# Returns {1, 0} granted, or {0, ms until the first lease expires}: queued.
_ACQUIRE = (
    _COMMON
    + _GIVE_BACK
    + """
local capacity, ttl, prefix, ticket = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local now = now_ms()
give_back(6, now, capacity, ttl, prefix)
if redis.call('ZCARD', QUEUE) == 0 and redis.call('ZCARD', LEASES) < capacity then
  redis.call('ZADD', LEASES, now + ttl, ticket)
  return {1, 0}
end
local n = redis.call('INCR', COUNTER)
if ARGV[5] ~= '1' then n = n + 2^50 end  -- first attempts queue behind every retry
redis.call('ZADD', QUEUE, string.format('%.0f', n), ticket)
redis.call('ZADD', WAITING, now + ttl, ticket)
if grant(now, capacity, ttl, prefix, ticket) then return {1, 0} end
return {0, next_expiry(now)}
"""
)

# ARGV: capacity, ttl ms, notify prefix, ids (leases or tickets) to give back.
_RELEASE = (
    _COMMON
    + _GIVE_BACK
    + """
give_back(4, now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
return 0
"""
)

# ARGV: capacity, ttl ms, notify prefix, number of held leases, the held leases, then the
# waiting tickets. Returns {ms until the first lease expires, a state per waiting ticket
# (1 still waiting, 2 granted, 0 gone), then the held leases Redis no longer has}.
_RENEW = (
    _COMMON
    + """
local capacity, ttl, prefix, held = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local lost = {}
for i = 5, 4 + held do
  if redis.call('ZADD', LEASES, 'XX', 'CH', now + ttl, ARGV[i]) == 0
     and not redis.call('ZSCORE', LEASES, ARGV[i]) then
    lost[#lost + 1] = ARGV[i]
  end
end
for i = 5 + held, #ARGV do redis.call('ZADD', WAITING, 'XX', now + ttl, ARGV[i]) end
reclaim(now)
grant(now, capacity, ttl, prefix, '')
local out = {next_expiry(now)}
for i = 5 + held, #ARGV do
  local state = 0
  if redis.call('ZSCORE', QUEUE, ARGV[i]) then state = 1
  elseif redis.call('ZSCORE', LEASES, ARGV[i]) then state = 2 end
  out[#out + 1] = state
end
for _, lease in ipairs(lost) do out[#out + 1] = lease end
return out
"""
)


if sys.version_info >= (3, 11):

    async def _bounded(awaitable: Awaitable[T], seconds: float) -> T:
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def _bounded(awaitable: Awaitable[T], seconds: float) -> T:
        return await asyncio.wait_for(awaitable, seconds)


Permit = tuple[int, "str | None"]
"""The local gate's permit and the lease id (None: a permit of the fallback limit)."""


class RedisLimiter:
    """At most ``capacity`` requests in flight across every process using the same Redis
    key (by default one per account: ``account_sid`` names it; ``key`` sets another).
    Pass it as ``Client(limiter=...)``; one limiter per process serves any number of that
    process's clients of the account (in one event loop); close it with :meth:`aclose`
    (or ``async with``) when done.

    ``redis``: a ``redis://`` URL, or a ``redis.asyncio.Redis`` you made (then closed by
    you). ``lease_ttl``: seconds a lease lives unless renewed (renewed every third of it
    while its request runs): how long a dead worker's capacity stays taken.
    ``max_concurrency``: requests this process may have in flight or waiting at Redis
    (default ``capacity``; the client's connection pool is sized by it); beyond it they
    wait in the process, in order, retries first.

    **Fairness.** Waiters are served first come, first served across the fleet (retries of
    calls under way before first attempts): a worker's share of the capacity is its share
    of the demand, and no request waits behind one that asked after it.

    **When Redis cannot be reached** (no answer within ``redis_timeout`` seconds, a refused
    connection), ``fallback`` decides: None (the default) raises
    :class:`LimiterUnavailableError` (nothing is sent); a number lets this process go on
    with a local limit of that many requests in flight (choose it as the capacity divided
    by the number of workers to stay under the account's limit) until Redis answers again.
    Redis is tried again every second at most. Leases held while Redis restarts without
    its data are gone from it: their requests finish, uncounted.
    """

    def __init__(
        self,
        redis: str | aioredis.Redis,
        *,
        capacity: int,
        account_sid: str | None = None,
        key: str | None = None,
        lease_ttl: float = DEFAULT_LEASE_TTL,
        max_concurrency: int | None = None,
        fallback: int | None = None,
        redis_timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        if (account_sid is None) == (key is None):
            raise ConfigurationError(
                "give the account_sid whose requests the limit counts, or a key", param="key"
            )
        if key is None:
            key = lease_key(account_sid or "")
        elif not isinstance(key, str) or not key:
            raise ConfigurationError("key must be a non-empty string", param="key")
        _check_whole("capacity", capacity)
        if max_concurrency is not None:
            _check_whole("max_concurrency", max_concurrency)
        if fallback is not None:
            _check_whole("fallback", fallback)
        for name, seconds in (("lease_ttl", lease_ttl), ("redis_timeout", redis_timeout)):
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
                raise ConfigurationError(f"{name} must be a number of seconds > 0", param=name)
        if lease_ttl < 0.03:
            raise ConfigurationError("lease_ttl must be 0.03 seconds or more", param="lease_ttl")
        if isinstance(redis, str):
            self._redis = aioredis.Redis.from_url(
                redis, socket_timeout=redis_timeout, socket_connect_timeout=redis_timeout
            )
            self._own_redis = True
        elif isinstance(redis, aioredis.Redis):
            self._redis, self._own_redis = redis, False
        else:
            raise ConfigurationError(
                "redis must be a redis:// URL or a redis.asyncio.Redis", param="redis"
            )
        self.key = key
        self.capacity = capacity
        self.lease_ttl = float(lease_ttl)
        self.max_concurrency = capacity if max_concurrency is None else max_concurrency
        self.redis_timeout = float(redis_timeout)
        self._ttl_ms = max(1, round(lease_ttl * 1000))
        # A BLPOP blocks a quarter of the client's read timeout at most, or it would read as
        # a dead Redis (Redis ends a block late by up to a tick of its clock, 100 ms): a
        # waiter listens again (one round trip) at least that often.
        socket_timeout = self._redis.connection_pool.connection_kwargs.get("socket_timeout")
        self._longest_block = min(self.redis_timeout, socket_timeout or float("inf")) / 4
        self._keys = [f"{key}:leases", f"{key}:queue", f"{key}:waiting", f"{key}:counter"]
        self.holder = secrets.token_hex(8)
        """This limiter's id at Redis: its leases are ``<holder>|<n>``."""
        self._notify_prefix = f"{key}:notify:"
        self._notify = self._notify_prefix + self.holder
        self._acquire_script: AsyncScript = self._redis.register_script(_ACQUIRE)
        self._release_script: AsyncScript = self._redis.register_script(_RELEASE)
        self._renew_script: AsyncScript = self._redis.register_script(_RENEW)
        self._gate = LocalLimiter(self.max_concurrency, adaptive=False)
        self._fallback = None if fallback is None else LocalLimiter(fallback, adaptive=False)
        self._serial = 0
        self._held: set[str] = set()
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._to_release: list[str] = []
        self._releaser: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._closed = False
        self._down_until = float("-inf")  # loop time before which Redis is not tried
        self._next_expiry = float("inf")  # loop time of the first lease's expiry at Redis

    # -- the Limiter interface ----------------------------------------------------------------

    async def acquire(self, *, retry: bool = False, deadline: float | None = None) -> Permit:
        """A lease from Redis (or, with ``fallback``, a local permit while Redis is down);
        see :meth:`Limiter.acquire`. Raises :class:`LimiterUnavailableError` when closed or
        when Redis cannot be reached without a ``fallback``.
        """
        if self._closed:
            raise LimiterUnavailableError("the limiter was closed; nothing was sent")
        gate = await self._gate.acquire(retry=retry, deadline=deadline)
        try:
            return gate, await self._lease(retry, deadline)
        except BaseException:
            self._gate.release(gate, Outcome.FAILED)
            raise

    def release(self, permit: Permit, outcome: Outcome) -> None:
        """Give ``permit`` back: its lease goes back to Redis with the next round trip."""
        gate, lease = permit
        if lease is None:
            assert self._fallback is not None
            self._fallback.release(0, outcome)
        else:
            self._held.discard(lease)
            self._give_back(lease)
            if not self._held and not self._waiting and self._wake is not None:
                self._wake.set()  # nothing left to renew: the keeper can stop
        self._gate.release(gate, outcome)

    # -- taking a lease -----------------------------------------------------------------------

    async def _lease(self, retry: bool, deadline: float | None) -> str | None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._down_until:
            await self._without_redis(None, retry, deadline)
            return None
        self._serial += 1
        lease = f"{self.holder}|{self._serial}"
        # This process's releases of the moment ride along; the releaser finds none left.
        given_back, self._to_release = self._to_release, []
        try:
            granted, wait_ms = await self._run(
                self._acquire_script,
                self.capacity,
                self._ttl_ms,
                self._notify_prefix,
                lease,
                "1" if retry else "0",
                *given_back,
            )
            if granted:
                self._held.add(lease)
                self._start_keeper()
                return lease
            self._note_expiry(wait_ms)
            return await self._wait_for(lease, deadline)
        except LimiterUnavailableError as exc:
            self._to_release += given_back
            self._give_back(lease)  # it may have reached Redis
            await self._without_redis(exc, retry, deadline)
            return None
        except BaseException:
            self._to_release += given_back  # cancelled: the script may not have run
            self._give_back(lease)  # cancelled or past the deadline: queued or granted
            raise

    async def _wait_for(self, lease: str, deadline: float | None) -> str:
        """Wait until the keeper finds ``lease`` granted (or Redis gone, or the deadline)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiting[lease] = waiter
        self._start_keeper()
        timer = None if deadline is None else loop.call_at(deadline, _expire, waiter)
        try:
            await waiter
        finally:
            if timer is not None:
                timer.cancel()
            if self._waiting.get(lease) is waiter:
                del self._waiting[lease]
        self._held.add(lease)
        return lease

    async def _without_redis(
        self, exc: LimiterUnavailableError | None, retry: bool, deadline: float | None
    ) -> None:
        if self._fallback is None:
            raise exc or LimiterUnavailableError(
                f"Redis for the shared limit {self.key!r} was unreachable moments ago; "
                "nothing was sent"
            )
        await self._fallback.acquire(retry=retry, deadline=deadline)

    async def _run(self, script: AsyncScript, *args: Any) -> Any:
        """Run a script within the Redis timeout; Redis unreachable is a
        :class:`LimiterUnavailableError`."""
        return await self._call(lambda: script(keys=self._keys, args=args), self.redis_timeout)

    async def _call(self, call: Callable[[], Awaitable[T]], seconds: float) -> T:
        try:
            # A backstop past the client's own socket timeouts (the limiter's client has
            # redis_timeout): those fire first and close their connection; cancelling
            # redis-py in the middle of connecting can leave the socket open.
            return await _bounded(call(), seconds * 1.25 + 0.1)
        except (RedisError, OSError, TimeoutError, asyncio.TimeoutError) as exc:
            loop = asyncio.get_running_loop()
            if loop.time() >= self._down_until:
                fallback = self._fallback
                logger.warning(
                    "Redis of the shared concurrency limit %r unreachable (%s): %s",
                    self.key,
                    type(exc).__name__,
                    f"requests use a local limit of {fallback.max_concurrency} meanwhile"
                    if fallback is not None
                    else "requests fail with LimiterUnavailableError meanwhile",
                )
            self._down_until = loop.time() + RETRY_REDIS_AFTER
            raise LimiterUnavailableError(
                f"Redis for the shared limit {self.key!r} unreachable "
                f"({type(exc).__name__}: {exc}); nothing was sent"
            ) from exc

    # -- giving leases back ---------------------------------------------------------------

    def _give_back(self, lease: str) -> None:
        """Give a lease (or a waiting ticket) back in the background, batched with the other
        releases of the moment: one round trip for all of them."""
        self._to_release.append(lease)
        if self._releaser is None and not self._closed:  # closing gives back what is left
            self._releaser = asyncio.get_running_loop().create_task(self._release_all())

    async def _release_all(self) -> None:
        try:
            while self._to_release:
                batch, self._to_release = self._to_release, []
                try:
                    await self._run(
                        self._release_script,
                        self.capacity,
                        self._ttl_ms,
                        self._notify_prefix,
                        *batch,
                    )
                except LimiterUnavailableError:
                    # They expire on their own within the lease TTL.
                    logger.debug("%d leases not given back to Redis", len(batch))
        finally:
            self._releaser = None

    # -- keeping leases alive and waking waiters ------------------------------------------

    def _note_expiry(self, wait_ms: int) -> None:
        if wait_ms >= 0:
            loop = asyncio.get_running_loop()
            self._next_expiry = min(self._next_expiry, loop.time() + wait_ms / 1000)

    def _start_keeper(self) -> None:
        if self._closed:
            return
        if self._keeper is None:
            self._wake = asyncio.Event()
            self._keeper = asyncio.get_running_loop().create_task(self._keep())
        elif self._waiting and self._wake is not None:
            self._wake.set()

    async def _keep(self) -> None:
        """While this process holds leases or waits for some: renew them every third of the
        TTL (all in one round trip), and wait for grants on the notify list."""
        loop = asyncio.get_running_loop()
        every = self.lease_ttl / 3
        renew_at = loop.time() + every
        try:
            while not self._closed and (self._held or self._waiting):
                now = loop.time()
                if now >= renew_at or (self._waiting and now >= self._next_expiry):
                    await self._renew()
                    renew_at = loop.time() + every
                elif self._waiting:
                    await self._listen(min(renew_at, self._next_expiry) - now)
                else:
                    assert self._wake is not None
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await _bounded(self._wake.wait(), renew_at - now)
        finally:
            self._keeper = None

    async def _listen(self, seconds: float) -> None:
        """Wait up to ``seconds`` for grants pushed to this limiter's notify list."""
        seconds = max(0.01, min(seconds, self._longest_block))
        try:
            popped = await self._call(
                lambda: self._redis.blpop([self._notify], timeout=seconds),
                seconds + self.redis_timeout,
            )
        except LimiterUnavailableError as exc:
            self._fail_waiters(exc)
            return
        if popped is None:  # a lease may have expired since: look at Redis
            self._next_expiry = float("-inf")
            return
        for lease in _text(popped[1]).split(","):
            self._granted(lease)

    async def _renew(self) -> None:
        held, waiting = list(self._held), list(self._waiting)
        try:
            out = await self._run(
                self._renew_script,
                self.capacity,
                self._ttl_ms,
                self._notify_prefix,
                len(held),
                *held,
                *waiting,
            )
        except LimiterUnavailableError as exc:
            self._fail_waiters(exc)
            return
        wait_ms, states = out[0], out[1 : 1 + len(waiting)]
        # Given back while the script ran is not lost: still held here and gone from Redis is
        # (reported once: it is not renewed again; its request goes on).
        gone = {_text(lease) for lease in out[1 + len(waiting) :]} & self._held
        self._held -= gone
        lost = len(gone)
        self._next_expiry = float("inf")
        self._note_expiry(wait_ms)
        if lost:
            logger.warning(
                "%d leases of the shared limit %r expired before they were renewed "
                "(the event loop or Redis stalled over %gs?)",
                lost,
                self.key,
                self.lease_ttl,
            )
        for lease, state in zip(waiting, states, strict=True):
            if state == 2:
                self._granted(lease)
            elif state == 0:
                self._fail(lease, LimiterUnavailableError("the ticket was lost at Redis"))

    def _granted(self, lease: str) -> None:
        waiter = self._waiting.pop(lease, None)
        if waiter is None:
            return  # told twice (by the notify list and a renewal), or given up since
        if waiter.done():  # cancelled or past its deadline in this very moment
            self._give_back(lease)
        else:
            waiter.set_result(None)

    def _fail(self, lease: str, exc: LimiterUnavailableError) -> None:
        waiter = self._waiting.pop(lease, None)
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def _fail_waiters(self, exc: LimiterUnavailableError) -> None:
        for lease in list(self._waiting):
            self._fail(lease, exc)

    # -- closing --------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Stop renewing, give back what is held, and close the Redis client if the
        limiter made it (from a URL). Waits a Redis timeout at most for each step."""
        self._closed = True
        keeper = self._keeper
        if keeper is not None:
            keeper.cancel()
            await asyncio.wait({keeper}, timeout=self.redis_timeout)
        self._to_release += [*self._held, *self._waiting]
        self._held.clear()
        self._fail_waiters(LimiterUnavailableError("the limiter was closed"))
        releaser = self._releaser
        if releaser is None and self._to_release:
            releaser = asyncio.get_running_loop().create_task(self._release_all())
        if releaser is not None:
            await asyncio.wait({releaser}, timeout=self.redis_timeout)
        if self._own_redis:
            await _bounded(self._redis.aclose(), self.redis_timeout)

    async def __aenter__(self) -> RedisLimiter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"<RedisLimiter key={self.key!r} capacity={self.capacity} "
            f"held here {len(self._held)}, waiting here {len(self._waiting)}>"
        )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _check_whole(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(f"{name} must be an integer >= 1", param=name)


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("no lease came free before the deadline"))
