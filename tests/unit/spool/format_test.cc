#include "spool/format.h"

#include <gtest/gtest.h>

#include <cstring>

#include "spool_test_util.h"

namespace rg::spool {
namespace {

TEST(SpoolFormat, HeaderIsLittleEndian) {
    char out[header_bytes];
    encode_header(RecordHeader{0x01020304u, 0xA0B0C0D0u, 0x1122334455667788ull}, out);
    const unsigned char want[header_bytes] = {0x04, 0x03, 0x02, 0x01, 0xD0, 0xC0, 0xB0, 0xA0,
                                              0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    EXPECT_EQ(std::memcmp(out, want, header_bytes), 0);
    RecordHeader h = decode_header(out);
    EXPECT_EQ(h.payload_len, 0x01020304u);
    EXPECT_EQ(h.crc, 0xA0B0C0D0u);
    EXPECT_EQ(h.seq, 0x1122334455667788ull);
}

TEST(SpoolFormat, SegmentNamesAreSixteenDigits) {
    EXPECT_EQ(segment_name(42), "0000000000000042.seg");
    uint64_t n = 0;
    EXPECT_TRUE(parse_segment_name("0000000000000042.seg", &n));
    EXPECT_EQ(n, 42u);
    EXPECT_FALSE(parse_segment_name("42.seg", &n));
    EXPECT_FALSE(parse_segment_name("000000000000004x.seg", &n));
    EXPECT_FALSE(parse_segment_name("0000000000000042.seg.tmp", &n));
    EXPECT_FALSE(parse_segment_name("sqlite.cursor", &n));
}

TEST(SpoolFormat, CursorLineRoundTripsAndRejectsJunk) {
    Cursor c{7, 123456, 99};
    EXPECT_EQ(format_cursor(c), "7 123456 99\n");
    Cursor back;
    ASSERT_TRUE(parse_cursor("7 123456 99\n", &back));
    EXPECT_EQ(back.segment, 7u);
    EXPECT_EQ(back.offset, 123456u);
    EXPECT_EQ(back.last_seq, 99u);
    EXPECT_FALSE(parse_cursor("7 123456 99", &back));  // no newline: a torn write
    EXPECT_FALSE(parse_cursor("7 123456\n", &back));
    EXPECT_FALSE(parse_cursor("7 -1 99\n", &back));
    EXPECT_FALSE(parse_cursor("", &back));
}

TEST(SpoolFormat, CursorFileIsReplacedAtomically) {
    test::TempDir dir;
    EXPECT_EQ(read_cursor(dir.path(), "sqlite").error().code, ErrorCode::not_found);
    ASSERT_TRUE(write_cursor(dir.path(), "sqlite", Cursor{1, 2, 3}).ok());
    ASSERT_TRUE(write_cursor(dir.path(), "sqlite", Cursor{4, 5, 6}).ok());
    Result<Cursor> c = read_cursor(dir.path(), "sqlite");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->segment, 4u);
    EXPECT_EQ(c->last_seq, 6u);
    EXPECT_FALSE(test::exists(dir.path() + "/sqlite.cursor.tmp"));
    Result<Listing> l = list_dir(dir.path());
    ASSERT_TRUE(l.ok());
    ASSERT_EQ(l->cursors.size(), 1u);
    EXPECT_EQ(l->cursors[0].first, "sqlite");
}

}  // namespace
}  // namespace rg::spool
