#include <bits/stdc++.h>
using namespace std;

// Trucks in blocks of 512 with each block's largest free room: skip full blocks whole.
int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long cap;
    int n;
    cin >> cap >> n;
    vector<pair<string, long long>> p(n);
    for (auto &x : p) cin >> x.first >> x.second;
    vector<int> idx;
    for (int i = 0; i < n; i++) {
        if (p[i].second > cap) cout << "oversize " << p[i].first << '\n';
        else idx.push_back(i);
    }
    stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return p[a].second > p[b].second; });
    const int B = 512;
    vector<long long> room, best;
    vector<vector<int>> in;
    for (int i : idx) {
        long long w = p[i].second;
        int t = -1;
        for (size_t b = 0; b < best.size() && t < 0; b++) {
            if (best[b] < w) continue;
            for (size_t k = b * B; k < min(room.size(), (b + 1) * B); k++)
                if (room[k] >= w) { t = k; break; }
        }
        if (t < 0) {
            t = room.size();
            room.push_back(cap);
            in.emplace_back();
            if (t % B == 0) best.push_back(cap);
        }
        room[t] -= w;
        in[t].push_back(i);
        size_t b = t / B;
        best[b] = 0;
        for (size_t k = b * B; k < min(room.size(), (b + 1) * B); k++) best[b] = max(best[b], room[k]);
    }
    cout << "trucks " << room.size() << '\n';
    for (size_t t = 0; t < room.size(); t++) {
        cout << t + 1 << ' ' << cap - room[t] << ':';
        for (int i : in[t]) cout << ' ' << p[i].first;
        cout << '\n';
    }
}
