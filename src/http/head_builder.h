// HeadBuilder: assembles one RequestHead from llhttp's fragments and applies the field rules
// llhttp leaves to us (framing headers, target form, limits). Owns the parser storage that
// views are copied into when a head spans receive buffers: grown on demand up to
// header_bytes_max, then kept for reuse. Part of RequestParser: shard-local.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "http/parse_error.h"
#include "http/request_head.h"

namespace rg::http {

// What the request line and llhttp's Connection parsing say, for end_head().
struct HeadFacts {
    uint8_t version_minor = 1;
    bool connection_close = false;
    bool connection_keep_alive = false;
    uint64_t body_bytes_max = 0;
};

class HeadBuilder {
  public:
    HeadBuilder() = default;
    HeadBuilder(HeadBuilder&& other) noexcept { *this = std::move(other); }
    HeadBuilder& operator=(HeadBuilder&& other) noexcept;

    // Starts a new head; its copied bytes never exceed `header_bytes_max`.
    void begin(uint32_t header_bytes_max);
    const RequestHead& head() const { return head_; }

    void set_method(Method method, std::string_view text);
    void add_target(std::string_view fragment) { append(&head_.target, fragment); }
    void add_name(std::string_view fragment) { append(&pending()->name, fragment); }
    void add_value(std::string_view fragment) { append(&pending()->value, fragment); }

    // Each end_* runs when llhttp completes the element, at a fixed byte of the input, so the
    // outcome does not depend on how the bytes were split.
    ParseError end_target();
    ParseError end_name();
    ParseError end_value(uint8_t version_minor);
    ParseError end_head(const HeadFacts& facts);

    // Copies every view that still points into the caller's buffer into storage; the
    // element being assembled goes last, so later fragments extend it in place.
    void spill();
    // spill() for a complete head: also points path and query into the copied target.
    void retain();

    size_t storage_capacity() const { return capacity_; }

  private:
    enum class Kind : uint8_t { other, content_length, transfer_encoding, expect };

    // The field line being parsed: assembled in place in the next free slot, so committing
    // it is a counter increment; past header_count_max it goes to overflow_ until
    // end_name() refuses it.
    Header* pending() {
        return head_.header_count < limits::header_count_max ? &head_.headers[head_.header_count]
                                                             : &overflow_;
    }
    void append(std::string_view* element, std::string_view fragment);
    bool in_storage(const char* p) const;
    char* reserve(size_t n);
    void grow(size_t need);
    void relocate(std::string_view* view, const char* old_base, char* new_base);
    static Kind kind_of(std::string_view name);
    ParseError check_framing_name(Kind kind);
    ParseError apply_value(std::string_view value, uint8_t version_minor);
    void split_target();

    RequestHead head_;
    Header overflow_;
    Kind pending_kind_ = Kind::other;
    bool seen_content_length_ = false;
    bool seen_transfer_encoding_ = false;
    uint32_t storage_max_ = 0;
    std::unique_ptr<char[]> storage_;
    size_t capacity_ = 0;
    size_t used_ = 0;
};

}  // namespace rg::http
