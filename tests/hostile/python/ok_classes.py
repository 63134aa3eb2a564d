# family: correct class-based solution (callable instance, custom iterable, subclassed list)
import math  # the tests use the candidate's `math`, as HumanEval/32 does


class _Adder:
    def __call__(self, a, b):
        return a + b


add = _Adder()


class _Evens:
    def __init__(self, xs):
        self.xs = list(xs)

    def __iter__(self):
        return iter([x for x in self.xs if x % 2 == 0])


def evens(xs):
    return _Evens(xs)


class Stack(list):
    def push(self, x):
        self.append(x)

    def size(self):
        return len(self)


def sort_in_place(xs):
    ordered = sorted(xs)
    for i, x in enumerate(ordered):
        xs[i] = x
