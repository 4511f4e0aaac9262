#include "pgexport/settings.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pgexport/dsn.h"

namespace rg::pgexport {
namespace {

// Written in place of an unset `${VAR}`: an error only if it lands in a key we read, so the
// exporter does not need the provider keys' variables that ringgate's other sections use.
constexpr std::string_view kUnsetMarker = "__rg_unset_variable__";

bool is_name_char(char c, bool first) {
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    return alpha || (!first && c >= '0' && c <= '9');
}

// `${NAME}` / `${NAME:-default}` at text[i] ('$'); appends the value, returns the length
// consumed, 0 when this is not a well-formed reference (then the '$' is kept as is).
size_t expand_one(std::string_view text, size_t i, const EnvLookup& env, std::string* out) {
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
        return 0;
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    size_t name_len = 0;
    while (name_len < body.size() && is_name_char(body[name_len], name_len == 0)) {
        ++name_len;
    }
    std::string_view name = body.substr(0, name_len);
    std::string_view rest = body.substr(name_len);
    if (name.empty() || (!rest.empty() && rest.substr(0, 2) != ":-")) {
        return 0;
    }
    std::optional<std::string> value = env(name);
    if (!rest.empty() && (!value || value->empty())) {
        out->append(rest.substr(2));
    } else if (value) {
        out->append(*value);
    } else {
        out->append(kUnsetMarker);
        out->append(name);
        out->append("__");
    }
    return close + 1 - i;
}

std::string expand_env(std::string_view text, const EnvLookup& env) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i, 3) == "$${") {
            out.append("${");
            i += 2;
            continue;
        }
        if (text.substr(i, 2) == "${") {
            size_t used = expand_one(text, i, env, &out);
            if (used > 0) {
                i += used - 1;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

// Error naming the unset variable in `value`, empty when there is none.
std::string unset_variable_error(std::string_view key, std::string_view value) {
    size_t at = value.find(kUnsetMarker);
    if (at == std::string_view::npos) {
        return {};
    }
    std::string_view name = value.substr(at + kUnsetMarker.size());
    name = name.substr(0, name.find("__"));
    return std::string(key) + ": environment variable " + std::string(name) +
           " is not set (and has no ${VAR:-default})";
}

std::string read_string(const YAML::Node& storage, const char* key, std::string* out) {
    YAML::Node node = storage[key];
    if (!node || node.IsNull()) {
        return {};
    }
    std::string full = std::string("storage.") + key;
    if (!node.IsScalar()) {
        return full + ": expected a string (line " + std::to_string(node.Mark().line + 1) + ")";
    }
    std::string value = node.as<std::string>();
    std::string error = unset_variable_error(full, value);
    if (!error.empty()) {
        return error;
    }
    *out = value;
    return {};
}

std::string read_storage(const YAML::Node& root, Settings* out) {
    YAML::Node storage = root["storage"];
    if (!storage || storage.IsNull()) {
        return "no storage section: set storage.traces to a postgresql:// URL";
    }
    if (!storage.IsMap()) {
        return "storage: expected a mapping";
    }
    std::string retention;
    for (auto [key, target] :
         {std::pair{"traces", &out->dsn}, {"spool", &out->spool_dir}, {"retention", &retention}}) {
        std::string error = read_string(storage, key, target);
        if (!error.empty()) {
            return error;
        }
    }
    if (!retention.empty()) {
        std::optional<uint64_t> seconds = parse_retention(retention);
        if (!seconds) {
            return "storage.retention: '" + retention + "' is not a duration such as 30d or 12h";
        }
        out->retention_s = *seconds;
    }
    return {};
}

}  // namespace

EnvLookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

std::optional<uint64_t> parse_retention(std::string_view text) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    uint64_t unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            return std::nullopt;
    }
    uint64_t n = 0;
    for (char c : text.substr(0, text.size() - 1)) {
        if (c < '0' || c > '9' || n > (uint64_t{1} << 40)) {
            return std::nullopt;
        }
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (n == 0) {
        return std::nullopt;
    }
    return n * unit;
}

std::string load_config_text(std::string_view text, const EnvLookup& env, Settings* out) {
    std::string expanded = expand_env(text, env);
    try {
        YAML::Node root = YAML::Load(expanded);
        if (!root.IsMap()) {
            return "the config file is not a YAML mapping";
        }
        return read_storage(root, out);
    } catch (const YAML::Exception& e) {
        // e.what() quotes no values, only the parser's message and position.
        return std::string("YAML: ") + e.what();
    }
}

std::string load_config_file(const std::string& path, const EnvLookup& env, Settings* out) {
    std::ifstream file(path);
    if (!file) {
        return "cannot read " + path + ": " + std::strerror(errno);
    }
    std::stringstream text;
    text << file.rdbuf();
    std::string error = load_config_text(text.str(), env, out);
    return error.empty() ? error : path + ": " + error;
}

namespace {

// The value after flag argv[*i]; advances *i. nullptr when it is missing.
const char* flag_value(int argc, char** argv, int* i) {
    if (*i + 1 >= argc) {
        return nullptr;
    }
    ++*i;
    return argv[*i];
}

}  // namespace

std::string parse_args(int argc, char** argv, const EnvLookup& env, Settings* out) {
    std::string config, spool, dsn, retention;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string* target = arg == "--config"      ? &config
                              : arg == "--spool"     ? &spool
                              : arg == "--dsn"       ? &dsn
                              : arg == "--retention" ? &retention
                                                     : nullptr;
        if (arg == "--version") {
            out->print_version = true;
            return {};
        }
        if (target == nullptr) {
            return "unknown argument '" + std::string(arg) +
                   "'; usage: ringgate-pgexport --config FILE | --spool DIR --dsn URL "
                   "[--retention 30d]";
        }
        const char* value = flag_value(argc, argv, &i);
        if (value == nullptr) {
            return std::string(arg) + " needs a value";
        }
        *target = value;
    }
    if (config.empty() && (spool.empty() || dsn.empty())) {
        config = "/etc/ringgate/ringgate.yaml";
    }
    if (!config.empty()) {
        std::string error = load_config_file(config, env, out);
        if (!error.empty()) {
            return error;
        }
    }
    if (!spool.empty()) {
        out->spool_dir = spool;
    }
    if (!dsn.empty()) {
        out->dsn = dsn;
    }
    if (!retention.empty()) {
        std::optional<uint64_t> seconds = parse_retention(retention);
        if (!seconds) {
            return "--retention: '" + retention + "' is not a duration such as 30d or 12h";
        }
        out->retention_s = *seconds;
    }
    out->dsn = normalize_dsn(out->dsn);
    return check_dsn(out->dsn);
}

}  // namespace rg::pgexport
