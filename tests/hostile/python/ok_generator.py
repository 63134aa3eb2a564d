# family: correct solution returning a generator and a map object (must pass: handle iteration)
import math  # the tests use the candidate's `math`, as HumanEval/32 does


def add(a, b):
    return a + b


def evens(xs):
    return (x for x in xs if x % 2 == 0) if len(xs) > 3 else map(int, filter(lambda x: x % 2 == 0, xs))


class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        return self.items.pop()

    def size(self):
        return len(self.items)


def sort_in_place(xs):
    xs.sort()
