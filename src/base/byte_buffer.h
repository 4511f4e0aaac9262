// ByteBuffer: a growable contiguous byte buffer with a read offset. Owned by one thread.
// It grows geometrically and never shrinks on clear(), so a warmed-up connection appends
// without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rg {

class ByteBuffer {
  public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer&) = delete;
    ByteBuffer& operator=(const ByteBuffer&) = delete;
    ByteBuffer(ByteBuffer&& other) noexcept;
    ByteBuffer& operator=(ByteBuffer&& other) noexcept;
    ~ByteBuffer();

    // Unread bytes.
    const char* data() const { return data_ + read_; }
    char* data() { return data_ + read_; }
    size_t size() const { return write_ - read_; }
    bool empty() const { return write_ == read_; }
    size_t capacity() const { return capacity_; }
    std::string_view view() const { return {data(), size()}; }

    void append(const void* bytes, size_t n) {
        if (n == 0) {
            return;  // bytes may be null for an empty view; memcpy must not see it
        }
        char* dst = reserve_tail(n);
        std::memcpy(dst, bytes, n);
        write_ += n;
    }
    void append(std::string_view s) { append(s.data(), s.size()); }
    void append_char(char c) {
        char* dst = reserve_tail(1);
        *dst = c;
        write_ += 1;
    }
    void append_decimal(uint64_t v);

    // Space for at least `n` bytes at the tail; commit with `commit(n)`.
    char* reserve_tail(size_t n) {
        if (capacity_ - write_ < n) {
            grow(n);
        }
        return data_ + write_;
    }
    void commit(size_t n) { write_ += n; }

    // Drops `n` unread bytes from the front.
    void consume(size_t n);
    void clear() { read_ = write_ = 0; }
    // Releases the memory (for idle connections).
    void release();

  private:
    void grow(size_t n);

    char* data_ = nullptr;
    size_t read_ = 0;
    size_t write_ = 0;
    size_t capacity_ = 0;
};

}  // namespace rg
