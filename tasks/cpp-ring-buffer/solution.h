#pragma once
#include <cstddef>
#include <optional>
#include <vector>

class RingBuffer {
public:
    explicit RingBuffer(std::size_t capacity);
    bool push(int value);
    std::optional<int> pop();
    std::size_t size() const;
    std::size_t capacity() const;
    bool empty() const;
    bool full() const;
    std::vector<int> to_vector() const;

private:
    std::vector<int> slots_;
    std::size_t head_ = 0;  // index of the oldest element
    std::size_t count_ = 0;
};
