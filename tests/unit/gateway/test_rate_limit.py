"""The per-key token bucket behind 429 and Retry-After."""

from services.gateway.ratelimit import RateLimiter, retry_after


def test_a_key_gets_its_quota_then_waits_for_refill():
    limiter = RateLimiter(per_minute=3)
    assert [limiter.take("k", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("k", now=0.0)
    assert 19.9 < wait <= 20.0 and retry_after(wait) == "20"
    assert limiter.take("other", now=0.0) == 0.0  # keys are counted apart
    assert limiter.take("k", now=20.0) == 0.0  # one request per 20 s refills


def test_zero_disables_the_limit():
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.take("k", now=0.0) == 0.0 for _ in range(1000))
