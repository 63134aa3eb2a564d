import pytest
from solution import TokenBucket


def test_starts_full_then_refuses():
    b = TokenBucket(3, 1.0)
    assert [b.allow(0.0) for _ in range(4)] == [True, True, True, False]


def test_partial_refill():
    b = TokenBucket(2, 2.0)
    assert b.allow(0.0, 2)
    assert not b.allow(0.25)  # 0.5 token
    assert b.allow(0.5)  # 1.0 token
    assert b.tokens(0.5) == pytest.approx(0.0)


def test_refill_is_capped_at_capacity():
    b = TokenBucket(5, 10.0)
    b.allow(0.0, 5)
    assert b.tokens(100.0) == pytest.approx(5.0)
    assert b.allow(100.0, 5)
    assert not b.allow(100.0)


def test_cost_above_capacity_is_refused_without_consuming():
    b = TokenBucket(4, 1.0)
    assert not b.allow(0.0, 5)
    assert b.tokens(0.0) == pytest.approx(4.0)


def test_refused_request_consumes_nothing():
    b = TokenBucket(3, 1.0)
    assert b.allow(0.0, 2)
    assert not b.allow(0.0, 2)
    assert b.allow(0.0, 1)


def test_clock_going_backwards_adds_nothing():
    b = TokenBucket(2, 1.0, now=10.0)
    assert b.allow(10.0, 2)
    assert not b.allow(5.0)
    assert b.tokens(5.0) == pytest.approx(0.0)
    assert b.allow(11.0)


def test_non_positive_cost_is_rejected():
    b = TokenBucket(2, 1.0)
    with pytest.raises(ValueError):
        b.allow(0.0, 0)
    with pytest.raises(ValueError):
        b.allow(0.0, -1)
