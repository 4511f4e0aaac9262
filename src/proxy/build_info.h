// What this binary is: version, source revision, compiler and build type, fixed when it
// was built (the revision when CMake was configured). For /health/detailed. Pure.
#pragma once

namespace rg::proxy {

struct BuildInfo {
    const char* version;
    const char* revision;  // git commit (short), or "unknown" outside a checkout
    const char* compiler;
    const char* build_type;
};

const BuildInfo& build_info();

}  // namespace rg::proxy
