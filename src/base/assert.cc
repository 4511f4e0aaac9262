#include "base/assert.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace rg::detail {

void assert_fail(const char* expr, const char* file, int line) {
    // snprintf + write: no allocation, safe even when the heap is the thing that broke.
    char buf[512];
    int n = std::snprintf(buf, sizeof(buf), "ringgate: assertion failed: %s at %s:%d\n", expr, file,
                          line);
    if (n > 0) {
        ssize_t ignored = ::write(STDERR_FILENO, buf, static_cast<size_t>(n));
        (void)ignored;
    }
    __builtin_trap();
}

}  // namespace rg::detail
