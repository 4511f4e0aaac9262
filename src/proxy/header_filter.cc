#include "proxy/header_filter.h"

#include <array>

#include "base/assert.h"

namespace rg::proxy {
namespace {

using http::equals_ignore_case;
using http::Header;

bool starts_with_ignore_case(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && equals_ignore_case(s.substr(0, prefix.size()), prefix);
}

bool listed(std::string_view name, std::span<const std::string_view> names) {
    for (std::string_view n : names) {
        if (equals_ignore_case(name, n)) {
            return true;
        }
    }
    return false;
}

bool has_listed_prefix(std::string_view name, std::span<const std::string_view> prefixes) {
    for (std::string_view p : prefixes) {
        if (starts_with_ignore_case(name, p)) {
            return true;
        }
    }
    return false;
}

// RFC 9110 §7.6.1: Connection, the fields it names, and these, which were hop-by-hop
// before Connection existed. Proxy-* is matched as a prefix (Proxy-Authorization,
// Proxy-Connection, ...).
constexpr std::string_view hop_by_hop[] = {"connection", "keep-alive",        "te",
                                           "trailer",    "transfer-encoding", "upgrade"};
constexpr std::string_view hop_by_hop_prefixes[] = {"proxy-"};

constexpr std::string_view request_dropped[] = {
    "expect",
    "host",
    "content-length",
    "authorization",
    "x-api-key",
    "x-goog-api-key",
    "api-key",
    "cookie",
    "openai-organization",
    "openai-project",
    "forwarded",
    "x-real-ip",
    "via",
    "origin",
    "anthropic-dangerous-direct-browser-access",
    "accept-encoding",
    "x-request-id",
};
constexpr std::string_view request_dropped_prefixes[] = {"x-forwarded-", "access-control-request-"};

constexpr std::string_view response_dropped[] = {
    "content-length",      "date",           "server",
    "set-cookie",          "alt-svc",        "strict-transport-security",
    "openai-organization", "openai-project", "anthropic-organization-id",
};
constexpr std::string_view response_dropped_prefixes[] = {"x-ratelimit-", "anthropic-ratelimit-",
                                                          "anthropic-priority-"};
constexpr std::string_view upstream_request_ids[] = {"x-request-id", "request-id"};

// Field names listed by the Connection headers (RFC 9110 §7.6.1), collected once per
// message so each header costs a few compares, not a rescan of every Connection value.
// Tokens past the first connection_tokens_max are ignored: a client could have sent those
// headers without naming them, so forwarding them gains it nothing, while the cap keeps a
// 32 KiB Connection value from costing header_count x 32 KiB compares.
constexpr size_t connection_tokens_max = 32;

struct ConnectionTokens {
    std::array<std::string_view, connection_tokens_max> names;
    size_t count = 0;

    bool contains(std::string_view name) const {
        for (size_t i = 0; i < count; ++i) {
            if (equals_ignore_case(names[i], name)) {
                return true;
            }
        }
        return false;
    }
};

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

void add_tokens(std::string_view list, ConnectionTokens& out) {
    while (!list.empty() && out.count < connection_tokens_max) {
        const size_t comma = list.find(',');
        const std::string_view token = trim_ows(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (!token.empty()) {
            out.names[out.count++] = token;
        }
    }
}

ConnectionTokens connection_tokens(std::span<const Header> headers) {
    ConnectionTokens tokens;
    for (const Header& h : headers) {
        if (equals_ignore_case(h.name, "connection")) {
            add_tokens(h.value, tokens);
        }
    }
    return tokens;
}

bool is_hop_by_hop(std::string_view name, const ConnectionTokens& named) {
    return listed(name, hop_by_hop) || has_listed_prefix(name, hop_by_hop_prefixes) ||
           named.contains(name);
}

// anthropic-*, openai-* and x-goog-* headers mean something to their own provider only.
bool belongs_to_other_provider(std::string_view name, keys::ProviderType upstream) {
    using keys::ProviderType;
    if (starts_with_ignore_case(name, "anthropic-")) {
        return upstream != ProviderType::anthropic;
    }
    if (starts_with_ignore_case(name, "openai-")) {
        return upstream != ProviderType::openai;
    }
    if (starts_with_ignore_case(name, "x-goog-")) {
        return upstream != ProviderType::gemini;
    }
    return false;
}

bool set_by_provider(std::string_view name, std::span<const keys::HeaderOptions> provider) {
    for (const keys::HeaderOptions& h : provider) {
        if (equals_ignore_case(name, h.name)) {
            return true;
        }
    }
    return false;
}

bool forward_request_header(std::string_view name, const ConnectionTokens& named,
                            keys::ProviderType upstream,
                            std::span<const keys::HeaderOptions> provider_headers) {
    return !listed(name, request_dropped) && !has_listed_prefix(name, request_dropped_prefixes) &&
           !is_hop_by_hop(name, named) && !belongs_to_other_provider(name, upstream) &&
           !set_by_provider(name, provider_headers);
}

}  // namespace

size_t filter_request_headers(const http::RequestHead& head, keys::ProviderType upstream,
                              std::span<const keys::HeaderOptions> provider_headers,
                              std::span<Header> out) {
    const std::span<const Header> all(head.headers, head.header_count);
    RG_ASSERT(out.size() >= all.size());
    const ConnectionTokens named = connection_tokens(all);
    size_t n = 0;
    for (const Header& h : all) {
        if (forward_request_header(h.name, named, upstream, provider_headers)) {
            out[n++] = h;
        }
    }
    return n;
}

size_t filter_response_headers(std::span<const Header> in, std::span<Header> out) {
    RG_ASSERT(out.size() >= in.size());
    const ConnectionTokens named = connection_tokens(in);
    size_t n = 0;
    for (const Header& h : in) {
        if (listed(h.name, response_dropped) ||
            has_listed_prefix(h.name, response_dropped_prefixes) || is_hop_by_hop(h.name, named)) {
            continue;
        }
        if (listed(h.name, upstream_request_ids)) {
            out[n++] = Header{upstream_request_id_header, h.value};
        } else {
            out[n++] = h;
        }
    }
    return n;
}

void append_header_line(ByteBuffer& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ", 2);
    out.append(value);
    out.append("\r\n", 2);
}

void append_header_lines(ByteBuffer& out, std::span<const Header> headers) {
    for (const Header& h : headers) {
        append_header_line(out, h.name, h.value);
    }
}

void append_upstream_auth(keys::ProviderType type, std::string_view key,
                          std::span<const Header> forwarded, ByteBuffer& out) {
    switch (type) {
        case keys::ProviderType::openai:
            out.append("Authorization: Bearer ");
            out.append(key);
            out.append("\r\n", 2);
            return;
        case keys::ProviderType::anthropic:
            append_header_line(out, "x-api-key", key);
            for (const Header& h : forwarded) {
                if (equals_ignore_case(h.name, "anthropic-version")) {
                    return;
                }
            }
            append_header_line(out, "anthropic-version", anthropic_version_default);
            return;
        case keys::ProviderType::gemini:
            append_header_line(out, "x-goog-api-key", key);
            return;
    }
    RG_UNREACHABLE();
}

}  // namespace rg::proxy
