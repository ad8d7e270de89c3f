"""A per-address rate limit for the public pages, on Django's cache framework.

A fixed window per address: at most ``limit`` hits per ``window`` seconds. The counter lives in
the configured cache (``CACHE_URL``; Redis in production, so all web nodes share it). The
client address is worked out as for the login throttle (``axes.helpers.get_client_ip_address``,
one rule for the whole site); IPv6 addresses count per /64, the block one subscriber gets.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache


def client_key(request) -> str:
    address = get_client_ip_address(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(request, *, scope: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one hit of the request's address in ``scope``: (allowed, seconds until the window
    ends). Past ``limit`` hits in the window every further hit is refused, right or wrong."""
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(client_key(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{bucket}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    return count <= limit, int((bucket + 1) * window - now) + 1
