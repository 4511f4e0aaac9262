#include "config/reader.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "config/suggest.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

// Nodes one load may visit. A real config has a few thousand; the bound keeps a file of
// aliases to aliases from making the walk quadratic.
constexpr size_t visits_max = 1000000;

const char* kind_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return node.Tag() == "!" ? "a quoted string" : "a scalar";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return "nothing";
    }
    return "nothing";
}

// `text` fit for a one-line message: control characters replaced, long text cut.
std::string printable(std::string_view text) {
    static constexpr size_t shown_max = 48;
    std::string out;
    for (size_t i = 0; i < text.size() && i < shown_max; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
    }
    if (text.size() > shown_max) {
        out += "...";
    }
    return out;
}

std::string join(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::string_view name : names) {
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

bool is_number_like(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
}

bool is_decimal_fraction(std::string_view text) {
    return text.find('.') != std::string_view::npos &&
           text.find_first_not_of("0123456789.") == std::string_view::npos;
}

std::string range_message(uint64_t min, uint64_t max, std::string_view got) {
    if (max == std::numeric_limits<uint64_t>::max() ||
        max == std::numeric_limits<uint32_t>::max()) {
        return "must be at least " + std::to_string(min) + " (got " + std::string(got) + ")";
    }
    return "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
           std::string(got) + ")";
}

}  // namespace

std::string quoted(std::string_view text) {
    return "'" + printable(text) + "'";
}

Position position_of(const YAML::Mark& mark) {
    if (mark.line < 0 || mark.column < 0) {
        return {};
    }
    return Position{static_cast<uint32_t>(mark.line) + 1, static_cast<uint32_t>(mark.column) + 1};
}

void Reader::error_at_key(std::string_view path, std::string_view message) {
    const PathIndex::Entry* entry = index_->find(path);
    if (entry == nullptr) {
        sink_->error(path, message);
    } else {
        sink_->error_at(entry->key, path, message);
    }
}

bool Reader::visit() {
    if (++visits_ <= visits_max) {
        return true;
    }
    if (!too_big_reported_) {
        too_big_reported_ = true;
        sink_->error_at({}, "", "the document has too many nodes to check (aliases?)");
    }
    return false;
}

void Reader::record(const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    Position key_at = position_of(key.Mark());
    Position value_at = value.IsNull() ? key_at : position_of(value.Mark());
    index_->add(path, PathIndex::Entry{key_at, value_at});
}

bool Reader::expect(const YAML::Node& node, const std::string& path, YAML::NodeType::value type,
                    const char* expected) {
    if (node.Type() == type) {
        return true;
    }
    std::string message = std::string("expected ") + expected + ", got " + kind_name(node);
    if (path.empty()) {
        sink_->error_at(position_of(node.Mark()), "", "the document: " + message);
    } else {
        sink_->error(path, message);
    }
    return false;
}

bool Reader::check_key(const YAML::Node& key, const std::string& path,
                       std::unordered_set<std::string>* seen) {
    if (!key.IsScalar()) {
        sink_->error_at(position_of(key.Mark()), path, "keys must be plain strings");
        return false;
    }
    if (!seen->insert(key.Scalar()).second) {
        sink_->error_at(position_of(key.Mark()), child_path(path, printable(key.Scalar())),
                        "duplicate key");
        return false;
    }
    return true;
}

const Reader::Field* Reader::find_field(const std::vector<Field>& fields, std::string_view key) {
    for (const Field& field : fields) {
        if (field.key == key) {
            return &field;
        }
    }
    return nullptr;
}

void Reader::report_unknown(const YAML::Node& key, const std::string& path,
                            const std::vector<Field>& fields, Keys keys) {
    if (!sink_->accepting()) {
        sink_->error_at(position_of(key.Mark()), path, "");  // counted, not kept
        return;
    }
    std::vector<std::string_view> names;
    for (const Field& field : fields) {
        names.push_back(field.key);
    }
    if (keys == Keys::secret) {
        // In a map holding a credential, a stray key is most likely the credential itself
        // (`{id: a, "sk-..."}`): never print it.
        sink_->error_at(
            position_of(key.Mark()), path,
            "unknown key (not shown, as it may be a secret); known keys: " + join(names));
        return;
    }
    std::string_view hint = closest_match(key.Scalar(), names);
    std::string message = hint.empty() ? "unknown key (known keys: " + join(names) + ")"
                                       : "unknown key; did you mean '" + std::string(hint) + "'?";
    sink_->error_at(position_of(key.Mark()), child_path(path, printable(key.Scalar())), message);
}

