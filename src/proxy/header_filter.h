// Header filters between the client and the upstream: which request headers are forwarded
// upstream, which response headers go back to the client, and the provider's auth headers.
// Pure functions: any thread, no allocation (outputs are views into the inputs or static
// strings, or bytes appended to a caller's buffer).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "base/byte_buffer.h"
#include "http/request_head.h"
#include "keys/options.h"

namespace rg::proxy {

// Upstream request-id headers (OpenAI's x-request-id, Anthropic's request-id) reach the
// client under this name; the client's x-request-id is the gateway's own id.
inline constexpr std::string_view upstream_request_id_header = "x-upstream-request-id";
// anthropic-version sent when the client did not send one (wire-formats.md §1.2).
inline constexpr std::string_view anthropic_version_default = "2023-06-01";

// Writes to `out` the client headers to forward to an upstream of type `upstream`, in the
// client's order, and returns how many; `out` needs room for head.header_count entries.
// Dropped:
// - hop-by-hop (RFC 9110 §7.6.1): Connection and the headers it names (its first 32
//   names, see header_filter.cc), Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding,
//   Upgrade; and Expect (the gateway answers it);
// - Host and Content-Length: the upstream request writes its own;
// - client credentials and identity: Authorization, x-api-key, x-goog-api-key, api-key,
//   Cookie, OpenAI-Organization, OpenAI-Project (the provider entry's `headers` set those
//   for the gateway's key; a client's would bill or fail against the wrong account);
// - client addresses: Forwarded, X-Forwarded-*, X-Real-IP, Via;
// - CORS and browser-only: Origin, Access-Control-Request-*,
//   anthropic-dangerous-direct-browser-access (the upstream sees a server, not a browser);
// - Accept-Encoding: the gateway reads usage from answers, so it asks for identity;
// - X-Request-Id: the gateway sends its own id;
// - another provider's headers: anthropic-* only to anthropic, openai-* only to openai,
//   x-goog-* only to gemini;
// - any header named in `provider_headers`: the provider entry's value wins.
// Kept: everything else (User-Agent, Content-Type, Accept, x-stainless-*, anthropic-version,
// anthropic-beta, traceparent, ...).
size_t filter_request_headers(const http::RequestHead& head, keys::ProviderType upstream,
                              std::span<const keys::HeaderOptions> provider_headers,
                              std::span<http::Header> out);

// Writes to `out` the upstream response headers to pass to the client and returns how many;
// `out` needs room for in.size() entries. Dropped: hop-by-hop (as above), Content-Length
// (the response writer frames the body), Date and Server (the writer sends its own),
// Set-Cookie (upstream session state, e.g. Cloudflare's, is not the client's), Alt-Svc and
// Strict-Transport-Security (statements about the upstream's origin, not the gateway's),
// the account's rate-limit headers x-ratelimit-*, anthropic-ratelimit-*,
// anthropic-priority-* (they describe the gateway's key, not the client's limits) and the
// account ids openai-organization, openai-project, anthropic-organization-id. Renamed:
// x-request-id and request-id -> x-upstream-request-id. Kept: Content-Type, retry-after,
// x-should-retry, openai-processing-ms, openai-version and the rest.
size_t filter_response_headers(std::span<const http::Header> in, std::span<http::Header> out);

// Appends the upstream auth header(s) for `key`: openai "Authorization: Bearer <key>";
// anthropic "x-api-key: <key>" and, when `forwarded` has no anthropic-version,
// "anthropic-version: 2023-06-01"; gemini "x-goog-api-key: <key>".
void append_upstream_auth(keys::ProviderType type, std::string_view key,
                          std::span<const http::Header> forwarded, ByteBuffer& out);

// Appends "<name>: <value>\r\n".
void append_header_line(ByteBuffer& out, std::string_view name, std::string_view value);
void append_header_lines(ByteBuffer& out, std::span<const http::Header> headers);

}  // namespace rg::proxy
