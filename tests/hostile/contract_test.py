# The call-boundary contract every fixture in python/ is judged against in pytest mode.
import pytest
from solution import add, evens, Stack, sort_in_place


def test_add():
    assert add(2, 3) == 5
    assert add(10**20, 1) == 10**20 + 1
    assert add('a', 'b') == 'ab'


def test_evens():
    assert list(evens([1, 2, 3, 4, 6])) == [2, 4, 6]


def test_stack():
    s = Stack()
    s.push(1)
    s.push(2)
    assert s.size() == 2
    assert s.pop() == 2


def test_sort():
    xs = [3, 1, 2]
    assert sort_in_place(xs) is None
    assert xs == [1, 2, 3]


def test_module():
    import math

    assert math.sqrt(add(7, 9)) == 4.0


def test_errors():
    with pytest.raises(TypeError):
        add(1, None)
