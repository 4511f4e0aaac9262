// Internal to config/. Textual `${VAR}` / `${VAR:-default}` substitution done before YAML
// parsing, and the SourceMap that carries positions in the substituted text back to the
// original file. Control thread only.
//
// Syntax: NAME is [A-Za-z_][A-Za-z0-9_]*. `${NAME:-default}` uses the default when NAME is
// unset or empty (POSIX sh); the default runs to the first '}' and is not itself
// substituted. `$${` writes a literal `${`. A lone `$` is kept as is. Values are inserted as
// text: quote them as their YAML context needs. Comments are left alone (a `#` after white
// space, outside a quoted scalar, up to the end of the line), so a commented-out line never
// needs its variables. Block scalars (| and >) are not tracked: a " #" inside one starts what
// is taken for a comment. Errors: an unset NAME without default, a value holding a newline,
// a malformed or unterminated `${`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"
#include "config/path_index.h"

namespace rg::config::detail {

class SourceMap {
  public:
    // Builders, called by substitute_env in output order.
    void add_literal(size_t out_start, size_t original_start, size_t length);
    // A replaced `${...}` of `out_length` output bytes that starts at `original_start`.
    // `failed` marks the placeholder written in place of a variable that had an error.
    void add_replacement(size_t out_start, size_t original_start, size_t out_length, bool failed);
    void set_texts(std::string_view original, std::string_view output);

    // A position in the output (1-based) -> the same place in the original; a position
    // inside a replacement -> the '$' that started it. Unknown stays unknown.
    Position to_original(Position out) const;
    // True when `out` falls inside the placeholder of a failed variable: diagnostics there
    // are consequences of an error already reported.
    bool in_failed_replacement(Position out) const;
    Position original_position(size_t original_offset) const;

  private:
    struct Segment {
        size_t out_start;
        size_t original_start;
        size_t length;  // output bytes
        bool replacement;
        bool failed;
    };
    const Segment* segment_at(size_t out_offset) const;
    size_t out_offset(Position out) const;

    std::vector<Segment> segments_;
    std::vector<size_t> original_lines_;  // offset where each line starts
    std::vector<size_t> out_lines_;
    size_t out_size_ = 0;
};

struct Substitution {
    std::string text;
    SourceMap map;
    std::vector<Diagnostic> errors;  // positions in the original text
    // Substituted values long enough to be credentials: the loader keeps them out of
    // messages, since environment variables are how secrets reach the file.
    std::vector<std::string> values;
};

Substitution substitute_env(std::string_view original, const EnvLookup& env);

}  // namespace rg::config::detail
