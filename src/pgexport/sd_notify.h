// The sd_notify protocol written to $NOTIFY_SOCKET (no libsystemd): READY=1, STOPPING=1,
// STATUS=... Main thread only. The same few lines as app/sd_notify, which this program
// cannot link (app/ pulls in the gateway and BoringSSL).
#pragma once

#include <string_view>

namespace rg::pgexport {

// False when $NOTIFY_SOCKET is unset or the send failed; both harmless outside systemd.
bool sd_notify(std::string_view state);

}  // namespace rg::pgexport
