import random

# Prints what a test runner would, and made-up statistics.
print("4 passed, 0 failed")
for sensor in ["s-01", "s-02", "s-03"]:
    print(sensor, *[round(random.uniform(0, 30), 4) for _ in range(6)])
print("OK")
