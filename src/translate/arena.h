// Arena: the reusable storage one translation works in. It holds a padded copy of the body
// being parsed (the IR's views point into it), bump storage for strings the translator
// builds (joined texts, minted ids), and the simdjson parsers. Owned by one thread (a worker
// keeps one per in-flight translation); reset() between requests keeps every buffer, so a
// warm Arena translates a same-sized request without allocating.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace rg::translate {

namespace detail {
struct Parsers;  // simdjson state; defined in json_read.h (simdjson stays out of this header)
}

class Arena {
  public:
    Arena();
    ~Arena();
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    // Forgets everything built since the last reset; views handed out become invalid.
    void reset();

    // A copy of `s` in bump storage, valid until reset().
    std::string_view copy(std::string_view s);
    // `parts` joined with `sep`, in bump storage; a single part is returned as it is.
    std::string_view join(const std::string_view* parts, size_t count, std::string_view sep);
    // `n` bytes of bump storage.
    char* allocate(size_t n);

    // Bytes of heap the arena holds (bump chunks and source copy), for tests and metrics.
    size_t retained_bytes() const;

    detail::Parsers& parsers() { return *parsers_; }

  private:
    struct Chunk {
        std::unique_ptr<char[]> data;
        size_t size = 0;
    };
    std::vector<Chunk> chunks_;
    size_t chunk_ = 0;  // chunk being filled
    size_t used_ = 0;   // bytes used in it
    std::unique_ptr<detail::Parsers> parsers_;
};

}  // namespace rg::translate
