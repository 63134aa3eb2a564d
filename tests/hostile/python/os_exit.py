# family: os._exit(0) inside the call (no cleanup, no reply)
import os


def add(a, b):
    os._exit(0)


def evens(xs):
    os._exit(0)


class Stack:
    def __init__(self):
        os._exit(0)


def sort_in_place(xs):
    os._exit(0)
