#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

// Max segment tree over the trucks' free room: "lowest truck with room >= w" in O(log n),
// where scanning every truck is O(n) per parcel.
struct Room {
    int size = 1;
    std::vector<long long> t;
    explicit Room(int n) {
        while (size < n) size *= 2;
        t.assign(2 * size, -1);  // -1: no truck there yet
    }
    void set(int i, long long v) {
        for (t[i += size] = v, i /= 2; i >= 1; i /= 2) t[i] = std::max(t[2 * i], t[2 * i + 1]);
    }
    int first_at_least(long long w) const {
        if (t[1] < w) return -1;
        int i = 1;
        while (i < size) i = t[2 * i] >= w ? 2 * i : 2 * i + 1;
        return i - size;
    }
};

int main() {
    long long capacity;
    int n;
    if (scanf("%lld %d", &capacity, &n) != 2) return 1;
    std::vector<std::string> id(n);
    std::vector<long long> weight(n);
    std::vector<int> order;
    char buf[256];
    std::string out;
    for (int i = 0; i < n; i++) {
        if (scanf("%255s %lld", buf, &weight[i]) != 2) return 1;
        id[i] = buf;
        if (weight[i] > capacity) {
            out += "oversize " + id[i] + "\n";
        } else {
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return weight[a] > weight[b]; });
    Room room(std::max<int>(1, order.size()));
    std::vector<long long> load;
    std::vector<std::vector<int>> parcels;
    for (int p : order) {
        int t = room.first_at_least(weight[p]);
        if (t < 0) {
            t = load.size();
            load.push_back(0);
            parcels.emplace_back();
        }
        load[t] += weight[p];
        parcels[t].push_back(p);
        room.set(t, capacity - load[t]);
    }
    out += "trucks " + std::to_string(load.size()) + "\n";
    for (size_t t = 0; t < load.size(); t++) {
        out += std::to_string(t + 1) + " " + std::to_string(load[t]) + ":";
        for (int p : parcels[t]) out += " " + id[p];
        out += "\n";
    }
    fwrite(out.data(), 1, out.size(), stdout);
}
