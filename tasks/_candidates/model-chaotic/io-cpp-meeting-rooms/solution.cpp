#include <cstdio>
#include <vector>

// Difference array over every minute: simple, and fine for one day of bookings.
int main() {
    int n = 0;
    if (scanf("%d", &n) != 1) n = 0;
    std::vector<long long> s(n), e(n);
    long long last = 0;
    for (int i = 0; i < n; i++) {
        scanf("%lld %lld", &s[i], &e[i]);
        if (e[i] > last) last = e[i];
    }
    std::vector<int> diff(last + 2, 0);
    for (int i = 0; i < n; i++) {
        diff[s[i]]++;
        diff[e[i]]--;
    }
    int current = 0, best = 0;
    for (long long t = 0; t <= last; t++) {
        current += diff[t];
        if (current > best) best = current;
    }
    printf("%d\n", best);
}
