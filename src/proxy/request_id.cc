#include "proxy/request_id.h"

#include <sys/random.h>
#include <unistd.h>

#include "base/clock.h"

namespace rg::proxy {
namespace {

// Crockford's base32 alphabet, lowercase: no i, l, o, u, so ids survive being read aloud.
constexpr char base32[] = "0123456789abcdefghjkmnpqrstvwxyz";
static_assert(sizeof(base32) == 33);
static_assert(request_id_random_chars % 2 == 0 && request_id_random_chars / 2 * 5 <= 64);

uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

uint64_t entropy_seed(const void* self) {
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof(seed), 0) == static_cast<ssize_t>(sizeof(seed))) {
        return seed;
    }
    // No getrandom (seccomp, ancient kernel): ids stay unique enough for correlation.
    return monotonic_ns() ^ wall_ms() << 20 ^ reinterpret_cast<uintptr_t>(self) ^
           static_cast<uint64_t>(getpid()) << 48;
}

// Writes 12 base32 characters from the low 60 bits of `bits`.
void write_base32(uint64_t bits, char* out) {
    for (int i = 0; i < 12; ++i) {
        out[i] = base32[bits & 31];
        bits >>= 5;
    }
}

}  // namespace

bool is_valid_client_request_id(std::string_view id) {
    if (id.empty() || id.size() > client_request_id_bytes_max) {
        return false;
    }
    for (char c : id) {
        if (!is_id_char(c)) {
            return false;
        }
    }
    return true;
}

RequestIdGenerator::RequestIdGenerator() {
    seed(entropy_seed(this));
}

RequestIdGenerator::RequestIdGenerator(uint64_t seed_value) {
    seed(seed_value);
}

void RequestIdGenerator::seed(uint64_t x) {
    for (uint64_t& s : state_) {
        s = splitmix64(x);  // never all zero: splitmix64 is a bijection of a counter
    }
}

uint64_t RequestIdGenerator::next_u64() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

std::string_view RequestIdGenerator::next(RequestIdBuffer& buf) {
    char* out = buf.data();
    for (char c : request_id_prefix) {
        *out++ = c;
    }
    write_base32(next_u64(), out);
    write_base32(next_u64(), out + 12);
    return {buf.data(), buf.size()};
}

std::string_view RequestIdGenerator::accept_or_next(std::string_view client_id,
                                                    RequestIdBuffer& buf) {
    return is_valid_client_request_id(client_id) ? client_id : next(buf);
}

}  // namespace rg::proxy
