# family: a reply frame announcing 4 GiB, then more bytes than the judge accepts
import os


def add(a, b):
    os.write(4, b"\xff\xff\xff\xff" + b"[" * 65536)
    while True:
        os.write(4, b"1," * 65536)


def evens(xs):
    return list(range(10**8))


class Stack:
    pass


def sort_in_place(xs):
    pass
