#include "spool/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace rg::spool {
namespace {

TEST(Crc32c, MatchesKnownVectors) {
    // RFC 3720 appendix B.4 and the common check value.
    EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
    std::string zeros(32, '\0');
    EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
    std::string ones(32, '\xff');
    EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
    EXPECT_EQ(crc32c("", 0), 0u);
}

TEST(Crc32c, HardwareAndPortableAgreeOnEveryLengthAndAlignment) {
    std::string data;
    for (int i = 0; i < 300; ++i) {
        data.push_back(static_cast<char>(i * 131 + 7));
    }
    for (size_t start = 0; start < 9; ++start) {
        for (size_t len = 0; start + len <= data.size(); len += 7) {
            ASSERT_EQ(crc32c(data.data() + start, len), crc32c_portable(data.data() + start, len))
                << start << " " << len;
        }
    }
}

TEST(Crc32c, ContinuesAcrossCalls) {
    std::string s = "the quick brown fox jumps over the lazy dog";
    uint32_t whole = crc32c(s.data(), s.size());
    uint32_t part = crc32c(s.data(), 10);
    EXPECT_EQ(crc32c(s.data() + 10, s.size() - 10, part), whole);
}

TEST(Crc32c, DetectsASingleBitFlip) {
    std::string s(1000, 'a');
    uint32_t before = crc32c(s.data(), s.size());
    s[500] ^= 0x10;
    EXPECT_NE(crc32c(s.data(), s.size()), before);
}

}  // namespace
}  // namespace rg::spool
