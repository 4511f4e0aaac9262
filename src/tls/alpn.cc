#include "tls/alpn.h"

#include "tls/limits.h"

namespace rg::tls {

Result<std::string> encode_alpn(const std::vector<std::string>& names) {
    if (names.size() > limits::alpn_names_max) {
        return Error::make(ErrorCode::config, "tls: too many ALPN protocols");
    }
    std::string wire;
    for (const std::string& name : names) {
        if (name.empty() || name.size() > limits::alpn_name_bytes_max) {
            return Error::make(ErrorCode::config, "tls: ALPN protocol name must be 1-255 bytes");
        }
        wire.push_back(static_cast<char>(name.size()));
        wire.append(name);
    }
    return wire;
}

}  // namespace rg::tls
