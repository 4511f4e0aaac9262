#include "translate/arena.h"

#include <algorithm>
#include <cstring>

#include "translate/json_read.h"

namespace rg::translate {
namespace {

// First bump chunk: the strings one translation builds (joined texts, minted ids) are a
// few hundred bytes; large joins get a chunk of their own size.
constexpr size_t chunk_bytes_min = 4096;

}  // namespace

Arena::Arena() : parsers_(new detail::Parsers()) {}
Arena::~Arena() = default;

void Arena::reset() {
    chunk_ = 0;
    used_ = 0;
}

char* Arena::allocate(size_t n) {
    while (chunk_ < chunks_.size()) {
        Chunk& c = chunks_[chunk_];
        if (c.size - used_ >= n) {
            char* p = c.data.get() + used_;
            used_ += n;
            return p;
        }
        ++chunk_;
        used_ = 0;
    }
    const size_t size = std::max(n, chunks_.empty() ? chunk_bytes_min : chunks_.back().size * 2);
    chunks_.push_back(Chunk{std::unique_ptr<char[]>(new char[size]), size});
    chunk_ = chunks_.size() - 1;
    used_ = n;
    return chunks_.back().data.get();
}

std::string_view Arena::copy(std::string_view s) {
    if (s.empty()) {
        return {};
    }
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
}

std::string_view Arena::join(const std::string_view* parts, size_t count, std::string_view sep) {
    if (count == 0) {
        return {};
    }
    if (count == 1) {
        return parts[0];
    }
    size_t total = sep.size() * (count - 1);
    for (size_t i = 0; i < count; ++i) {
        total += parts[i].size();
    }
    char* p = allocate(total);
    char* w = p;
    for (size_t i = 0; i < count; ++i) {
        if (i > 0 && !sep.empty()) {
            std::memcpy(w, sep.data(), sep.size());
            w += sep.size();
        }
        if (!parts[i].empty()) {
            std::memcpy(w, parts[i].data(), parts[i].size());
            w += parts[i].size();
        }
    }
    return {p, total};
}

size_t Arena::retained_bytes() const {
    size_t total = parsers_->source_capacity + parsers_->scratch_capacity;
    for (const Chunk& c : chunks_) {
        total += c.size;
    }
    return total;
}

}  // namespace rg::translate
