// Result<T> and Error: operating errors as values, shaped like std::expected.
// Plain data, no heap, no exceptions; safe to use on any thread.
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "base/assert.h"

namespace rg {

// Which side of the gateway an error belongs to. The retry loop reads this (and
// `retryable`), never message strings.
enum class Side : uint8_t { internal = 0, downstream = 1, upstream = 2 };

enum class ErrorCode : uint16_t {
    ok = 0,
    invalid_argument,
    not_found,
    io,  // a syscall failed; see sys_errno
    timeout,
    closed,       // peer closed the connection
    protocol,     // peer violated its protocol
    too_large,    // a configured limit was exceeded
    unsupported,  // the kernel or build lacks a feature
    resource,     // out of buffers, slots or memory
    config,       // invalid configuration
};

// A small POD error. `context` must point to static storage (a string literal).
struct Error {
    ErrorCode code = ErrorCode::ok;
    Side side = Side::internal;
    bool retryable = false;
    int32_t sys_errno = 0;
    const char* context = "";

    static constexpr Error make(ErrorCode code, const char* context, int32_t sys_errno = 0) {
        return Error{code, Side::internal, false, sys_errno, context};
    }
};

const char* error_code_name(ErrorCode code);

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(const T& value) : has_value_(true) { new (&storage_.value) T(value); }        // NOLINT
    Result(T&& value) : has_value_(true) { new (&storage_.value) T(std::move(value)); }  // NOLINT
    Result(Error error) : has_value_(false) { storage_.error = error; }                  // NOLINT
    Result(const Result& other) : has_value_(other.has_value_) { copy_from(other); }
    Result(Result&& other) noexcept : has_value_(other.has_value_) { move_from(std::move(other)); }
    Result& operator=(Result other) noexcept {
        destroy();
        has_value_ = other.has_value_;
        move_from(std::move(other));
        return *this;
    }
    ~Result() { destroy(); }

    bool ok() const { return has_value_; }
    explicit operator bool() const { return has_value_; }

    T& value() & {
        RG_ASSERT(has_value_);
        return storage_.value;
    }
    const T& value() const& {
        RG_ASSERT(has_value_);
        return storage_.value;
    }
    T&& value() && {
        RG_ASSERT(has_value_);
        return std::move(storage_.value);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        RG_ASSERT(!has_value_);
        return storage_.error;
    }

  private:
    void destroy() {
        if (has_value_) {
            storage_.value.~T();
        }
    }
    void copy_from(const Result& other) {
        if (has_value_) {
            new (&storage_.value) T(other.storage_.value);
        } else {
            storage_.error = other.storage_.error;
        }
    }
    void move_from(Result&& other) {
        if (has_value_) {
            new (&storage_.value) T(std::move(other.storage_.value));
        } else {
            storage_.error = other.storage_.error;
        }
    }

    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        Error error;
    } storage_;
    bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(error), has_value_(false) {}  // NOLINT
    bool ok() const { return has_value_; }
    explicit operator bool() const { return has_value_; }
    const Error& error() const {
        RG_ASSERT(!has_value_);
        return error_;
    }

  private:
    Error error_{};
    bool has_value_ = true;
};

inline Result<void> ok_result() {
    return Result<void>();
}

}  // namespace rg
