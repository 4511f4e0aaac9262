// The `server:` section: listeners, workers, TLS, CORS and the downstream limits.
#include "base/limits.h"
#include "config/sections.h"
#include "config/urls.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

bool same_address(const server::ListenAddress& a, const server::ListenAddress& b) {
    // Port 0 asks the kernel for a free port each time: two of them never collide.
    return a.port != 0 && a.port == b.port && a.host == b.host;
}

bool read_address(Reader& r, const YAML::Node& node, const std::string& path,
                  server::ListenAddress* out) {
    std::string text;
    if (!r.read_string(node, path, &text)) {
        return false;
    }
    auto address = parse_listen_address(text);
    if (!address.ok()) {
        r.error(path, std::string(address.error().context) + " (got " + quoted(text) + ")");
        return false;
    }
    *out = std::move(*address);
    return true;
}

void add_listener(Reader& r, const YAML::Node& node, const std::string& path,
                  std::vector<server::ListenAddress>* out) {
    server::ListenAddress address;
    if (!read_address(r, node, path, &address)) {
        return;
    }
    for (const server::ListenAddress& earlier : *out) {
        if (same_address(earlier, address)) {
            r.error(path, "duplicate listen address (" + earlier.text + " is already listed)");
            return;
        }
    }
    out->push_back(std::move(address));
}

// One address or a list of them.
void read_listen(Reader& r, const YAML::Node& node, const std::string& path,
                 std::vector<server::ListenAddress>* out) {
    out->clear();
    if (node.IsScalar()) {
        add_listener(r, node, path, out);
        return;
    }
    if (!node.IsSequence() || node.size() == 0) {
        r.error(path, "expected an address or a list of addresses, e.g. [\"0.0.0.0:8080\"]");
        return;
    }
    if (node.size() > limits::listeners_max) {
        r.error(path, "at most " + std::to_string(limits::listeners_max) + " addresses");
        return;
    }
    r.walk_list(node, path, [&](const YAML::Node& item, const std::string& item_path) {
        add_listener(r, item, item_path, out);
    });
}

void read_workers(Reader& r, const YAML::Node& node, const std::string& path, uint32_t* out) {
    if (node.IsScalar() && node.Scalar() == "auto") {
        *out = 0;
        return;
    }
    bool digits = node.IsScalar() && !node.Scalar().empty() &&
                  node.Scalar().find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
        r.error(path, "expected auto or a number of workers 1.." +
                          std::to_string(limits::workers_max) +
                          (node.IsScalar() ? " (got " + quoted(node.Scalar()) + ")" : ""));
        return;
    }
    uint64_t value = 0;
    if (r.read_integer(node, path, 1, limits::workers_max, &value)) {
        *out = static_cast<uint32_t>(value);
    }
}

bool read_tls(Reader& r, const YAML::Node& node, const std::string& path, server::TlsOptions* out) {
    static constexpr std::string_view rule = "expected an absolute path to a PEM file";
    bool ok = r.walk_map(node, path,
                         {
                             r.checked_field("cert", is_absolute_path, rule, &out->cert_file),
                             r.checked_field("key", is_absolute_path, rule, &out->key_file),
                         });
    return ok && require(r, path, "cert") && require(r, path, "key");
}

bool is_origin(std::string_view text) {
    return check_origin(text).ok();
}

bool read_cors(Reader& r, const YAML::Node& node, const std::string& path,
               server::CorsOptions* out) {
    static constexpr std::string_view rule =
        "an origin is * or scheme://host[:port] without a path, e.g. https://app.example.com";
    bool origins_ok = false;
    auto origins = [&](const YAML::Node& n, const std::string& p) {
        origins_ok = r.read_checked_list(n, p, is_origin, rule, &out->allow_origins);
    };
    bool ok = r.walk_map(node, path,
                         {
                             {"allow_origins", origins},
                             r.duration_field("max_age", 0, &out->max_age_ms),
                         });
    if (!ok || !require(r, path, "allow_origins")) {
        return false;
    }
    if (origins_ok && out->allow_origins.empty()) {
        r.error(child_path(path, "allow_origins"), "at least one origin is required");
    }
    return origins_ok && !out->allow_origins.empty();
}

void read_limits(Reader& r, const YAML::Node& node, const std::string& path, server::Limits* out) {
    constexpr uint32_t header_bytes_min = 1024;  // below this, real SDK requests fail with 431
    r.walk_map(node, path,
               {
                   r.u32_field("max_header_bytes", header_bytes_min, limits::header_bytes_max,
                               &out->header_bytes_max),
                   r.u64_field("max_body_bytes", 1, limits::body_bytes_max, &out->body_bytes_max),
                   r.u32_field("max_connections", 1, UINT32_MAX, &out->connections_max),
                   r.duration_field("idle_timeout", 1, &out->idle_timeout_ms),
                   r.duration_field("header_timeout", 1, &out->header_timeout_ms),
               });
}

void check_admin_listen(Reader& r, const std::string& path, const server::Options& server) {
    for (const server::ListenAddress& listener : server.listen) {
        if (same_address(listener, server.admin_listen)) {
            r.error(child_path(path, "admin_listen"),
                    "must differ from the listen addresses (" + listener.text + ")");
        }
    }
}

}  // namespace

void read_server(Reader& r, const YAML::Node& node, const std::string& path, server::Options* out) {
    auto admin = [&](const YAML::Node& n, const std::string& p) {
        out->has_admin_listen = read_address(r, n, p, &out->admin_listen);
    };
    bool ok = r.walk_map(
        node, path,
        {
            {"listen", [&](const YAML::Node& n,
                           const std::string& p) { read_listen(r, n, p, &out->listen); }},
            {"admin_listen", admin},
            {"workers", [&](const YAML::Node& n,
                            const std::string& p) { read_workers(r, n, p, &out->workers); }},
            r.duration_field("shutdown_grace", 0, &out->shutdown_grace_ms),
            {"tls", [&](const YAML::Node& n,
                        const std::string& p) { out->has_tls = read_tls(r, n, p, &out->tls); }},
            {"cors", [&](const YAML::Node& n,
                         const std::string& p) { out->has_cors = read_cors(r, n, p, &out->cors); }},
            {"limits", [&](const YAML::Node& n,
                           const std::string& p) { read_limits(r, n, p, &out->limits); }},
        });
    if (ok && out->has_admin_listen) {
        check_admin_listen(r, path, *out);
    }
}

}  // namespace rg::config::detail
