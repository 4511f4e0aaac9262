#include "config/env_subst.h"

#include <algorithm>

namespace rg::config::detail {
namespace {

// Written in place of a variable that could not be substituted: a plain YAML scalar that is
// valid in block, flow and quoted context, so the rest of the file still parses and every
// other error is still found.
constexpr std::string_view failed_placeholder = "ENV_ERROR";
// Shorter values (ports, counts, "true") are not secrets, and hiding them would garble
// messages.
constexpr size_t redacted_size_min = 6;

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

std::vector<size_t> line_starts(std::string_view text) {
    // yaml-cpp counts lines at '\n' only (a lone '\r' does not start a line), and so do we.
    std::vector<size_t> starts{0};
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            starts.push_back(i + 1);
        }
    }
    return starts;
}

class Substituter {
  public:
    Substituter(std::string_view original, const EnvLookup& env, Substitution* out)
        : in_(original), env_(env), out_(out) {}

    // A small YAML lexer: enough to know comments (left alone) from quoted scalars (where a
    // '#' is text).
    void run() {
        size_t i = 0;
        while (i < in_.size()) {
            char c = in_[i];
            if (c == '$') {
                i = dollar(i);
            } else if (quote_ == 0 && c == '#' && after_space(i)) {
                i = std::min(in_.find('\n', i), in_.size());  // a comment: copied unchanged
            } else if (quote_ == 0 && (c == '\'' || c == '"') && starts_scalar(i)) {
                quote_ = c;
                ++i;
            } else if (quote_ == '"' && c == '\\') {
                i += 2;  // an escape: \" does not close the scalar
            } else if (quote_ != 0 && c == quote_) {
                bool doubled = quote_ == '\'' && i + 1 < in_.size() && in_[i + 1] == '\'';
                quote_ = doubled ? quote_ : 0;  // '' inside '...' is one quote
                i += doubled ? 2 : 1;
            } else {
                ++i;
            }
        }
        flush_literal(in_.size());
        out_->map.set_texts(in_, out_->text);
        report_errors();
    }

  private:
    // "$${" -> literal "${"; "${...}" -> its value; another '$' is text. Returns where to
    // continue.
    size_t dollar(size_t i) {
        if (in_.substr(i, 3) == "$${") {
            flush_literal(i);
            literal_from_ = i + 1;  // keep "${" as literal text
            return i + 3;
        }
        if (in_.substr(i, 2) == "${") {
            flush_literal(i);
            literal_from_ = expand(i);
            return literal_from_;
        }
        return i + 1;
    }

    // YAML 1.2 section 6.6: a comment is separated from other tokens by white space.
    bool after_space(size_t i) const {
        return i == 0 || in_[i - 1] == ' ' || in_[i - 1] == '\t' || in_[i - 1] == '\n' ||
               in_[i - 1] == '\r';
    }

    // A quote opens a quoted scalar only where a scalar can start; in "it's" it is text.
    bool starts_scalar(size_t i) const {
        if (after_space(i)) {
            return true;
        }
        char before = in_[i - 1];
        return before == '[' || before == '{' || before == ',' || before == ':';
    }

    void flush_literal(size_t end) {
        if (end > literal_from_) {
            out_->map.add_literal(out_->text.size(), literal_from_, end - literal_from_);
            out_->text.append(in_.substr(literal_from_, end - literal_from_));
        }
    }

    // Expands the reference starting at in_[dollar] ("${"); returns the offset after it.
    size_t expand(size_t dollar) {
        size_t close = in_.find_first_of("}\n", dollar + 2);
        if (close == std::string_view::npos || in_[close] != '}') {
            size_t end = close == std::string_view::npos ? in_.size() : close;
            fail(dollar, "unterminated ${: missing '}' on the same line");
            return end;
        }
        std::string_view inner = in_.substr(dollar + 2, close - dollar - 2);
        size_t name_length = 0;
        while (name_length < inner.size() && is_name_char(inner[name_length])) {
            ++name_length;
        }
        std::string name(inner.substr(0, name_length));
        std::string_view rest = inner.substr(name_length);
        if (name.empty() || !is_name_start(name[0])) {
            fail(dollar,
                 "bad variable name in ${...}: use letters, digits and '_', not "
                 "starting with a digit");
        } else if (!rest.empty() && rest.substr(0, 2) != ":-") {
            fail(dollar, "unsupported form ${" + name + std::string(rest.substr(0, 2)) +
                             "...}: use ${" + name + "} or ${" + name + ":-default}");
        } else {
            substitute(dollar, name, rest.empty() ? nullptr : &rest);
        }
        return close + 1;
    }

