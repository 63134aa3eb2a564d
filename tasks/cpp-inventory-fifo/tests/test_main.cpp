#include <stdexcept>

#include <crucible/check.h>
#include "solution.h"

TEST_CASE(sale_within_one_lot) {
    Inventory inv;
    inv.receive(10, 250);
    CHECK_EQ(inv.sell(4), 1000LL);
    CHECK_EQ(inv.on_hand(), 6LL);
    CHECK_EQ(inv.stock_value(), 1500LL);
}

TEST_CASE(sale_spans_lots_oldest_first) {
    Inventory inv;
    inv.receive(5, 100);
    inv.receive(5, 300);
    CHECK_EQ(inv.sell(7), 5 * 100LL + 2 * 300LL);
    CHECK_EQ(inv.stock_value(), 3 * 300LL);
}

TEST_CASE(selling_everything_exactly) {
    Inventory inv;
    inv.receive(2, 10);
    inv.receive(3, 20);
    CHECK_EQ(inv.sell(5), 80LL);
    CHECK_EQ(inv.on_hand(), 0LL);
    CHECK_EQ(inv.stock_value(), 0LL);
    inv.receive(1, 7);
    CHECK_EQ(inv.sell(1), 7LL);
}

TEST_CASE(overselling_changes_nothing) {
    Inventory inv;
    inv.receive(3, 100);
    CHECK_THROWS_AS(inv.sell(4), std::out_of_range);
    CHECK_EQ(inv.on_hand(), 3LL);
    CHECK_EQ(inv.stock_value(), 300LL);
    Inventory empty;
    CHECK_THROWS_AS(empty.sell(1), std::out_of_range);
}

TEST_CASE(invalid_quantities) {
    Inventory inv;
    CHECK_THROWS_AS(inv.receive(0, 100), std::invalid_argument);
    CHECK_THROWS_AS(inv.receive(5, -1), std::invalid_argument);
    inv.receive(5, 0);
    CHECK_THROWS_AS(inv.sell(0), std::invalid_argument);
    CHECK_THROWS_AS(inv.sell(-2), std::invalid_argument);
    CHECK_EQ(inv.on_hand(), 5LL);
}

TEST_CASE(large_quantities_do_not_overflow) {
    Inventory inv;
    inv.receive(3000000000LL, 1999);
    CHECK_EQ(inv.stock_value(), 5997000000000LL);
    CHECK_EQ(inv.sell(2500000000LL), 4997500000000LL);
}
