// AccessRecord (one per answered request) and AuditRecord (auth failures, reloads, key
// state changes, admin actions): what the proxy and the control thread fill. Strings are
// views into the caller's memory; LogProducer copies them, cut to the lengths in
// observe_limits.h, into fixed-size ring slots, so the views need only live until the
// push returns. The slots (`AccessSlot`, `AuditSlot`) are what the writer formats.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "observe/observe_limits.h"
#include "observe/utf8.h"

namespace rg::observe {

struct AccessRecord {
    uint64_t time_unix_us = 0;  // when the request arrived; 0: stamped by the push
    std::string_view request_id;
    std::string_view client_key;  // the client key's configured name, never the key
    std::string_view route;       // e.g. "/v1/chat/completions"
    std::string_view format;      // client format: openai, anthropic, gemini
    std::string_view model;       // as asked by the client
    std::string_view model_served;
    std::string_view provider;
    std::string_view key_id;  // the upstream key's configured id, never the key
    std::string_view error;   // failure class when the request failed, else empty
    uint16_t status = 0;
    uint8_t attempts = 0;
    bool stream = false;
    uint64_t tokens_input = 0;
    uint64_t tokens_output = 0;
    uint64_t tokens_cached = 0;
    uint64_t cost_nano_usd = 0;  // rendered as USD with 9 decimals
    uint64_t duration_us = 0;    // head received -> last answer byte sent
    uint64_t upstream_us = 0;    // last attempt: request sent -> response head
    uint64_t ttft_us = 0;        // head received -> first answer byte written to the client
                                 // (a stream's first content goes with its head); 0: none
    uint64_t bytes_in = 0;       // request body bytes from the client
    uint64_t bytes_out = 0;      // bytes written to the client, response head included
};

enum class AuditEvent : uint8_t {
    auth_failure = 0,           // a client request without a valid client key (401)
    config_reload = 1,          // a config reload applied
    config_reload_refused = 2,  // a config reload refused (the running config stays)
    key_state_change = 3,       // an upstream key changed state (the shard that changed it)
    admin_action = 4,           // an admin API call with a valid admin key
    admin_auth_failure = 5,     // an admin API call without a valid admin key
};
const char* audit_event_name(AuditEvent e);

// One audit record. Which fields an event fills (and the line carries):
// - auth_failure: request_id, route, remote, key_source (where a key was presented:
//   authorization, x-api-key, x-goog-api-key, query, none; never the key or any part of
//   it), status, suppressed (records this worker dropped by its rate limit since the last).
// - config_reload(_refused): actor, subject (the file), config_version (the version in
//   force after the event), errors (refused: how many).
// - key_state_change: provider, key_id, from, to, reason (failure class, "success",
//   "admin_reset"), cooldown_ms (until the key is tried again; 0: usable), request_id.
// - admin_action / admin_auth_failure: actor ("admin" or "unauthorized"), subject (path
//   and query), detail (what was done), remote, status.
struct AuditRecord {
    uint64_t time_unix_us = 0;  // 0: stamped by the push
    AuditEvent event = AuditEvent::admin_action;
    std::string_view request_id;
    std::string_view actor;    // "admin", "unauthorized", "control"
    std::string_view subject;  // admin path, config file
    std::string_view detail;   // e.g. "reset 2 keys", never a secret
    std::string_view remote;   // peer address when there is one
    std::string_view route;
    std::string_view key_source;
    std::string_view provider;
    std::string_view key_id;
    std::string_view from;
    std::string_view to;
    std::string_view reason;
    uint16_t status = 0;  // HTTP status answered, when there is one
    uint32_t errors = 0;
    uint64_t config_version = 0;
    uint64_t cooldown_ms = 0;
    uint64_t suppressed = 0;
};

// A string cut to N bytes and stored inline.
template <uint32_t N>
struct FixedString {
    uint16_t size = 0;
    char bytes[N];

    void assign(std::string_view v) {
        v = cut_utf8(v, N);
        size = static_cast<uint16_t>(v.size());
        if (size != 0) {
            std::memcpy(bytes, v.data(), size);
        }
    }
    std::string_view view() const { return {bytes, size}; }
};

struct AccessSlot {
    uint64_t time_unix_us;
    uint64_t tokens_input, tokens_output, tokens_cached, cost_nano_usd;
    uint64_t duration_us, upstream_us, ttft_us, bytes_in, bytes_out;
    uint16_t status;
    uint8_t attempts;
    bool stream;
    FixedString<limits::request_id_bytes> request_id;
    FixedString<limits::client_key_bytes> client_key;
    FixedString<limits::route_bytes> route;
    FixedString<limits::format_bytes> format;
    FixedString<limits::model_bytes> model;
    FixedString<limits::model_bytes> model_served;
    FixedString<limits::provider_bytes> provider;
    FixedString<limits::key_id_bytes> key_id;
    FixedString<limits::error_bytes> error;

    void fill(const AccessRecord& r);
};

struct AuditSlot {
    uint64_t time_unix_us;
    uint64_t config_version, cooldown_ms, suppressed;
    uint32_t errors;
    uint16_t status;
    AuditEvent event;
    FixedString<limits::request_id_bytes> request_id;
    FixedString<limits::client_key_bytes> actor;
    FixedString<limits::audit_subject_bytes> subject;
    FixedString<limits::audit_detail_bytes> detail;
    FixedString<limits::audit_remote_bytes> remote;
    FixedString<limits::route_bytes> route;
    FixedString<limits::audit_word_bytes> key_source;
    FixedString<limits::provider_bytes> provider;
    FixedString<limits::key_id_bytes> key_id;
    FixedString<limits::audit_word_bytes> from;
    FixedString<limits::audit_word_bytes> to;
    FixedString<limits::audit_word_bytes> reason;

    void fill(const AuditRecord& r);
};

// JSON lines (with the trailing '\n') into out[0..cap); returns the length. cap must be
// at least limits::log_line_bytes_max. Strings are escaped and any invalid UTF-8 (a cut
// in the middle of a character, or bytes a client sent) becomes U+FFFD, so every line is
// valid JSON.
size_t format_access(const AccessSlot& s, char* out, size_t cap);
size_t format_audit(const AuditSlot& s, char* out, size_t cap);

}  // namespace rg::observe
