#include "upstream/live_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "base/assert.h"

namespace rg::upstream {

bool IpAddress::from_sockaddr(const sockaddr* sa, IpAddress* out) {
    *out = IpAddress{};
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        out->family = AF_INET;
        std::memcpy(out->bytes, &in->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        out->family = AF_INET6;
        std::memcpy(out->bytes, &in6->sin6_addr, 16);
        return true;
    }
    return false;
}

io::SocketAddress IpAddress::to_socket_address(uint16_t port) const {
    io::SocketAddress a;
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&a.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        std::memcpy(&in->sin_addr, bytes, 4);
        a.length = sizeof(sockaddr_in);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        std::memcpy(&in6->sin6_addr, bytes, 16);
        a.length = sizeof(sockaddr_in6);
    }
    return a;
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(family, bytes, text, sizeof(text));
    return text;
}

bool AddressSet::add(const IpAddress& a) {
    if (count == live_addresses_max ||
        std::find(addresses, addresses + count, a) != addresses + count) {
        return false;
    }
    addresses[count++] = a;
    return true;
}

void AddressSet::sort() {
    std::sort(addresses, addresses + count, [](const IpAddress& x, const IpAddress& y) {
        if (x.family != y.family) {
            return x.family == AF_INET;
        }
        return std::memcmp(x.bytes, y.bytes, sizeof(x.bytes)) < 0;
    });
}

std::string AddressSet::to_string() const {
    std::string s;
    for (uint32_t i = 0; i < count; ++i) {
        s += (i ? ", " : "") + addresses[i].to_string();
    }
    return s;
}

LiveAddress::LiveAddress(const AddressSet& initial) {
    store(slots_[0], initial);
    store(slots_[1], initial);
}

std::shared_ptr<LiveAddress> LiveAddress::seeded(const io::SocketAddress& address) {
    AddressSet set;
    IpAddress ip;
    if (IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&address.storage), &ip)) {
        set.add(ip);
    }
    return std::make_shared<LiveAddress>(set);
}

// Word 0: count in bits 0-7, bit 8+i set when address i is IPv6. Words 1+2i and 2+2i:
// address i's 16 bytes. Release stores: a reader whose acquire load sees any of them also
// sees the sequence change that preceded it, and so knows to retry.
void LiveAddress::store(Slot& slot, const AddressSet& set) {
    RG_ASSERT(set.count <= live_addresses_max);
    uint64_t head = set.count;
    for (uint32_t i = 0; i < set.count; ++i) {
        head |= set.addresses[i].family == AF_INET6 ? uint64_t{1} << (8 + i) : 0;
    }
    slot[0].store(head, std::memory_order_release);
    for (uint32_t i = 0; i < live_addresses_max; ++i) {
        uint64_t w[2] = {0, 0};
        if (i < set.count) {
            std::memcpy(w, set.addresses[i].bytes, sizeof(w));
        }
        slot[1 + 2 * i].store(w[0], std::memory_order_release);
        slot[2 + 2 * i].store(w[1], std::memory_order_release);
    }
}

void LiveAddress::publish(const AddressSet& set) {
    uint64_t s = seq_.load(std::memory_order_relaxed);  // only this thread writes it
    seq_.store(s + 1, std::memory_order_release);       // readers move to slot 1
    store(slots_[0], set);
    seq_.store(s + 2, std::memory_order_release);  // readers move back to slot 0, now new
    store(slots_[1], set);
}

bool LiveAddress::read(AddressSet* out, uint64_t* version) const {
    // Two publishes during one read are needed to fail an attempt; four failed attempts in a
    // row mean the writer is publishing in a loop, and the caller keeps what it had.
    constexpr int attempts_max = 4;
    for (int attempt = 0; attempt < attempts_max; ++attempt) {
        uint64_t s = seq_.load(std::memory_order_acquire);
        const Slot& slot = slots_[s & 1];
        uint64_t w[words_];
        for (uint32_t i = 0; i < words_; ++i) {
            w[i] = slot[i].load(std::memory_order_acquire);
        }
        if (seq_.load(std::memory_order_relaxed) != s) {
            continue;
        }
        *out = AddressSet{};
        out->count = static_cast<uint32_t>(w[0] & 0xff);
        RG_ASSERT(out->count <= live_addresses_max);
        for (uint32_t i = 0; i < out->count; ++i) {
            IpAddress& a = out->addresses[i];
            a.family = (w[0] >> (8 + i)) & 1 ? AF_INET6 : AF_INET;
            std::memcpy(a.bytes, &w[1 + 2 * i], 16);
        }
        *version = s;
        return true;
    }
    return false;
}

bool AddressCursor::next(const LiveAddress& live, IpAddress* out) {
    uint64_t v = live.version();
    if (v != version_) {
        AddressSet fresh;
        uint64_t got = 0;
        if (live.read(&fresh, &got)) {
            set_ = fresh;
            version_ = got;
        }
    }
    if (set_.count == 0) {
        return false;
    }
    *out = set_.addresses[next_ % set_.count];
    ++next_;
    return true;
}

}  // namespace rg::upstream
