#include "observe/log_rate_limit.h"

#include <gtest/gtest.h>

namespace rg::observe {
namespace {

TEST(LogRateLimit, ABurstThenTheRateAndEveryDropCounted) {
    LogRateLimit limit(20, 5);  // 20/s after a burst of 5
    const uint64_t t0 = 1000;
    int passed = 0;
    for (int i = 0; i < 50; ++i) {
        passed += limit.admit(t0) ? 1 : 0;
    }
    EXPECT_EQ(passed, 5);
    EXPECT_EQ(limit.suppressed_total(), 45u);
    EXPECT_FALSE(limit.admit(t0 + 49));  // 0.98 of a record refilled
    EXPECT_TRUE(limit.admit(t0 + 50));   // one more after 1/20 s
    EXPECT_EQ(limit.take_suppressed(), 46u);
    EXPECT_EQ(limit.take_suppressed(), 0u);
    // A long quiet refills the burst, no more.
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(limit.admit(t0 + 100000));
    }
    EXPECT_FALSE(limit.admit(t0 + 100000));
    EXPECT_EQ(limit.suppressed_total(), 47u);
}

}  // namespace
}  // namespace rg::observe
