#include "tls/session_cache.h"

#include "base/assert.h"
#include "tls/boringssl.h"

namespace rg::tls {

SessionCache::SessionCache(size_t entries_max) : entries_max_(entries_max) {
    RG_ASSERT(entries_max > 0 && entries_max <= limits::session_cache_entries_max);
    entries_.reserve(entries_max);
}

SessionCache::~SessionCache() {
    clear();
}

SessionCache::Entry* SessionCache::lookup(uint64_t context_id, std::string_view host,
                                          uint16_t port) {
    // Linear: a few dozen entries, touched once per new upstream connection.
    for (Entry& e : entries_) {
        if (e.context_id == context_id && e.port == port && e.host == host) {
            return &e;
        }
    }
    return nullptr;
}

ssl_session_st* SessionCache::find(uint64_t context_id, std::string_view host,
                                   uint16_t port) const {
    Entry* e = const_cast<SessionCache*>(this)->lookup(context_id, host, port);
    return e == nullptr ? nullptr : e->session;
}

SessionCache::Entry& SessionCache::slot_for_new() {
    if (entries_.size() < entries_max_) {
        return entries_.emplace_back();
    }
    Entry* oldest = &entries_.front();
    for (Entry& e : entries_) {
        if (e.stored_seq < oldest->stored_seq) {
            oldest = &e;
        }
    }
    SSL_SESSION_free(oldest->session);
    oldest->session = nullptr;
    return *oldest;
}

void SessionCache::store(uint64_t context_id, std::string_view host, uint16_t port,
                         ssl_session_st* session) {
    RG_ASSERT(session != nullptr);
    Entry* e = lookup(context_id, host, port);
    if (e != nullptr) {
        SSL_SESSION_free(e->session);
    } else {
        e = &slot_for_new();
        e->context_id = context_id;
        e->port = port;
        e->host.assign(host);
    }
    e->session = session;
    e->stored_seq = ++seq_;
}

void SessionCache::clear() {
    for (Entry& e : entries_) {
        SSL_SESSION_free(e.session);
    }
    entries_.clear();
}

}  // namespace rg::tls
