// The `models:` list (public names, targets, fallbacks) and the `routing:` section.
#include "config/sections.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

void read_target(Reader& r, const YAML::Node& node, const std::string& path,
                 proxy::TargetOptions* out) {
    bool ok = r.walk_map(node, path,
                         {
                             r.checked_field("provider", is_valid_name, name_rule, &out->provider),
                             r.checked_field("model", is_valid_model_name, model_rule, &out->model),
                             r.u32_field("weight", 1, weight_max, &out->weight),
                         });
    if (ok) {
        require(r, path, "provider");
    }
}

void read_model(Reader& r, const YAML::Node& node, const std::string& path,
                proxy::ModelOptions* out) {
    auto targets = [&](const YAML::Node& n, const std::string& p) {
        r.walk_list(n, p, [&](const YAML::Node& item, const std::string& item_path) {
            read_target(r, item, item_path, &out->targets.emplace_back());
        });
    };
    bool ok = r.walk_map(
        node, path,
        {
            r.checked_field("name", is_valid_model_name, model_rule, &out->name),
            {"targets", targets},
            r.checked_list_field("fallbacks", is_valid_model_name, model_rule, &out->fallbacks),
        });
    if (!ok) {
        return;
    }
    require(r, path, "name");
    if (require(r, path, "targets") && out->targets.empty()) {
        r.error(child_path(path, "targets"), "at least one target is required");
    }
}

bool is_prefix(std::string_view prefix) {
    return prefix.empty() || is_valid_model_name(prefix);
}

}  // namespace

void read_models(Reader& r, const YAML::Node& node, const std::string& path,
                 std::vector<proxy::ModelOptions>* out) {
    r.walk_list(node, path, [&](const YAML::Node& item, const std::string& item_path) {
        read_model(r, item, item_path, &out->emplace_back());
    });
}

void read_routing(Reader& r, const YAML::Node& node, const std::string& path,
                  proxy::RoutingOptions* out) {
    r.walk_map(node, path,
               {
                   r.checked_field("strip_prefix", is_prefix,
                                   "a prefix is empty or up to 256 characters without spaces or "
                                   "control characters",
                                   &out->strip_prefix),
                   r.bool_field("builtin_rules", &out->builtin_rules),
               });
}

}  // namespace rg::config::detail
