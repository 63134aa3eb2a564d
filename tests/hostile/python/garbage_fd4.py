# family: garbage on the reply channel (fd 4) before the harness answers
import os

os.write(4, b"\x00\x00\x00\x10not json at all!" + b"\xff" * 64)


def add(a, b):
    return a + b
