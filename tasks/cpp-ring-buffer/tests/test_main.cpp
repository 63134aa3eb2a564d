#include <stdexcept>

#include <crucible/check.h>
#include "solution.h"

TEST_CASE(push_and_pop_in_fifo_order) {
    RingBuffer r(3);
    CHECK(!r.push(1));
    CHECK(!r.push(2));
    CHECK_EQ(r.pop().value(), 1);
    CHECK_EQ(r.pop().value(), 2);
    CHECK(!r.pop().has_value());
}

TEST_CASE(overwrites_oldest_when_full) {
    RingBuffer r(3);
    for (int v : {1, 2, 3}) r.push(v);
    CHECK(r.full());
    CHECK(r.push(4));
    CHECK_EQ(r.to_vector(), (std::vector<int>{2, 3, 4}));
    CHECK_EQ(r.size(), std::size_t{3});
}

TEST_CASE(wraps_around_many_times) {
    RingBuffer r(4);
    for (int v = 1; v <= 10; ++v) r.push(v);
    CHECK_EQ(r.to_vector(), (std::vector<int>{7, 8, 9, 10}));
    CHECK_EQ(r.pop().value(), 7);
    r.push(11);
    r.push(12);
    CHECK_EQ(r.to_vector(), (std::vector<int>{9, 10, 11, 12}));
}

TEST_CASE(empty_buffer) {
    RingBuffer r(2);
    CHECK(r.empty());
    CHECK(!r.full());
    CHECK_EQ(r.size(), std::size_t{0});
    CHECK_EQ(r.capacity(), std::size_t{2});
    CHECK(r.to_vector().empty());
    CHECK(!r.pop().has_value());
}

TEST_CASE(capacity_one) {
    RingBuffer r(1);
    CHECK(!r.push(5));
    CHECK(r.push(6));
    CHECK_EQ(r.to_vector(), (std::vector<int>{6}));
    CHECK_EQ(r.pop().value(), 6);
    CHECK(r.empty());
}

TEST_CASE(zero_capacity_is_rejected) {
    CHECK_THROWS_AS(RingBuffer(0), std::invalid_argument);
}
