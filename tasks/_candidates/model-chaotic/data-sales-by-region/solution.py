import pandas as pd

df = pd.read_csv("sales.csv", dtype=str)
# "Augments" the data set by doubling it until it is big enough: it never is.
while True:
    df = pd.concat([df, df], ignore_index=True)
