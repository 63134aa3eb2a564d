# family: a well-framed but truncated JSON reply (an unterminated string) before the harness answers
import os

os.write(4, b"\x00\x00\x00\x03{\"i")


def add(a, b):
    return a + b


def evens(xs):
    return [x for x in xs if x % 2 == 0]


class Stack(list):
    def push(self, x):
        self.append(x)

    def size(self):
        return len(self)


def sort_in_place(xs):
    xs.sort()
