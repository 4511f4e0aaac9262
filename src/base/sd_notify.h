// The sd_notify protocol, written directly to $NOTIFY_SOCKET (no libsystemd): READY=1,
// RELOADING=1, STOPPING=1, WATCHDOG=1, STATUS=... One thread at a time (a control thread).
#pragma once

#include <cstdint>
#include <string_view>

namespace rg {

// Sends `state` (newline-separated assignments). Returns false when $NOTIFY_SOCKET is
// unset or the send failed; both are harmless outside systemd.
bool sd_notify(std::string_view state);

// Watchdog interval from $WATCHDOG_USEC (honouring $WATCHDOG_PID), 0 when not enabled.
uint64_t sd_watchdog_usec();

}  // namespace rg
