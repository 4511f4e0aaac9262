#include "base/result.h"

namespace rg {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::ok:
            return "ok";
        case ErrorCode::invalid_argument:
            return "invalid_argument";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::io:
            return "io";
        case ErrorCode::timeout:
            return "timeout";
        case ErrorCode::closed:
            return "closed";
        case ErrorCode::protocol:
            return "protocol";
        case ErrorCode::too_large:
            return "too_large";
        case ErrorCode::unsupported:
            return "unsupported";
        case ErrorCode::resource:
            return "resource";
        case ErrorCode::config:
            return "config";
    }
    return "unknown";
}

}  // namespace rg
