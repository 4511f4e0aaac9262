#include "config/urls.h"

#include <arpa/inet.h>

#include <cstring>

namespace rg::config {
namespace {

Error url_error(const char* message) {
    return Error::make(ErrorCode::config, message);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool has_space_or_control(std::string_view text) {
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) {
            return true;
        }
    }
    return false;
}

bool is_ipv6_literal(std::string_view host) {
    char input[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof(input)) {
        return false;
    }
    std::memcpy(input, host.data(), host.size());
    input[host.size()] = '\0';
    in6_addr binary;
    return inet_pton(AF_INET6, input, &binary) == 1;
}

// DNS names and IPv4 literals: letters, digits, '.', '-'; lowercased.
bool normalize_host_name(std::string_view host, std::string* out) {
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
        return false;
    }
    out->clear();
    for (char c : host) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + 32);
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!ok) {
            return false;
        }
        out->push_back(c);
    }
    return true;
}

// A port after ':' in an authority: 1..65535 (0 cannot be connected to).
bool parse_port(std::string_view text, uint16_t* port) {
    if (text.empty() || text.size() > 5) {
        return false;
    }
    uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) {
        return false;
    }
    *port = static_cast<uint16_t>(value);
    return true;
}

// Parses "host[:port]" or "[v6][:port]"; `port` keeps its default when none is written.
Result<void> parse_authority(std::string_view authority, std::string* host, uint16_t* port) {
    std::string_view host_text = authority;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority[0] == '[') {
        size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return url_error("missing ']' after an IPv6 address");
        }
        host_text = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after[0] != ':') {
            return url_error("unexpected text after ']'");
        }
        has_port = !after.empty();
        port_text = has_port ? after.substr(1) : after;
        if (!is_ipv6_literal(host_text)) {
            return url_error("bad IPv6 address");
        }
        *host = std::string(host_text);
    } else {
        size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            host_text = authority.substr(0, colon);
            port_text = authority.substr(colon + 1);
            has_port = true;
        }
        if (!normalize_host_name(host_text, host)) {
            return url_error("missing or bad host name");
        }
    }
    if (has_port && !parse_port(port_text, port)) {
        return url_error("the port must be a number 1..65535");
    }
    return ok_result();
}

}  // namespace

Result<keys::BaseUrl> parse_base_url(std::string_view text) {
    keys::BaseUrl url;
    std::string_view rest;
    if (starts_with_ignoring_case(text, "https://")) {
        url.scheme = keys::Scheme::https;
        url.port = 443;
        rest = text.substr(8);
    } else if (starts_with_ignoring_case(text, "http://")) {
        url.scheme = keys::Scheme::http;
        url.port = 80;
        rest = text.substr(7);
    } else {
        return url_error("the URL must start with http:// or https://");
    }
    if (has_space_or_control(rest)) {
        return url_error("the URL must not contain spaces or control characters");
    }
    if (rest.find_first_of("?#") != std::string_view::npos) {
        return url_error("the URL must not have a query or fragment");
    }
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos) {
        return url_error("the URL must not contain credentials; put API keys under keys:");
    }
    auto parsed = parse_authority(authority, &url.host, &url.port);
    if (!parsed.ok()) {
        return parsed.error();
    }
    std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    url.path_prefix = std::string(path);
    return url;
}

std::string_view default_base_url(keys::ProviderType type) {
    switch (type) {
        case keys::ProviderType::openai:
            return "https://api.openai.com/v1";
        case keys::ProviderType::anthropic:
            return "https://api.anthropic.com";
        case keys::ProviderType::gemini:
            return "https://generativelanguage.googleapis.com";
    }
    return "";
}

Result<void> check_origin(std::string_view text) {
    if (text == "*") {
        return ok_result();
    }
    auto url = parse_base_url(text);
    if (!url.ok()) {
        return url.error();
    }
    if (!url->path_prefix.empty() || text.back() == '/') {
        return url_error("an origin has no path: write e.g. https://app.example.com");
    }
    return ok_result();
}

Result<storage::TracesOptions> parse_traces_url(std::string_view text) {
    storage::TracesOptions traces;
    traces.url = std::string(text);
    if (has_space_or_control(text)) {
        return url_error("the URL must not contain spaces or control characters");
    }
    if (starts_with_ignoring_case(text, "sqlite://")) {
        std::string_view path = text.substr(9);
        if (path.size() < 2 || path[0] != '/') {
            return url_error(
                "a sqlite URL needs an absolute path: sqlite:///var/lib/ringgate/traces.db");
        }
        traces.backend = storage::TracesBackend::sqlite;
        traces.sqlite_path = std::string(path);
        return traces;
    }
    std::string_view rest;
    if (starts_with_ignoring_case(text, "postgresql://")) {
        rest = text.substr(13);
    } else if (starts_with_ignoring_case(text, "postgres://")) {
        rest = text.substr(11);
    } else {
        return url_error("traces must be sqlite:///absolute/path or postgresql://user@host/db");
    }
    if (rest.empty() || rest == "/") {
        return url_error("a postgresql URL needs a host or database: postgresql://user@host/db");
    }
    traces.backend = storage::TracesBackend::postgresql;
    return traces;
}

Result<storage::RedisOptions> parse_redis_url(std::string_view text) {
    storage::RedisOptions redis;
    redis.url = std::string(text);
    if (!starts_with_ignoring_case(text, "redis://")) {
        return url_error("the URL must be redis://host[:port][/db]");
    }
    std::string_view rest = text.substr(8);
    if (has_space_or_control(rest) || rest.find_first_of("?#") != std::string_view::npos) {
        return url_error("the URL must not contain spaces, a query or a fragment");
    }
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        size_t colon = userinfo.find(':');
        redis.username = std::string(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) {
            redis.password = std::string(userinfo.substr(colon + 1));
        }
        authority = authority.substr(at + 1);
    }
    auto parsed = parse_authority(authority, &redis.host, &redis.port);
    if (!parsed.ok()) {
        return parsed.error();
    }
    std::string_view db = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (db.size() > 9 || db.find_first_not_of("0123456789") != std::string_view::npos) {
        return url_error("the database after '/' must be a number, e.g. redis://host:6379/0");
    }
    for (char c : db) {
        redis.db = redis.db * 10 + static_cast<uint32_t>(c - '0');
    }
    return redis;
}

std::string redact_url(std::string_view url) {
    // Over-redacting beats leaking: a password may hold an unencoded '/' or '@', so the
    // last '@' anywhere marks the end of the credentials, and a query (libpq accepts
    // "?password=") is dropped whole.
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }
    size_t authority_start = scheme_end + 3;
    std::string_view rest = url.substr(authority_start);
    size_t query = rest.find('?');
    std::string_view before_query = rest.substr(0, query);
    size_t at = before_query.rfind('@');
    std::string out(url.substr(0, authority_start));
    if (at != std::string_view::npos) {
        out += "***";
        before_query.remove_prefix(at);
    }
    out += before_query;
    if (query != std::string_view::npos) {
        out += "?***";
    }
    return out;
}

}  // namespace rg::config
