class TokenBucket:
    def __init__(self, capacity, refill_rate, now=0.0):
        self.capacity = float(capacity)
        self.refill_rate = float(refill_rate)
        self._tokens = float(capacity)
        self._last = now

    def _refill(self, now):
        # Only a forward-moving clock adds tokens; going back keeps the newest timestamp.
        if now > self._last:
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.refill_rate)
            self._last = now

    def tokens(self, now):
        self._refill(now)
        return self._tokens

    def allow(self, now, cost=1):
        if cost <= 0:
            raise ValueError(f"cost must be positive, got {cost}")
        self._refill(now)
        if cost > self._tokens + 1e-9:
            return False
        self._tokens -= cost
        return True
