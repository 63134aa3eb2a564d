import numpy as np
import pandas as pd

df = pd.read_csv("data.csv").dropna()
names = list(df.columns[:-1])
X = df[names].to_numpy(dtype=float)
y = df.iloc[:, -1].to_numpy(dtype=float)
A = np.column_stack([np.ones(len(X)), X])
beta, *_ = np.linalg.lstsq(A, y, rcond=None)
residual = y - A @ beta
r2 = 1 - (residual @ residual) / ((y - y.mean()) @ (y - y.mean()))
print(f"intercept {beta[0]:.6f}")
for name, b in zip(names, beta[1:]):
    print(f"{name} {b:.6f}")
print(f"r2 {r2:.6f}")
