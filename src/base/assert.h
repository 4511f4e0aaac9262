// RG_ASSERT: always-on assertion for bugs. Logs file:line and the failed expression to
// stderr, then traps. Never compiled out: a broken invariant must not run on.
#pragma once

namespace rg::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}

#define RG_ASSERT(expr)                                           \
    do {                                                          \
        if (__builtin_expect(!(expr), 0)) {                       \
            ::rg::detail::assert_fail(#expr, __FILE__, __LINE__); \
        }                                                         \
    } while (0)

#define RG_UNREACHABLE() ::rg::detail::assert_fail("unreachable", __FILE__, __LINE__)
