#include "base/log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace rg::log {
namespace {

std::atomic<uint8_t> g_level{static_cast<uint8_t>(Level::info)};
std::atomic<uint8_t> g_format{static_cast<uint8_t>(Format::json)};
std::atomic<int> g_fd{STDERR_FILENO};
// Path of the file target; written only by the control thread.
char g_path[4096] = {0};

const char* level_name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
    }
    return "info";
}

// Appends `s` to out[*n..cap) as JSON string content; truncates silently at cap.
void append_json_escaped(char* out, size_t cap, size_t* n, const char* s) {
    static const char hex[] = "0123456789abcdef";
    for (; *s != '\0' && *n + 7 < cap; ++s) {
        auto c = static_cast<unsigned char>(*s);
        if (c == '"' || c == '\\') {
            out[(*n)++] = '\\';
            out[(*n)++] = static_cast<char>(c);
        } else if (c == '\n') {
            out[(*n)++] = '\\';
            out[(*n)++] = 'n';
        } else if (c < 0x20) {
            out[(*n)++] = '\\';
            out[(*n)++] = 'u';
            out[(*n)++] = '0';
            out[(*n)++] = '0';
            out[(*n)++] = hex[c >> 4];
            out[(*n)++] = hex[c & 15];
        } else {
            out[(*n)++] = static_cast<char>(c);
        }
    }
}

int open_target(const char* path) {
    return ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

}  // namespace

void set_level(Level level) {
    g_level.store(static_cast<uint8_t>(level));
}
void set_format(Format format) {
    g_format.store(static_cast<uint8_t>(format));
}
bool enabled(Level level) {
    return static_cast<uint8_t>(level) >= g_level.load(std::memory_order_relaxed);
}

bool set_target(const char* path) {
    if (path == nullptr || path[0] == '\0' || std::strcmp(path, "stderr") == 0) {
        int old = g_fd.exchange(STDERR_FILENO);
        if (old != STDERR_FILENO) {
            ::close(old);
        }
        g_path[0] = '\0';
        return true;
    }
    int fd = open_target(path);
    if (fd < 0) {
        return false;
    }
    std::snprintf(g_path, sizeof(g_path), "%s", path);
    int old = g_fd.exchange(fd);
    if (old != STDERR_FILENO) {
        ::close(old);
    }
    return true;
}

bool reopen() {
    if (g_path[0] == '\0') {
        return true;
    }
    int fd = open_target(g_path);
    if (fd < 0) {
        return false;
    }
    int old = g_fd.exchange(fd);
    if (old != STDERR_FILENO) {
        ::close(old);
    }
    return true;
}

void write(Level level, const char* fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    char when[96];
    std::snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  ts.tv_nsec / 1000000);

    char line[4096];
    size_t n = 0;
    if (static_cast<Format>(g_format.load(std::memory_order_relaxed)) == Format::json) {
        int k = std::snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"",
                              when, level_name(level));
        n = static_cast<size_t>(k);
        append_json_escaped(line, sizeof(line) - 3, &n, msg);
        line[n++] = '"';
        line[n++] = '}';
        line[n++] = '\n';
    } else {
        int k = std::snprintf(line, sizeof(line), "%s %s %s\n", when, level_name(level), msg);
        n = k < 0                                   ? 0
            : static_cast<size_t>(k) < sizeof(line) ? static_cast<size_t>(k)
                                                    : sizeof(line) - 1;
    }
    // One write per line keeps lines whole when several threads log at once.
    ssize_t ignored = ::write(g_fd.load(std::memory_order_relaxed), line, n);
    (void)ignored;
}

}  // namespace rg::log
