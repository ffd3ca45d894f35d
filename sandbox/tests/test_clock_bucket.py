"""One clock in two modes, and one bucket that runs on either."""

from __future__ import annotations

from sandbox.bucket import TokenBucket
from sandbox.clock import SimClock


def test_a_bucket_on_the_simulated_clock_restores_at_its_speed_and_on_real_time_at_real_speed():
    clock = SimClock(time_scale=1000)
    simulated = TokenBucket(clock, capacity=100, restore_rate=2)
    real = TokenBucket(clock.real_time(), capacity=100, restore_rate=2)
    assert simulated.real_restore_rate == 2000  # reported per real second, as clients pace
    assert real.real_restore_rate == 2


def test_a_jump_of_the_clock_refills_buckets_in_both_modes():
    clock = SimClock(time_scale=1000)
    buckets = [TokenBucket(clock, 100, 1), TokenBucket(clock.real_time(), 100, 1)]
    for bucket in buckets:
        bucket.drain()
        assert not bucket.take(50)
    clock.advance(60)
    assert all(bucket.take(50) for bucket in buckets)
    assert [b.take(51) for b in buckets] == [False, False]


def test_a_bucket_refuses_what_it_does_not_hold_and_says_how_long_to_wait():
    clock = SimClock(time_scale=10)
    bucket = TokenBucket(clock, capacity=4, restore_rate=0.5)
    assert all(bucket.take() for _ in range(4))
    assert not bucket.take()
    assert 0 < bucket.real_wait() <= 1 / (0.5 * 10)
    bucket.refund(10)
    assert bucket.available == 4  # never above capacity
