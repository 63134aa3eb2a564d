#include "solution.h"

#include <stdexcept>
#include <string>

void Inventory::receive(long long qty, long long unit_cost_cents) {
    if (qty <= 0) throw std::invalid_argument("receive: quantity must be positive, got " + std::to_string(qty));
    if (unit_cost_cents < 0) throw std::invalid_argument("receive: negative unit cost " + std::to_string(unit_cost_cents));
    lots_.emplace_back(qty, unit_cost_cents);
}

long long Inventory::sell(long long qty) {
    if (qty <= 0) throw std::invalid_argument("sell: quantity must be positive, got " + std::to_string(qty));
    if (qty > on_hand()) {
        throw std::out_of_range("sell: " + std::to_string(qty) + " units requested, " + std::to_string(on_hand()) + " on hand");
    }
    long long cost = 0;
    while (qty > 0) {
        auto& lot = lots_.front();
        long long take = qty < lot.first ? qty : lot.first;
        cost += take * lot.second;
        lot.first -= take;
        qty -= take;
        if (lot.first == 0) lots_.pop_front();
    }
    return cost;
}

long long Inventory::on_hand() const {
    long long n = 0;
    for (const auto& lot : lots_) n += lot.first;
    return n;
}

long long Inventory::stock_value() const {
    long long v = 0;
    for (const auto& lot : lots_) v += lot.first * lot.second;
    return v;
}
