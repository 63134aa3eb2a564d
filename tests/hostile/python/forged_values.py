# family: forged replies in the call: a handle claiming to be the judge's own object, unknown tags
import json
import os
import sys

main = sys.modules["__main__"]
_answer = main.Worker.answer


def _forge(self, msg):
    reply = _answer(self, msg)
    if msg.get("op") != "load":
        # Claim every value is handle 1 with every capability, or a value with an unknown tag.
        reply = {"id": msg.get("id"), "ok": {"H": [1, "int", 63]} if msg["id"] % 2 else {"X": 1}}
    return reply


main.Worker.answer = _forge


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
