// ProxyHandler, audit log: records of security- and operations-relevant events, pushed by
// the shard that saw them into its own ring (observe/log_writer.h writes them): client auth
// failures (rate-limited per shard), upstream key state changes (only the shard whose report
// changed the key's word), admin API calls. Names, ids and places only: never a key, nor
// any part of one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>

#include "base/clock.h"
#include "limits/key_extract.h"
#include "proxy/proxy_handler.h"

namespace rg::proxy {
namespace {

std::string_view key_source_name(uint8_t source) {
    switch (static_cast<limits::KeySource>(source)) {
        case limits::KeySource::authorization:
            return "authorization";
        case limits::KeySource::x_api_key:
            return "x-api-key";
        case limits::KeySource::x_goog_api_key:
            return "x-goog-api-key";
        case limits::KeySource::query:
            return "query";
        case limits::KeySource::none:
            break;
    }
    return "none";
}

// "address:port" of the peer of `fd` ("[v6]:port" for IPv6); empty when unknown. One
// getpeername(2), a non-blocking syscall, only for records that pass the rate limit.
std::string_view peer_address(int fd, char (&buf)[64]) {
    sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (fd < 0 || getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        return {};
    }
    char host[INET6_ADDRSTRLEN];
    int n = 0;
    if (ss.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
        n = std::snprintf(buf, sizeof(buf), "%s:%u", host, ntohs(a->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        n = std::snprintf(buf, sizeof(buf), "[%s]:%u", host, ntohs(a->sin6_port));
    }
    return n > 0 ? std::string_view(buf, static_cast<size_t>(n)) : std::string_view();
}

}  // namespace

void ProxyHandler::audit_auth_failure(Exchange* x) {
    if (access_log_ == nullptr || !auth_audit_.admit(monotonic_ms())) {
        return;
    }
    char remote[64];
    observe::AuditRecord r;
    r.event = observe::AuditEvent::auth_failure;
    r.request_id = x->id();
    r.route = route_name(x->route);
    r.remote = peer_address(x->down != nullptr ? x->down->fd : -1, remote);
    r.key_source = key_source_name(x->key_source);
    r.status = static_cast<uint16_t>(error_status(x->format, ErrorKind::authentication));
    r.suppressed = auth_audit_.take_suppressed();
    access_log_->push(r);
}

void ProxyHandler::audit_key_change(const Exchange* x, const keys::KeyTable& table, uint32_t p,
                                    uint32_t k, const keys::Transition& t,
                                    std::string_view reason) {
    if (access_log_ == nullptr) {
        return;
    }
    uint64_t now = monotonic_ms();
    bool waits = t.to != keys::KeyState::healthy && t.until_ms > now;
    observe::AuditRecord r;
    r.event = observe::AuditEvent::key_state_change;
    r.request_id = x->id();
    r.provider = table.provider(p).name;
    r.key_id = table.key(p, k).id;
    r.from = keys::key_state_name(t.from);
    r.to = keys::key_state_name(t.to);
    r.reason = reason;
    r.cooldown_ms = waits ? t.until_ms - now : 0;
    access_log_->push(r);
}

void ProxyHandler::audit_admin(Exchange* x, bool authorized, std::string_view subject,
                               std::string_view detail, uint16_t status) {
    // Failed admin calls share the auth-failure rate limit: the same flood, another door.
    if (access_log_ == nullptr || (!authorized && !auth_audit_.admit(monotonic_ms()))) {
        return;
    }
    char remote[64];
    observe::AuditRecord r;
    r.event =
        authorized ? observe::AuditEvent::admin_action : observe::AuditEvent::admin_auth_failure;
    r.request_id = x->id();
    r.actor = authorized ? "admin" : "unauthorized";
    r.subject = subject;
    r.detail = detail;
    r.remote = peer_address(x->down != nullptr ? x->down->fd : -1, remote);
    r.status = status;
    access_log_->push(r);
}

}  // namespace rg::proxy
