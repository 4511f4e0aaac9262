// Start-up check that the CPU offers the instruction set this build targets (RG_X86_LEVEL,
// see the top-level CMakeLists.txt). Compiled for the x86-64 baseline and run as the first
// constructor of the executable, before code built for the higher level can execute, so an
// older CPU gets a sentence instead of SIGILL.
#include <cstdio>
#include <cstdlib>

#if defined(__x86_64__) && defined(RG_X86_LEVEL) && RG_X86_LEVEL >= 2

namespace {

bool cpu_has_level() {
    __builtin_cpu_init();
    bool ok = __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt") &&
              __builtin_cpu_supports("pclmul");
#if RG_X86_LEVEL >= 3
    ok = ok && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("fma");
#endif
    return ok;
}

__attribute__((constructor(101))) void check_cpu_level() {
    if (!cpu_has_level()) {
        std::fprintf(stderr,
                     "ringgate: this build needs an x86-64-v%d CPU (%s); rebuild with "
                     "-DRG_X86_LEVEL=%s\n",
                     RG_X86_LEVEL, RG_X86_LEVEL >= 3 ? "AVX2, BMI2, FMA, PCLMUL" : "SSE4.2, PCLMUL",
                     RG_X86_LEVEL >= 3 ? "v2 or -DRG_X86_LEVEL=baseline" : "baseline");
        std::_Exit(1);
    }
}

}  // namespace

#endif
