#include "base/byte_buffer.h"

#include <cstdlib>
#include <utility>

#include "base/assert.h"

namespace rg {

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      read_(std::exchange(other.read_, 0)),
      write_(std::exchange(other.write_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
    if (this != &other) {
        std::free(data_);
        data_ = std::exchange(other.data_, nullptr);
        read_ = std::exchange(other.read_, 0);
        write_ = std::exchange(other.write_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

ByteBuffer::~ByteBuffer() {
    std::free(data_);
}

void ByteBuffer::append_decimal(uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    char* dst = reserve_tail(n);
    for (size_t i = 0; i < n; ++i) {
        dst[i] = tmp[n - 1 - i];
    }
    write_ += n;
}

void ByteBuffer::consume(size_t n) {
    RG_ASSERT(n <= size());
    read_ += n;
    if (read_ == write_) {
        read_ = write_ = 0;
    }
}

void ByteBuffer::release() {
    std::free(data_);
    data_ = nullptr;
    read_ = write_ = capacity_ = 0;
}

void ByteBuffer::grow(size_t n) {
    // Slide unread bytes to the front first when that makes enough room.
    size_t live = write_ - read_;
    if (read_ > 0 && capacity_ - live >= n && live <= capacity_ / 2) {
        std::memmove(data_, data_ + read_, live);
        read_ = 0;
        write_ = live;
        return;
    }
    size_t want = capacity_ == 0 ? 512 : capacity_ * 2;
    while (want - live < n) {
        want *= 2;
    }
    char* fresh = static_cast<char*>(std::malloc(want));
    RG_ASSERT(fresh != nullptr);
    if (live > 0) {
        std::memcpy(fresh, data_ + read_, live);
    }
    std::free(data_);
    data_ = fresh;
    read_ = 0;
    write_ = live;
    capacity_ = want;
}

}  // namespace rg
