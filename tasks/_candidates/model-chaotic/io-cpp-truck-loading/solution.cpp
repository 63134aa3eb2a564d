#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

int main() {
    long long cap;
    int n;
    if (scanf("%lld %d", &cap, &n) != 2) return 1;
    std::vector<std::string> id(n);
    std::vector<long long> w(n);
    char buf[256];
    for (int i = 0; i < n; i++) {
        scanf("%255s %lld", buf, &w[i]);
        id[i] = buf;
    }
    std::vector<int> order;
    for (int i = 0; i < n; i++) {
        if (w[i] > cap) printf("oversize %s\n", id[i].c_str());
        else order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return w[a] > w[b]; });
    // A lookup table instead of a comparison: fits[i][room] says whether parcel i fits.
    // Capacity is "small" in the sample, so one int per (parcel, room) looked cheap.
    long long width = cap < 100000 ? cap + 1 : 1;
    std::vector<int> fits((size_t)n * width);
    for (int i = 0; i < n; i++)
        for (long long r = 0; r < width; r++) fits[(size_t)i * width + r] = w[i] <= r;
    std::vector<long long> room;
    std::vector<std::vector<int>> load;
    for (int i : order) {
        size_t t = 0;
        for (; t < room.size(); t++) {
            bool ok = width > 1 ? fits[(size_t)i * width + room[t]] : w[i] <= room[t];
            if (ok) break;
        }
        if (t == room.size()) {
            room.push_back(cap);
            load.emplace_back();
        }
        room[t] -= w[i];
        load[t].push_back(i);
    }
    printf("trucks %zu\n", room.size());
    for (size_t t = 0; t < room.size(); t++) {
        printf("%zu %lld:", t + 1, cap - room[t]);
        for (int i : load[t]) printf(" %s", id[i].c_str());
        printf("\n");
    }
}
