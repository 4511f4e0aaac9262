// Helpers for the spool tests: a temporary directory, file sizes, raw byte edits.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace rg::spool::test {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/rg_spool_XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

inline uint64_t size_of(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : UINT64_MAX;
}

inline bool exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

// Appends raw bytes to a file (a torn write, zeros a crash left).
inline void append_bytes(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    (void)!::write(fd, bytes.data(), bytes.size());
    ::close(fd);
}

// Overwrites one byte at `offset`.
inline void poke(const std::string& path, uint64_t offset, char value) {
    int fd = ::open(path.c_str(), O_WRONLY);
    (void)!::pwrite(fd, &value, 1, static_cast<off_t>(offset));
    ::close(fd);
}

inline void truncate_to(const std::string& path, uint64_t size) {
    (void)!::truncate(path.c_str(), static_cast<off_t>(size));
}

}  // namespace rg::spool::test