    void substitute(size_t dollar, const std::string& name, const std::string_view* rest) {
        const char* value = env_(name);
        std::string_view text;
        if (value != nullptr && (value[0] != '\0' || rest == nullptr)) {
            text = value;
        } else if (rest != nullptr) {
            text = rest->substr(2);  // after ":-"
        } else {
            fail(dollar, "environment variable " + name + " is not set (write ${" + name +
                             ":-default} to give a default, $${ for a literal ${)");
            return;
        }
        if (text.find_first_of("\r\n") != std::string_view::npos) {
            fail(dollar, "environment variable " + name +
                             " contains a newline; substituted values must be one line");
            return;
        }
        if (!text.empty()) {
            out_->map.add_replacement(out_->text.size(), dollar, text.size(), false);
            out_->text.append(text);
        }
        if (text.size() >= redacted_size_min) {
            out_->values.emplace_back(text);
        }
    }

    void fail(size_t dollar, std::string message) {
        pending_.push_back(PendingError{dollar, std::move(message)});
        out_->map.add_replacement(out_->text.size(), dollar, failed_placeholder.size(), true);
        out_->text.append(failed_placeholder);
    }

    // Errors wait for the source map, which turns their offsets into line:column.
    void report_errors() {
        for (PendingError& e : pending_) {
            Position at = out_->map.original_position(e.offset);
            out_->errors.push_back(Diagnostic{at.line, at.column, std::move(e.message)});
        }
    }

    struct PendingError {
        size_t offset;
        std::string message;
    };

    std::string_view in_;
    const EnvLookup& env_;
    Substitution* out_;
    size_t literal_from_ = 0;
    char quote_ = 0;  // the quote of the scalar being read, or 0 outside quotes
    std::vector<PendingError> pending_;
};

}  // namespace

void SourceMap::add_literal(size_t out_start, size_t original_start, size_t length) {
    segments_.push_back(Segment{out_start, original_start, length, false, false});
}

void SourceMap::add_replacement(size_t out_start, size_t original_start, size_t out_length,
                                bool failed) {
    segments_.push_back(Segment{out_start, original_start, out_length, true, failed});
}

void SourceMap::set_texts(std::string_view original, std::string_view output) {
    original_lines_ = line_starts(original);
    out_lines_ = line_starts(output);
    out_size_ = output.size();
}

size_t SourceMap::out_offset(Position out) const {
    if (out.line == 0 || out.line > out_lines_.size()) {
        return out_size_;
    }
    size_t offset = out_lines_[out.line - 1] + (out.column == 0 ? 0 : out.column - 1);
    return std::min(offset, out_size_);
}

const SourceMap::Segment* SourceMap::segment_at(size_t out_offset) const {
    auto it = std::upper_bound(
        segments_.begin(), segments_.end(), out_offset,
        [](size_t offset, const Segment& segment) { return offset < segment.out_start; });
    return it == segments_.begin() ? nullptr : &*(it - 1);
}

Position SourceMap::to_original(Position out) const {
    if (out.line == 0) {
        return out;
    }
    size_t offset = out_offset(out);
    const Segment* segment = segment_at(offset);
    if (segment == nullptr) {
        return original_position(offset);  // empty text: offsets agree
    }
    if (segment->replacement) {
        return original_position(segment->original_start);
    }
    return original_position(segment->original_start + (offset - segment->out_start));
}

bool SourceMap::in_failed_replacement(Position out) const {
    if (out.line == 0) {
        return false;
    }
    size_t offset = out_offset(out);
    const Segment* segment = segment_at(offset);
    return segment != nullptr && segment->failed && offset < segment->out_start + segment->length;
}

Position SourceMap::original_position(size_t original_offset) const {
    if (original_lines_.empty()) {
        return Position{1, static_cast<uint32_t>(original_offset + 1)};
    }
    auto it = std::upper_bound(original_lines_.begin(), original_lines_.end(), original_offset);
    size_t line = static_cast<size_t>(it - original_lines_.begin());
    return Position{static_cast<uint32_t>(line),
                    static_cast<uint32_t>(original_offset - original_lines_[line - 1] + 1)};
}

Substitution substitute_env(std::string_view original, const EnvLookup& env) {
    Substitution result;
    Substituter(original, env, &result).run();
    return result;
}

}  // namespace rg::config::detail
