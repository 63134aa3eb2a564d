# family: an infinite loop inside the call (the supervisor's timeout; never a pass)
def add(a, b):
    while True:
        pass


def evens(xs):
    while True:
        pass


class Stack:
    pass


def sort_in_place(xs):
    pass
