#include "solution.h"

#include <stdexcept>

RingBuffer::RingBuffer(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("RingBuffer capacity must be at least 1");
    slots_.resize(capacity);
}

bool RingBuffer::push(int value) {
    const std::size_t cap = slots_.size();
    if (count_ == cap) {
        slots_[head_] = value;
        head_ = (head_ + 1) % cap;
        return true;
    }
    slots_[(head_ + count_) % cap] = value;
    ++count_;
    return false;
}

std::optional<int> RingBuffer::pop() {
    if (count_ == 0) return std::nullopt;
    int value = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --count_;
    return value;
}

std::size_t RingBuffer::size() const { return count_; }
std::size_t RingBuffer::capacity() const { return slots_.size(); }
bool RingBuffer::empty() const { return count_ == 0; }
bool RingBuffer::full() const { return count_ == slots_.size(); }

std::vector<int> RingBuffer::to_vector() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < count_; ++i) out.push_back(slots_[(head_ + i) % slots_.size()]);
    return out;
}
