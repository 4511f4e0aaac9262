// Internal to config/: the schema, one reader per top-level section (read_*.cc). Each walks
// its YAML with a Reader, fills its module's plain options, applies defaults and checks
// everything that concerns one entry; checks across entries live in validate.cc.
// Control thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/reader.h"
#include "config/snapshot.h"

namespace rg::config::detail {

// Rules shared by several sections, worded for messages.
inline constexpr std::string_view name_rule = "names are 1..64 characters of A-Z a-z 0-9 . _ -";
inline constexpr std::string_view model_rule =
    "model names are 1..256 characters without spaces or control characters";
// Largest weight of a key or target: keeps the sum of a provider's weights far from
// overflowing 32 bits while allowing ratios of a million to one.
inline constexpr uint32_t weight_max = 1000000;

void read_root(Reader& r, const YAML::Node& root, Snapshot* out);

void read_server(Reader& r, const YAML::Node& node, const std::string& path, server::Options* out);
// Every key of `upstream:`, appended to `fields`: the section itself and each provider
// entry (for its overrides) use the same table.
void add_upstream_fields(Reader& r, upstream::Options* out, std::vector<Reader::Field>* fields);
void check_upstream(Reader& r, const std::string& path, const upstream::Options& options);
// circuit_breaker and key_reprobe: the top-level `upstream:` section only.
void add_health_fields(Reader& r, keys::HealthOptions* out, std::vector<Reader::Field>* fields);
void check_health(Reader& r, const std::string& path, const keys::HealthOptions& options);
void read_providers(Reader& r, const YAML::Node& node, const std::string& path,
                    const upstream::Options& defaults, std::vector<keys::ProviderOptions>* out);
void read_models(Reader& r, const YAML::Node& node, const std::string& path,
                 std::vector<proxy::ModelOptions>* out);
void read_routing(Reader& r, const YAML::Node& node, const std::string& path,
                  proxy::RoutingOptions* out);
void read_client_keys(Reader& r, const YAML::Node& node, const std::string& path,
                      std::vector<limits::ClientKeyOptions>* out);
void read_pricing(Reader& r, const YAML::Node& node, const std::string& path,
                  std::vector<limits::PriceOptions>* out);
void read_storage(Reader& r, const YAML::Node& node, const std::string& path,
                  storage::Options* out);
void read_logging(Reader& r, const YAML::Node& node, const std::string& path, log::Options* out);

// Reports "missing required key '<key>'" at `path` unless `path.key` was present.
bool require(Reader& r, const std::string& path, std::string_view key);
// An API key or client key: a non-empty string that fits an HTTP header. Messages never
// echo the value.
bool read_secret(Reader& r, const YAML::Node& node, const std::string& path, std::string* out);
bool is_absolute_path(std::string_view path);

}  // namespace rg::config::detail
