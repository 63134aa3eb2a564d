import pandas as pd
from sklearn.linear_model import LinearRegression

df = pd.read_csv("data.csv").dropna()
features = list(df.columns[:-1])
X, y = df[features].to_numpy(dtype=float), df[df.columns[-1]].to_numpy(dtype=float)
model = LinearRegression().fit(X, y)
print(f"intercept {model.intercept_:.6f}")
for name, coef in zip(features, model.coef_):
    print(f"{name} {coef:.6f}")
print(f"r2 {model.score(X, y):.6f}")
