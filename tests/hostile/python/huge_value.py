# family: a return value too large to cross (70 MB), one nested too deep, a cycle
def add(a, b):
    return ["x" * 1000] * 70_000  # about 70 MB of JSON: more than one message may hold


def evens(xs):
    v = [x for x in xs if x % 2 == 0]
    for _ in range(500):
        v = [v]
    return v


class Stack:
    def push(self, x):
        pass

    def pop(self):
        inner = []
        inner.append(inner)  # a cycle
        return inner

    def size(self):
        return 0


def sort_in_place(xs):
    xs.sort()
