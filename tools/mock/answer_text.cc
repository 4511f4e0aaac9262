#include "mock/answer.h"

#include <cmath>

namespace rg::mock {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

bool BodyParser::parse(ByteBuffer& body) {
    size_t len = body.size();
    body.reserve_tail(simdjson::SIMDJSON_PADDING);
    return parser_.parse(body.data(), len, false).get(root_) == simdjson::SUCCESS;
}

uint32_t count_words(std::string_view s) {
    uint32_t n = 0;
    bool in_word = false;
    for (char c : s) {
        bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
        n += (!space && !in_word) ? 1 : 0;
        in_word = !space;
    }
    return n;
}

void append_token(ByteBuffer& out, uint32_t i) {
    if (i > 0) {
        out.append_char(' ');
    }
    out.append("tok", 3);
    out.append_decimal(uint64_t{i} + 1);
}

std::string_view token_word(uint32_t i, char* buf) {
    char digits[12];
    size_t n = 0;
    for (uint64_t v = uint64_t{i} + 1; v != 0; v /= 10) {
        digits[n++] = static_cast<char>('0' + v % 10);
    }
    buf[0] = 't';
    buf[1] = 'o';
    buf[2] = 'k';
    for (size_t k = 0; k < n; ++k) {
        buf[3 + k] = digits[n - 1 - k];
    }
    return {buf, 3 + n};
}

void append_answer_text(ByteBuffer& out, uint32_t tokens) {
    for (uint32_t i = 0; i < tokens; ++i) {
        append_token(out, i);
    }
}

float embedding_value(uint64_t seed, uint32_t j, uint32_t dims) {
    // Uniform in [-1, 1) scaled by 1/sqrt(dims * 1/3): unit length on average; the exact
    // norm does not matter to clients, determinism does.
    double u = static_cast<double>(mix(seed + j) >> 11) * (1.0 / 9007199254740992.0);
    double v = (2.0 * u - 1.0) * std::sqrt(3.0 / static_cast<double>(dims));
    return static_cast<float>(v);
}

}  // namespace rg::mock
