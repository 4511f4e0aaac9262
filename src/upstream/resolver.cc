#include "upstream/resolver.h"

#include <ares.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "base/clock.h"
#include "base/log.h"

namespace rg::upstream {
namespace {

// Like AI_ADDRCONFIG: which families the machine has a routable (non-loopback, for IPv6
// also non-link-local) address of. A family it lacks would fail every connect.
void detect_families(bool* ipv4_ok, bool* ipv6_ok) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        return;  // unknown: keep both
    }
    *ipv4_ok = false;
    *ipv6_ok = false;
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) {
            continue;
        }
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            *ipv4_ok = *ipv4_ok || (ntohl(in->sin_addr.s_addr) >> 24) != 127;
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            *ipv6_ok = *ipv6_ok || (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) &&
                                    !IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr));
        }
    }
    freeifaddrs(list);
}

bool is_ip_literal(const std::string& host) {
    return io::make_address(host, 0).ok();
}

}  // namespace

AddressSet select_addresses(const std::vector<IpAddress>& answer, bool ipv4_ok, bool ipv6_ok) {
    AddressSet set;
    for (const IpAddress& a : answer) {
        bool usable = a.family == AF_INET ? ipv4_ok : ipv6_ok;
        if (usable) {
            set.add(a);
        }
    }
    if (set.count == 0) {
        for (const IpAddress& a : answer) {
            set.add(a);
        }
    }
    set.sort();
    return set;
}

struct Resolver::Query {
    Resolver* self;
    uint64_t epoch;
    uint32_t host;
};

Resolver::Resolver(ResolverOptions options)
    : options_(std::move(options)), schedule_(options_.policy) {}

Resolver::~Resolver() {
    stop();
    if (channel_ != nullptr) {
        ares_destroy(channel_);  // answers queries in flight with ARES_EDESTRUCTION
        ares_library_cleanup();
    }
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
}

Result<void> Resolver::start() {
    RG_ASSERT(channel_ == nullptr);
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
        return Error::make(ErrorCode::resource, "ares_library_init");
    }
    ares_options o{};
    o.timeout = static_cast<int>(options_.query_timeout_ms);
    o.tries = static_cast<int>(options_.query_tries);
    // DNS only: /etc/hosts names are static and never handed to the channel.
    char lookups[] = "b";
    o.lookups = lookups;
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
    if (ares_init_options(&channel_, &o, mask) != ARES_SUCCESS) {
        channel_ = nullptr;
        ares_library_cleanup();
        return Error::make(ErrorCode::resource, "ares_init_options");
    }
    if (!options_.servers.empty() &&
        ares_set_servers_ports_csv(channel_, options_.servers.c_str()) != ARES_SUCCESS) {
        return Error::make(ErrorCode::invalid_argument, "DNS server list");
    }
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
        return Error::make(ErrorCode::io, "eventfd", errno);
    }
    detect_families(&ipv4_ok_, &ipv6_ok_);
    thread_ = std::thread([this] { run(); });
    return ok_result();
}

void Resolver::stop() {
    if (!thread_.joinable()) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    thread_.join();
}

void Resolver::watch(const std::vector<Origin>& origins) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_origins_ = origins;
        pending_ = true;
    }
    if (wake_fd_ >= 0) {
        uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    }
}

ResolverCounts Resolver::counts() const {
    ResolverCounts c;
    c.resolutions = resolutions_.load(std::memory_order_relaxed);
    c.failures = failures_.load(std::memory_order_relaxed);
    c.address_changes = address_changes_.load(std::memory_order_relaxed);
    c.watches_applied = watches_applied_.load(std::memory_order_relaxed);
    c.dns_hosts = dns_hosts_.load(std::memory_order_relaxed);
    return c;
}

bool Resolver::wait_for_test(const std::function<bool(const ResolverCounts&)>& done,
                             uint32_t timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return done(counts()); });
}

void Resolver::notify() {
    // Taking the mutex orders this after a waiter's predicate check: no lost wake-up.
    { std::lock_guard<std::mutex> lock(mutex_); }
    changed_.notify_all();
}

// --- Resolver thread ------------------------------------------------------------------

void Resolver::run() {
    while (true) {
        std::vector<Origin> origins;
        bool take = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) {
                return;
            }
            if (pending_) {
                origins.swap(pending_origins_);
                pending_ = false;
                take = true;
            }
        }
        if (take) {
            apply(std::move(origins));
        }
        uint64_t now = monotonic_ms();
        start_due(now);
        wait_and_process(now);
    }
}

bool Resolver::is_static(const std::string& host) {
    if (is_ip_literal(host) || host == "localhost") {
        return true;
    }
    for (int family : {AF_INET, AF_INET6}) {
        hostent* h = nullptr;
        if (ares_gethostbyname_file(channel_, host.c_str(), family, &h) == ARES_SUCCESS) {
            ares_free_hostent(h);
            return true;
        }
    }
    return false;
}

void Resolver::apply(std::vector<Origin> origins) {
    ++epoch_;  // answers still in flight belong to the forgotten origins
    hosts_.clear();
    std::vector<std::string> static_hosts;
    for (const Origin& o : origins) {
        if (o.live == nullptr ||
            std::find(static_hosts.begin(), static_hosts.end(), o.host) != static_hosts.end()) {
            continue;
        }
        auto it = std::find_if(hosts_.begin(), hosts_.end(),
                               [&](const Host& h) { return h.name == o.host; });
        if (it == hosts_.end()) {
            if (is_static(o.host)) {
                static_hosts.push_back(o.host);
                continue;
            }
            hosts_.push_back(Host{o.host, {}, {}});
            it = hosts_.end() - 1;
        }
        Target t{o.live, {}};
        uint64_t version = 0;
        o.live->read(&t.last, &version);  // this thread is the only writer: cannot race
        if (it->targets.empty()) {
            it->last_good = t.last;
        }
        it->targets.push_back(std::move(t));
    }
    schedule_.reset(static_cast<uint32_t>(hosts_.size()), monotonic_ms());
    dns_hosts_.store(hosts_.size(), std::memory_order_relaxed);
    watches_applied_.fetch_add(1, std::memory_order_relaxed);
    notify();
}

