// The spool's on-disk format (contract: README.md). Segment files `NNNNNNNNNNNNNNNN.seg`
// (16 zero-padded decimal digits, increasing); records framed little-endian as
// `u32 payload_len, u32 crc32c(payload), u64 seq, payload`; consumer cursors
// `<name>.cursor` holding one line `<segment> <offset> <last_seq>\n`. Helpers to name,
// list and parse them. Pure functions and blocking file calls: background threads only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rg::spool {

inline constexpr size_t header_bytes = 16;
// A trace is a few KiB at most; the cap keeps a corrupt length from asking for gigabytes.
inline constexpr uint32_t payload_bytes_max = 1024 * 1024;
// A segment rolls once it reaches this size (one record may take it past by < 1 MiB).
inline constexpr uint64_t segment_bytes_default = 8ull * 1024 * 1024;
inline constexpr std::string_view segment_suffix = ".seg";
inline constexpr std::string_view cursor_suffix = ".cursor";
inline constexpr size_t segment_digits = 16;

// Where a consumer is: the segment and byte offset of its next record, and the seq of the
// last record it has (0: none yet). Ordered by (segment, offset).
struct Cursor {
    uint64_t segment = 0;
    uint64_t offset = 0;
    uint64_t last_seq = 0;
};

struct RecordHeader {
    uint32_t payload_len = 0;
    uint32_t crc = 0;
    uint64_t seq = 0;
};

void encode_header(const RecordHeader& h, char out[header_bytes]);
RecordHeader decode_header(const char in[header_bytes]);

// "0000000000000042.seg" for 42.
std::string segment_name(uint64_t number);
// The number of a segment file name; false for any other name.
bool parse_segment_name(std::string_view name, uint64_t* number);
std::string segment_path(const std::string& dir, uint64_t number);

// "<segment> <offset> <last_seq>\n" and back (false on anything else).
std::string format_cursor(const Cursor& c);
bool parse_cursor(std::string_view text, Cursor* out);

// Segment numbers in `dir`, ascending. Cursors of every consumer (name without suffix).
struct Listing {
    std::vector<uint64_t> segments;
    std::vector<std::pair<std::string, Cursor>> cursors;
};
Result<Listing> list_dir(const std::string& dir, bool with_cursors = true);

// Reads `<dir>/<name>.cursor`. not_found when there is none; invalid_argument when it does
// not parse.
Result<Cursor> read_cursor(const std::string& dir, std::string_view name);
// Replaces `<dir>/<name>.cursor` atomically: temp file, fsync, rename, fsync of the dir.
Result<void> write_cursor(const std::string& dir, std::string_view name, const Cursor& c);

// Writes all of `text` to `fd`, retrying after EINTR; false on any other failure.
bool write_all(int fd, const std::string& text);

// mkdir -p with mode 0750.
Result<void> make_dirs(const std::string& dir);
// fsync of a directory (after a create, rename or unlink in it).
Result<void> sync_dir(const std::string& dir);

}  // namespace rg::spool
