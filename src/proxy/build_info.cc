#include "proxy/build_info.h"

#ifndef RG_VERSION
#define RG_VERSION "unknown"
#endif
#ifndef RG_REVISION
#define RG_REVISION "unknown"
#endif
#ifndef RG_BUILD_TYPE
#define RG_BUILD_TYPE "unknown"
#endif

namespace rg::proxy {

const BuildInfo& build_info() {
#if defined(__clang__)
    static constexpr BuildInfo info{RG_VERSION, RG_REVISION, "clang " __clang_version__,
                                    RG_BUILD_TYPE};
#elif defined(__GNUC__)
    static constexpr BuildInfo info{RG_VERSION, RG_REVISION, "gcc " __VERSION__, RG_BUILD_TYPE};
#else
    static constexpr BuildInfo info{RG_VERSION, RG_REVISION, "unknown", RG_BUILD_TYPE};
#endif
    return info;
}

}  // namespace rg::proxy