void Resolver::start_due(uint64_t now_ms) {
    std::vector<uint32_t> due;
    schedule_.take_due(now_ms, &due);
    for (uint32_t i : due) {
        ares_addrinfo_hints hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        auto* q = new Query{this, epoch_, i};
        ares_getaddrinfo(channel_, hosts_[i].name.c_str(), nullptr, &hints, &Resolver::on_answer,
                         q);
    }
}

void Resolver::wait_and_process(uint64_t now_ms) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel_, socks, ARES_GETSOCK_MAXNUM);
    pollfd fds[1 + ARES_GETSOCK_MAXNUM];
    nfds_t n = 0;
    fds[n++] = pollfd{wake_fd_, POLLIN, 0};
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
        bool r = ARES_GETSOCK_READABLE(bits, i);
        bool w = ARES_GETSOCK_WRITABLE(bits, i);
        if (!r && !w) {
            break;
        }
        short events = static_cast<short>((r ? POLLIN : 0) | (w ? POLLOUT : 0));
        fds[n++] = pollfd{socks[i], events, 0};
    }
    uint64_t wait_ms = UINT64_MAX;
    uint64_t due = schedule_.next_due_ms();
    if (due != UINT64_MAX) {
        wait_ms = due > now_ms ? due - now_ms : 0;
    }
    timeval tv;
    if (ares_timeout(channel_, nullptr, &tv) != nullptr) {
        // ares_timeout truncates to whole ms and reports 0 while under 1 ms remains: waiting
        // 0 ms then would spin until the deadline (shared/notes/platform.md, async DNS).
        uint64_t ares_ms = static_cast<uint64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
        wait_ms = std::min<uint64_t>(wait_ms, std::max<uint64_t>(ares_ms, 1));
    }
    int timeout =
        wait_ms == UINT64_MAX ? -1 : static_cast<int>(std::min<uint64_t>(wait_ms, INT_MAX));
    int ready = ::poll(fds, n, timeout);
    if (ready < 0) {
        return;  // EINTR: the loop comes back here
    }
    if (fds[0].revents != 0) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof(v));
    }
    for (nfds_t i = 1; i < n; ++i) {
        short ev = fds[i].revents;
        if (ev != 0) {
            ares_socket_t rd = (ev & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
            ares_socket_t wr = (ev & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
            ares_process_fd(channel_, rd, wr);
        }
    }
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // expired tries
}

void Resolver::on_answer(void* arg, int status, int, ares_addrinfo* result) {
    auto* q = static_cast<Query*>(arg);
    // On ARES_EDESTRUCTION the resolver is being torn down: touch nothing of it.
    if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED && q->epoch == q->self->epoch_) {
        q->self->on_result(q->host, status, result);
    }
    if (result != nullptr) {
        ares_freeaddrinfo(result);
    }
    delete q;
}

void Resolver::on_result(uint32_t host, int status, ares_addrinfo* result) {
    Host& h = hosts_[host];
    uint64_t now = monotonic_ms();
    std::vector<IpAddress> answer;
    int64_t ttl_s = INT64_MAX;
    if (status == ARES_SUCCESS && result != nullptr) {
        for (ares_addrinfo_node* n = result->nodes; n != nullptr; n = n->ai_next) {
            IpAddress ip;
            if (n->ai_addr != nullptr && IpAddress::from_sockaddr(n->ai_addr, &ip)) {
                answer.push_back(ip);
                ttl_s = std::min<int64_t>(ttl_s, n->ai_ttl);
            }
        }
        // A CNAME expiring first ends the answer's validity too.
        for (ares_addrinfo_cname* c = result->cnames; c != nullptr; c = c->next) {
            ttl_s = std::min<int64_t>(ttl_s, c->ttl);
        }
    }
    AddressSet set = select_addresses(answer, ipv4_ok_, ipv6_ok_);
    if (set.count == 0) {
        failures_.fetch_add(1, std::memory_order_relaxed);
        if (schedule_.on_failure(host, now)) {
            RG_WARN("dns: cannot resolve %s (%s); keeping %s, retrying with backoff",
                    h.name.c_str(),
                    status == ARES_SUCCESS ? "no usable address" : ares_strerror(status),
                    h.last_good.count ? h.last_good.to_string().c_str() : "no address");
        }
    } else {
        resolutions_.fetch_add(1, std::memory_order_relaxed);
        if (schedule_.on_success(host, ttl_s, now)) {
            RG_INFO("dns: %s resolves again: %s", h.name.c_str(), set.to_string().c_str());
        }
        publish(h, set);
    }
    notify();
}

void Resolver::publish(Host& h, const AddressSet& set) {
    bool changed = false;
    for (Target& t : h.targets) {
        if (!(t.last == set)) {
            t.live->publish(set);
            t.last = set;
            changed = true;
        }
    }
    h.last_good = set;
    if (changed) {
        address_changes_.fetch_add(1, std::memory_order_relaxed);
        // Debug only: CDNs move addresses every few minutes, which is routine.
        RG_DEBUG("dns: %s now %s", h.name.c_str(), set.to_string().c_str());
    }
}

}  // namespace rg::upstream
