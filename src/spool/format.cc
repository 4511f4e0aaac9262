#include "spool/format.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace rg::spool {
namespace {

void put_u32(char* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
}
void put_u64(char* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
}
uint32_t get_u32(const char* p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) {
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    }
    return v;
}
uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    }
    return v;
}

bool all_digits(std::string_view s) {
    for (char ch : s) {
        if (ch < '0' || ch > '9') {
            return false;
        }
    }
    return !s.empty();
}

bool parse_u64(std::string_view s, uint64_t* out) {
    if (!all_digits(s)) {
        return false;
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Error io_error(const char* context) {
    return Error::make(ErrorCode::io, context, errno);
}

}  // namespace

bool write_all(int fd, const std::string& text) {
    size_t off = 0;
    while (off < text.size()) {
        ssize_t w = ::write(fd, text.data() + off, text.size() - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        off += static_cast<size_t>(w);
    }
    return true;
}

void encode_header(const RecordHeader& h, char out[header_bytes]) {
    put_u32(out, h.payload_len);
    put_u32(out + 4, h.crc);
    put_u64(out + 8, h.seq);
}

RecordHeader decode_header(const char in[header_bytes]) {
    return RecordHeader{get_u32(in), get_u32(in + 4), get_u64(in + 8)};
}

std::string segment_name(uint64_t number) {
    char name[40];
    std::snprintf(name, sizeof(name), "%016llu.seg", static_cast<unsigned long long>(number));
    return name;
}

bool parse_segment_name(std::string_view name, uint64_t* number) {
    if (name.size() != segment_digits + segment_suffix.size() ||
        name.substr(segment_digits) != segment_suffix) {
        return false;
    }
    return parse_u64(name.substr(0, segment_digits), number);
}

std::string segment_path(const std::string& dir, uint64_t number) {
    return dir + "/" + segment_name(number);
}

std::string format_cursor(const Cursor& c) {
    char line[80];
    std::snprintf(
        line, sizeof(line), "%llu %llu %llu\n", static_cast<unsigned long long>(c.segment),
        static_cast<unsigned long long>(c.offset), static_cast<unsigned long long>(c.last_seq));
    return line;
}

bool parse_cursor(std::string_view text, Cursor* out) {
    if (text.empty() || text.back() != '\n') {
        return false;
    }
    text.remove_suffix(1);
    size_t a = text.find(' ');
    if (a == std::string_view::npos) {
        return false;
    }
    size_t b = text.find(' ', a + 1);
    if (b == std::string_view::npos) {
        return false;
    }
    Cursor c;
    if (!parse_u64(text.substr(0, a), &c.segment) ||
        !parse_u64(text.substr(a + 1, b - a - 1), &c.offset) ||
        !parse_u64(text.substr(b + 1), &c.last_seq)) {
        return false;
    }
    *out = c;
    return true;
}

Result<Listing> list_dir(const std::string& dir, bool with_cursors) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        return io_error("cannot open the spool directory");
    }
    Listing out;
    std::vector<std::string> cursor_names;
    while (dirent* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        uint64_t number = 0;
        if (parse_segment_name(name, &number)) {
            out.segments.push_back(number);
        } else if (with_cursors && name.size() > cursor_suffix.size() &&
                   name.substr(name.size() - cursor_suffix.size()) == cursor_suffix) {
            cursor_names.emplace_back(name.substr(0, name.size() - cursor_suffix.size()));
        }
    }
    ::closedir(d);
    std::sort(out.segments.begin(), out.segments.end());
    for (const std::string& name : cursor_names) {
        Result<Cursor> c = read_cursor(dir, name);
        if (c.ok()) {
            out.cursors.emplace_back(name, *c);
        }
    }
    return out;
}

Result<Cursor> read_cursor(const std::string& dir, std::string_view name) {
    std::string path = dir + "/" + std::string(name) + std::string(cursor_suffix);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Error::make(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                           "cannot open the cursor file", errno);
    }
    char text[128];
    ssize_t n = ::read(fd, text, sizeof(text));
    ::close(fd);
    Cursor c;
    if (n <= 0 || !parse_cursor(std::string_view(text, static_cast<size_t>(n)), &c)) {
        return Error::make(ErrorCode::invalid_argument, "the cursor file does not parse");
    }
    return c;
}

Result<void> write_cursor(const std::string& dir, std::string_view name, const Cursor& c) {
    std::string path = dir + "/" + std::string(name) + std::string(cursor_suffix);
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        return io_error("cannot create the cursor's temp file");
    }
    bool ok = write_all(fd, format_cursor(c)) && ::fsync(fd) == 0;
    int saved = errno;
    ::close(fd);
    if (!ok) {
        errno = saved;
        return io_error("cannot write the cursor's temp file");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return io_error("cannot rename the cursor file into place");
    }
    return sync_dir(dir);
}

Result<void> make_dirs(const std::string& dir) {
    for (size_t i = 1; i <= dir.size(); ++i) {
        if (i == dir.size() || dir[i] == '/') {
            std::string part = dir.substr(0, i);
            if (::mkdir(part.c_str(), 0750) != 0 && errno != EEXIST) {
                return io_error("cannot create the spool directory");
            }
        }
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Error::make(ErrorCode::io, "the spool path is not a directory", ENOTDIR);
    }
    return ok_result();
}

Result<void> sync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return io_error("cannot open the spool directory to sync it");
    }
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0) {
        errno = saved;
        return io_error("cannot sync the spool directory");
    }
    return ok_result();
}

}  // namespace rg::spool
