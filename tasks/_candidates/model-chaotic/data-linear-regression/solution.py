import numpy as np
import pandas as pd

df = pd.read_csv("data.csv").dropna()
X = np.column_stack([np.ones(len(df)), df.iloc[:, :-1].to_numpy(float)])
y = df.iloc[:, -1].to_numpy(float)
beta = np.zeros(X.shape[1])
# Gradient descent that waits for an exact zero gradient: it never stops.
while True:
    grad = X.T @ (X @ beta - y) / len(y)
    if np.all(grad == 0):
        break
    beta -= 1e-9 * grad
print(*beta)
