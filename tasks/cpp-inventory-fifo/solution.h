#pragma once
#include <deque>
#include <utility>

class Inventory {
public:
    void receive(long long qty, long long unit_cost_cents);
    long long sell(long long qty);
    long long on_hand() const;
    long long stock_value() const;

private:
    std::deque<std::pair<long long, long long>> lots_;  // (units left, unit cost), oldest first
};
