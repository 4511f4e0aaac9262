// Internal to config/. PathIndex remembers where each configuration path ("server.listen[1]",
// "providers[0].keys[2].id") sits in the text, so checks that run after the YAML walk can
// still point at a line and column. ErrorSink turns "path: message" into positioned
// Diagnostics. Positions are those of the text the YAML parser saw (after substitution);
// the loader maps them back to the original file. Control thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/loader.h"

namespace rg::config::detail {

struct Position {
    uint32_t line = 0;  // 1-based; 0 = unknown
    uint32_t column = 0;
};

class PathIndex {
  public:
    struct Entry {
        Position key;    // the key of a map entry (for a list item: the item)
        Position value;  // the value (the key when the value is empty)
    };

    void add(const std::string& path, Entry entry) { entries_.emplace(path, entry); }
    const Entry* find(std::string_view path) const;
    bool has(std::string_view path) const { return find(path) != nullptr; }
    // Value position of `path`, else of its nearest recorded ancestor, else unknown.
    Position locate(std::string_view path) const;

  private:
    std::unordered_map<std::string, Entry> entries_;
};

// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string_view parent_path(std::string_view path);
// "server" + "listen" -> "server.listen"; "" + "server" -> "server".
std::string child_path(std::string_view parent, std::string_view key);
// "providers" + 2 -> "providers[2]".
std::string item_path(std::string_view list, size_t index);

class ErrorSink {
  public:
    // Positioned diagnostics kept per load; later ones are only counted, so garbage input
    // cannot grow the list without bound. Positionless ones (whole-file problems, a handful
    // at most) are always kept. The loader shows fewer still.
    static constexpr size_t kept_max = 1000;

    ErrorSink(const PathIndex* index, std::vector<Diagnostic>* out) : index_(index), out_(out) {}

    // "<path>: <message>" at the position of `path` (or its nearest recorded ancestor).
    void error(std::string_view path, std::string_view message);
    // "<path>: <message>" at an explicit position.
    void error_at(Position at, std::string_view path, std::string_view message);
    // Errors found beyond kept_max.
    size_t dropped() const { return dropped_; }
    // False once positioned errors are only counted: callers may skip building messages.
    bool accepting() const { return out_->size() < kept_max; }

  private:
    const PathIndex* index_;
    std::vector<Diagnostic>* out_;
    size_t dropped_ = 0;
};

}  // namespace rg::config::detail
