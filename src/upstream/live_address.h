// LiveAddress: the addresses an origin's host resolves to now (up to 4, IPv4 and IPv6),
// written by the resolver thread and read by every shard at connect time. One writer, any
// number of readers, no locks: a seqlock "latch" with two copies, so a reader takes the copy
// the writer is not touching and retries only when the writer moved on during its read.
// Every payload word is an atomic, so there is no data race to begin with (TSan-clean).
// AddressCursor is the shard-local side: the last set read and the rotation position.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "io/socket.h"

namespace rg::upstream {

// Addresses kept per origin: enough to spread load over a CDN's answer and to skip a dead
// one; more would only make every shard's copy bigger.
inline constexpr uint32_t live_addresses_max = 4;

struct IpAddress {
    uint8_t family = 0;      // AF_INET or AF_INET6
    uint8_t bytes[16] = {};  // network order; IPv4 uses the first 4
    bool operator==(const IpAddress&) const = default;

    // False for families other than IPv4 and IPv6.
    static bool from_sockaddr(const sockaddr* sa, IpAddress* out);
    io::SocketAddress to_socket_address(uint16_t port) const;
    std::string to_string() const;
};

struct AddressSet {
    uint32_t count = 0;
    IpAddress addresses[live_addresses_max];
    bool operator==(const AddressSet&) const = default;

    // Appends `a` unless the set is full or already holds it; false then.
    bool add(const IpAddress& a);
    // Orders the addresses (IPv4 first, then by bytes), so a DNS server that rotates its
    // answer's order does not look like an address change.
    void sort();
    std::string to_string() const;  // "a, b" for logs
};

class LiveAddress {
  public:
    explicit LiveAddress(const AddressSet& initial);
    // A live address seeded with one resolved address (the config loader's answer).
    static std::shared_ptr<LiveAddress> seeded(const io::SocketAddress& address);

    // Writer side: one thread only (the resolver).
    void publish(const AddressSet& set);

    // Changes with every publish (and half-way through one). Any thread.
    uint64_t version() const { return seq_.load(std::memory_order_acquire); }
    // A consistent copy of the set and the version it belongs to. Wait-free: it gives up
    // (false) after a few attempts, which takes a writer publishing over and over.
    bool read(AddressSet* out, uint64_t* version) const;

  private:
    static constexpr uint32_t words_ = 1 + 2 * live_addresses_max;
    using Slot = std::atomic<uint64_t>[words_];
    void store(Slot& slot, const AddressSet& set);

    // Even: readers use slot 0; odd: slot 1. The writer always writes the other one.
    std::atomic<uint64_t> seq_{0};
    Slot slots_[2];
};

// Shard-local: picks the address for the next connect to one origin, rotating over the
// published set so load spreads and a dead address is not retried every time.
class AddressCursor {
  public:
    // False when nothing was ever read (the caller falls back to the origin's address).
    bool next(const LiveAddress& live, IpAddress* out);

  private:
    uint64_t version_ = UINT64_MAX;
    AddressSet set_;
    uint32_t next_ = 0;
};

}  // namespace rg::upstream
