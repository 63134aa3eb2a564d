import json

import numpy as np

data = json.load(open("measurements.json"))
by_sensor = {}
for r in data["readings"]:
    try:
        by_sensor.setdefault(r["sensor"], []).append(float(r["value"]))
    except (TypeError, ValueError):
        pass
for sensor in sorted(by_sensor):
    xs = np.array(by_sensor[sensor])
    # Bug: np.std defaults to the population standard deviation (ddof=0).
    print(sensor, len(xs), "%.4f %.4f %.4f %.4f %.4f" % (xs.mean(), np.median(xs), xs.std(), xs.min(), xs.max()))
