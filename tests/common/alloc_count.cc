#include "common/alloc_count.h"

#include <cstddef>
#include <cstdlib>
#include <new>

extern "C" {
void* __real_malloc(size_t n);
void __real_free(void* p);
void* __real_calloc(size_t n, size_t m);
void* __real_realloc(void* p, size_t n);
}

namespace {
// Volatile: GCC treats malloc as a builtin that touches no program memory, so it could keep
// the counter in a register across a malloc call.
thread_local volatile uint64_t t_allocations = 0;

void count() {
    t_allocations = t_allocations + 1;
}
}  // namespace

namespace rg::alloc_count {
uint64_t allocations() {
    return t_allocations;
}
}  // namespace rg::alloc_count

extern "C" {
void* __wrap_malloc(size_t n) {
    count();
    return __real_malloc(n);
}
void __wrap_free(void* p) {
    __real_free(p);
}
void* __wrap_calloc(size_t n, size_t m) {
    count();
    return __real_calloc(n, m);
}
void* __wrap_realloc(void* p, size_t n) {
    count();
    return __real_realloc(p, n);
}
}

void* operator new(size_t n) {
    count();
    void* p = __real_malloc(n == 0 ? 1 : n);
    if (p == nullptr) {
        std::abort();
    }
    return p;
}
void* operator new[](size_t n) {
    return operator new(n);
}
// The nothrow forms too (simdjson allocates its parser buffers with them): every operator
// new here must pair with the operator delete below, or a sanitizer build reports an
// alloc-dealloc mismatch.
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    count();
    return __real_malloc(n == 0 ? 1 : n);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
    count();
    return __real_malloc(n == 0 ? 1 : n);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    __real_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    __real_free(p);
}
void operator delete(void* p) noexcept {
    __real_free(p);
}
void operator delete[](void* p) noexcept {
    __real_free(p);
}
void operator delete(void* p, size_t) noexcept {
    __real_free(p);
}
void operator delete[](void* p, size_t) noexcept {
    __real_free(p);
}