bool Reader::walk_map(const YAML::Node& node, const std::string& path,
                      const std::vector<Field>& fields, Keys keys) {
    if (node.IsNull()) {
        return true;  // "section:" with everything commented out: all defaults
    }
    if (!expect(node, path, YAML::NodeType::Map, "a map")) {
        return false;
    }
    std::unordered_set<std::string> seen;
    std::vector<std::pair<const Field*, YAML::Node>> present;
    for (auto it = node.begin(); it != node.end() && visit(); ++it) {
        const Field* field =
            it->first.IsScalar() ? find_field(fields, it->first.Scalar()) : nullptr;
        if (it->first.IsScalar() && field == nullptr) {
            report_unknown(it->first, path, fields, keys);
        } else if (check_key(it->first, path, &seen)) {
            record(child_path(path, field->key), it->first, it->second);
            present.emplace_back(field, it->second);
        }
    }
    for (const Field& field : fields) {
        for (const auto& [which, value] : present) {
            if (which == &field) {
                field.read(value, child_path(path, field.key));
            }
        }
    }
    return true;
}

bool Reader::walk_entries(const YAML::Node& node, const std::string& path, const EntryFn& read) {
    if (node.IsNull()) {
        return true;
    }
    if (!expect(node, path, YAML::NodeType::Map, "a map")) {
        return false;
    }
    std::unordered_set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!visit()) {
            return false;
        }
        if (!check_key(it->first, path, &seen)) {
            continue;
        }
        std::string child = child_path(path, it->first.Scalar());
        record(child, it->first, it->second);
        read(it->first.Scalar(), it->second, child);
    }
    return true;
}

bool Reader::walk_list(const YAML::Node& node, const std::string& path, const ReadFn& read) {
    if (node.IsNull()) {
        return true;
    }
    if (!expect(node, path, YAML::NodeType::Sequence, "a list")) {
        return false;
    }
    size_t i = 0;
    for (auto it = node.begin(); it != node.end() && visit(); ++it, ++i) {
        std::string child = item_path(path, i);
        record(child, *it, *it);
        read(*it, child);
    }
    return true;
}

bool Reader::read_string(const YAML::Node& node, const std::string& path, std::string* out) {
    if (!expect(node, path, YAML::NodeType::Scalar, "a string")) {
        return false;
    }
    *out = node.Scalar();
    return true;
}

bool Reader::expect_plain_scalar(const YAML::Node& node, const std::string& path,
                                 const char* expected) {
    if (!expect(node, path, YAML::NodeType::Scalar, expected)) {
        return false;
    }
    if (node.Tag() != "?") {
        sink_->error(path, std::string("expected ") + expected + " without quotes or tags, got " +
                               quoted(node.Scalar()));
        return false;
    }
    return true;
}

bool Reader::read_bool(const YAML::Node& node, const std::string& path, bool* out) {
    if (!expect_plain_scalar(node, path, "true or false")) {
        return false;
    }
    const std::string& text = node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") {
        *out = true;
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        *out = false;
        return true;
    }
    sink_->error(path, "expected true or false, got " + quoted(text));
    return false;
}

bool Reader::read_integer(const YAML::Node& node, const std::string& path, uint64_t min,
                          uint64_t max, uint64_t* out) {
    if (!expect_plain_scalar(node, path, "an integer")) {
        return false;
    }
    const std::string& text = node.Scalar();
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    bool digits_only = text.find_first_not_of("0123456789") == std::string::npos;
    if (!text.empty() && text[0] == '-' && is_number_like(text)) {
        sink_->error(path, "must not be negative (got " + text + ")");
        return false;
    }
    if (digits_only && ec == std::errc::result_out_of_range) {
        sink_->error(path, range_message(min, max, text));
        return false;
    }
    if (!digits_only || ec != std::errc() || end != text.data() + text.size()) {
        sink_->error(path, is_decimal_fraction(text) ? "must be a whole number (got " + text + ")"
                                                     : "expected an integer, got " + quoted(text));
        return false;
    }
    if (value < min || value > max) {
        sink_->error(path, range_message(min, max, text));
        return false;
    }
    *out = value;
    return true;
}

bool Reader::read_amount(const YAML::Node& node, const std::string& path, double* out) {
    if (!expect_plain_scalar(node, path, "a number")) {
        return false;
    }
    const std::string& text = node.Scalar();
    if (!text.empty() && text[0] == '-' && is_number_like(text)) {
        sink_->error(path, "must not be negative (got " + text + ")");
        return false;
    }
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        sink_->error(path, "expected a number, got " + quoted(text));
        return false;
    }
    *out = value;
    return true;
}

bool Reader::read_duration(const YAML::Node& node, const std::string& path, uint32_t min_ms,
                           uint32_t* out) {
    if (!expect(node, path, YAML::NodeType::Scalar, "a duration such as 30s")) {
        return false;
    }
    auto parsed = parse_duration_ms(node.Scalar());
    if (!parsed.ok()) {
        sink_->error(path,
                     std::string(parsed.error().context) + " (got " + quoted(node.Scalar()) + ")");
        return false;
    }
    if (*parsed < min_ms) {
        sink_->error(path, min_ms == 1 ? "must be greater than 0"
                                       : "must be at least " + format_duration_ms(min_ms));
        return false;
    }
    *out = *parsed;
    return true;
}

