// Process log: one JSON (or plain text) line per event, written with a single write(2)
// to stderr or a file. Any thread may log. Intended for control-plane and error events;
// the per-request access log has its own off-path writer.
#pragma once

#include <cstdint>

namespace rg::log {

enum class Level : uint8_t { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format : uint8_t { json = 0, text = 1 };

// Control-plane configuration; call before workers start or from the control thread.
void set_level(Level level);
void set_format(Format format);
// Sends output to `path` (appending), or to stderr when path is empty or "stderr".
// Returns false (and keeps the old target) when the file cannot be opened.
bool set_target(const char* path);
// Reopens the current file target (SIGUSR1, logrotate).
bool reopen();
bool enabled(Level level);

void write(Level level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace rg::log

#define RG_LOG(level, ...)                        \
    do {                                          \
        if (::rg::log::enabled(level)) {          \
            ::rg::log::write(level, __VA_ARGS__); \
        }                                         \
    } while (0)
#define RG_DEBUG(...) RG_LOG(::rg::log::Level::debug, __VA_ARGS__)
#define RG_INFO(...) RG_LOG(::rg::log::Level::info, __VA_ARGS__)
#define RG_WARN(...) RG_LOG(::rg::log::Level::warn, __VA_ARGS__)
#define RG_ERROR(...) RG_LOG(::rg::log::Level::error, __VA_ARGS__)
