#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

int main() {
    int n = 0;
    if (scanf("%d", &n) != 1) n = 0;
    std::vector<std::pair<long long, int>> events;
    events.reserve(2 * n);
    for (int i = 0; i < n; i++) {
        long long s, e;
        scanf("%lld %lld", &s, &e);
        events.push_back({s, 1});
        events.push_back({e, -1});
    }
    // An end at t sorts before a start at t: half-open intervals.
    std::sort(events.begin(), events.end());
    int current = 0, best = 0;
    for (auto& ev : events) {
        current += ev.second;
        best = std::max(best, current);
    }
    printf("%d\n", best);
}
