// Internal to config/: the only header that exposes yaml-cpp, included by the loader and the
// section readers (read_*.cc) alone. Reader walks YAML nodes against a schema written as
// tables of Fields, reads typed leaves, records every path it visits in a PathIndex and
// reports every problem it finds (it never stops at the first). Control thread only.
// yaml-cpp throws; the loader catches around the whole walk.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "config/path_index.h"

namespace rg::config::detail {

class Reader {
  public:
    // Reads the value found at `path`.
    using ReadFn = std::function<void(const YAML::Node& value, const std::string& path)>;
    // Reads one entry of a map whose keys are data (headers, pricing).
    using EntryFn = std::function<void(const std::string& key, const YAML::Node& value,
                                       const std::string& path)>;
    struct Field {
        std::string_view key;
        ReadFn read;
    };
    // Whether unknown keys of a map may be printed: not in maps that hold a credential.
    enum class Keys : uint8_t { shown, secret };

    Reader(PathIndex* index, ErrorSink* sink) : index_(index), sink_(sink) {}

    void error(std::string_view path, std::string_view message) { sink_->error(path, message); }
    // At the key of `path` rather than its value: for problems with a key that is data
    // (a header name, a model name in pricing).
    void error_at_key(std::string_view path, std::string_view message);
    bool has(std::string_view path) const { return index_->has(path); }

    // Structure. Each reports a wrong type and returns false. An empty value ("server:" with
    // everything commented out) counts as an empty map or list.
    // Every key must be one of `fields` (else an error with a "did you mean" hint); present
    // fields are read in the order of `fields`, not of the file, so a table can list what
    // later fields depend on first.
    bool walk_map(const YAML::Node& node, const std::string& path, const std::vector<Field>& fields,
                  Keys keys = Keys::shown);
    bool walk_entries(const YAML::Node& node, const std::string& path, const EntryFn& read);
    bool walk_list(const YAML::Node& node, const std::string& path, const ReadFn& read);

    // Leaves. Each reports a wrong type or range and returns false, leaving *out alone.
    bool read_string(const YAML::Node& node, const std::string& path, std::string* out);
    bool read_bool(const YAML::Node& node, const std::string& path, bool* out);
    bool read_integer(const YAML::Node& node, const std::string& path, uint64_t min, uint64_t max,
                      uint64_t* out);
    // A finite, non-negative decimal number.
    bool read_amount(const YAML::Node& node, const std::string& path, double* out);
    bool read_duration(const YAML::Node& node, const std::string& path, uint32_t min_ms,
                       uint32_t* out);
    bool read_choice(const YAML::Node& node, const std::string& path,
                     const std::vector<std::string_view>& names, size_t* index);
    // A string that passes `valid`, else "<rule> (got '...')". Echoes the value: not for
    // secrets.
    bool read_checked(const YAML::Node& node, const std::string& path,
                      bool (*valid)(std::string_view), std::string_view rule, std::string* out);
    // A list of strings that each pass `valid`.
    bool read_checked_list(const YAML::Node& node, const std::string& path,
                           bool (*valid)(std::string_view), std::string_view rule,
                           std::vector<std::string>* out);

    // Field factories for walk_map tables.
    Field bool_field(std::string_view key, bool* out);
    Field u32_field(std::string_view key, uint32_t min, uint32_t max, uint32_t* out);
    Field u64_field(std::string_view key, uint64_t min, uint64_t max, uint64_t* out);
    Field optional_u32_field(std::string_view key, std::optional<uint32_t>* out);
    Field optional_u64_field(std::string_view key, std::optional<uint64_t>* out);
    Field optional_amount_field(std::string_view key, std::optional<double>* out);
    Field amount_field(std::string_view key, double* out);
    Field duration_field(std::string_view key, uint32_t min_ms, uint32_t* out);
    Field checked_field(std::string_view key, bool (*valid)(std::string_view),
                        std::string_view rule, std::string* out);
    Field checked_list_field(std::string_view key, bool (*valid)(std::string_view),
                             std::string_view rule, std::vector<std::string>* out);
    // For enums numbered 0..n-1 in the order of `names`.
    template <typename Enum>
    Field enum_field(std::string_view key, std::vector<std::string_view> names, Enum* out) {
        return Field{key, [this, names = std::move(names), out](const YAML::Node& node,
                                                                const std::string& path) {
                         size_t index = 0;
                         if (read_choice(node, path, names, &index)) {
                             *out = static_cast<Enum>(index);
                         }
                     }};
    }

  private:
    bool expect(const YAML::Node& node, const std::string& path, YAML::NodeType::value type,
                const char* expected);
    bool expect_plain_scalar(const YAML::Node& node, const std::string& path, const char* expected);
    // Counts a visited node; false (reported once) when the document is too big to walk,
    // which also bounds alias fan-out ("billion laughs").
    bool visit();
    void record(const std::string& path, const YAML::Node& key, const YAML::Node& value);
    static const Field* find_field(const std::vector<Field>& fields, std::string_view key);
    void report_unknown(const YAML::Node& key, const std::string& path,
                        const std::vector<Field>& fields, Keys keys);
    // A scalar key not seen before in this map; reports others.
    bool check_key(const YAML::Node& key, const std::string& path,
                   std::unordered_set<std::string>* seen);

    PathIndex* index_;
    ErrorSink* sink_;
    size_t visits_ = 0;
    bool too_big_reported_ = false;
};

// A yaml-cpp mark (0-based, -1 when absent) as a Position (1-based, 0 when absent).
Position position_of(const YAML::Mark& mark);
// `text` quoted for a one-line message: control characters replaced, long text cut.
std::string quoted(std::string_view text);

}  // namespace rg::config::detail
