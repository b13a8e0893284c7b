"""Django's Redis cache, keeping one Redis client per connection pool.

Django's own backend builds a new `redis.Redis` object for every cache operation. With
redis-py 8 that constructor fills in a table of about 170 response handlers each time,
which cost more processor time than the cache read it was for; a signed-in page reads its
session from the cache, so every page paid it. A Redis client is safe to share between
threads and holds nothing but its pool, so one per pool is kept and reused.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # The private helpers used here are Django's own; its type stubs do not list them.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        # Pools are kept for the life of the process, so a pool's id names it safely.
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both get here at first; each builds a client on the same pool
            # and one is kept, which is harmless.
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class SharedClientRedisCache(RedisCache):
    @cached_property
    def _cache(self) -> ReusingRedisCacheClient:
        return ReusingRedisCacheClient(self._servers, **self._options)  # type: ignore[attr-defined]
