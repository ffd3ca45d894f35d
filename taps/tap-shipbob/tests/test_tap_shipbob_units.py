"""The sliding-window limiter on a clock the test drives (no real waiting)."""

from tap_common.sliding_window import SlidingWindowLimiter


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock):
    return SlidingWindowLimiter(window_s=60.0, clock=clock, sleep=clock.sleep)


def test_calls_go_at_once_until_the_window_is_full_then_wait_for_the_oldest_to_leave():
    clock = Clock()
    window = limiter(clock)
    for remaining in (2, 1, 0):  # the API says 3 calls a minute
        assert window.acquire() == 0
        window.observe(str(remaining))
        clock.now += 1
    assert window.limit == 3
    assert window.acquire() == 60 - 3  # the first call (at 0) leaves the window at 60
    assert clock.slept == [57]


def test_calls_by_other_clients_of_the_account_are_counted():
    clock = Clock()
    window = limiter(clock)
    window.acquire()
    window.observe("149")  # the limit: 150
    window.acquire()
    window.observe("0")  # someone else used the other 148
    assert window.acquire() > 0


def test_without_the_header_nothing_is_assumed():
    clock = Clock()
    window = limiter(clock)
    for _ in range(500):
        assert window.acquire() == 0
        window.observe(None)
    assert window.limit is None


def test_a_slow_answer_does_not_raise_the_limit():
    # The API dates a call when it arrives. An answer that took over half a window to come back (a
    # stalled process) must not count as held once the API has let the call out.
    clock = Clock()
    window = limiter(clock)
    window.acquire()
    window.observe("2")  # at 0: the limit is 3
    clock.now = 10
    window.acquire()  # the API dates this call at 10 and lets it out at 70
    clock.now = 45
    window.observe("1")  # its answer arrives 35 s late
    clock.now = 71
    window.acquire()
    window.observe("2")  # the API holds only this call now
    assert window.limit == 3
