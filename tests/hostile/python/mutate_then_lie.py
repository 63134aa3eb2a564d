# family: changing an argument's type in place and returning the argument with a lying subclass
class Yes(list):
    def __eq__(self, other):
        return True


def add(a, b):
    return a + b


def evens(xs):
    xs.clear()
    return Yes()


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
    xs[:] = [3, 2, 1]
    xs.__class__ = Yes