bool Reader::read_choice(const YAML::Node& node, const std::string& path,
                         const std::vector<std::string_view>& names, size_t* index) {
    if (!expect(node, path, YAML::NodeType::Scalar, "a string")) {
        return false;
    }
    const std::string& text = node.Scalar();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) {
            *index = i;
            return true;
        }
    }
    std::string message = "must be one of " + join(names) + " (got " + quoted(text) + ")";
    std::string_view hint = closest_match(text, names);
    if (!hint.empty()) {
        message += "; did you mean '" + std::string(hint) + "'?";
    }
    sink_->error(path, message);
    return false;
}

bool Reader::read_checked(const YAML::Node& node, const std::string& path,
                          bool (*valid)(std::string_view), std::string_view rule,
                          std::string* out) {
    std::string text;
    if (!read_string(node, path, &text)) {
        return false;
    }
    if (!valid(text)) {
        sink_->error(path, std::string(rule) + " (got " + quoted(text) + ")");
        return false;
    }
    *out = std::move(text);
    return true;
}

bool Reader::read_checked_list(const YAML::Node& node, const std::string& path,
                               bool (*valid)(std::string_view), std::string_view rule,
                               std::vector<std::string>* out) {
    std::vector<std::string> items;
    bool items_ok = true;
    bool ok = walk_list(node, path, [&](const YAML::Node& item, const std::string& item_at) {
        std::string text;
        items_ok = read_checked(item, item_at, valid, rule, &text) && items_ok;
        items.push_back(std::move(text));
    });
    ok = ok && items_ok;
    if (ok) {
        *out = std::move(items);
    }
    return ok;
}

Reader::Field Reader::bool_field(std::string_view key, bool* out) {
    return Field{key,
                 [this, out](const YAML::Node& n, const std::string& p) { read_bool(n, p, out); }};
}

Reader::Field Reader::u32_field(std::string_view key, uint32_t min, uint32_t max, uint32_t* out) {
    return Field{key, [this, min, max, out](const YAML::Node& n, const std::string& p) {
                     uint64_t value = 0;
                     if (read_integer(n, p, min, max, &value)) {
                         *out = static_cast<uint32_t>(value);
                     }
                 }};
}

Reader::Field Reader::u64_field(std::string_view key, uint64_t min, uint64_t max, uint64_t* out) {
    return Field{key, [this, min, max, out](const YAML::Node& n, const std::string& p) {
                     read_integer(n, p, min, max, out);
                 }};
}

Reader::Field Reader::optional_u32_field(std::string_view key, std::optional<uint32_t>* out) {
    return Field{key, [this, out](const YAML::Node& n, const std::string& p) {
                     uint64_t value = 0;
                     if (read_integer(n, p, 0, std::numeric_limits<uint32_t>::max(), &value)) {
                         *out = static_cast<uint32_t>(value);
                     }
                 }};
}

Reader::Field Reader::optional_u64_field(std::string_view key, std::optional<uint64_t>* out) {
    return Field{key, [this, out](const YAML::Node& n, const std::string& p) {
                     uint64_t value = 0;
                     if (read_integer(n, p, 0, std::numeric_limits<uint64_t>::max(), &value)) {
                         *out = value;
                     }
                 }};
}

Reader::Field Reader::optional_amount_field(std::string_view key, std::optional<double>* out) {
    return Field{key, [this, out](const YAML::Node& n, const std::string& p) {
                     double value = 0;
                     if (read_amount(n, p, &value)) {
                         *out = value;
                     }
                 }};
}

Reader::Field Reader::amount_field(std::string_view key, double* out) {
    return Field{
        key, [this, out](const YAML::Node& n, const std::string& p) { read_amount(n, p, out); }};
}

Reader::Field Reader::duration_field(std::string_view key, uint32_t min_ms, uint32_t* out) {
    return Field{key, [this, min_ms, out](const YAML::Node& n, const std::string& p) {
                     read_duration(n, p, min_ms, out);
                 }};
}

Reader::Field Reader::checked_field(std::string_view key, bool (*valid)(std::string_view),
                                    std::string_view rule, std::string* out) {
    return Field{key, [this, valid, rule, out](const YAML::Node& n, const std::string& p) {
                     read_checked(n, p, valid, rule, out);
                 }};
}

Reader::Field Reader::checked_list_field(std::string_view key, bool (*valid)(std::string_view),
                                         std::string_view rule, std::vector<std::string>* out) {
    return Field{key, [this, valid, rule, out](const YAML::Node& n, const std::string& p) {
                     read_checked_list(n, p, valid, rule, out);
                 }};
}

}  // namespace rg::config::detail
