#include "parse_driver.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

namespace rg::http::test {

namespace {

using Lines = std::vector<std::string>;

void add_event(Lines* lines, ParseEvent ev, const RequestParser& parser) {
    switch (ev) {
        case ParseEvent::need_more:
            return;
        case ParseEvent::head:
            lines->push_back(describe_head(parser.head()));
            return;
        case ParseEvent::body:
            // Splits may cut a payload anywhere: adjacent body events merge into one line.
            if (lines->empty() || lines->back().rfind("body ", 0) != 0) {
                lines->push_back("body ");
            }
            lines->back().append(parser.body());
            return;
        case ParseEvent::message_end:
            lines->push_back("end");
            return;
        case ParseEvent::error:
            lines->push_back(std::string("error ") + parse_error_name(parser.error()));
            return;
    }
}

// One parse() call over a fresh copy of `pending`; the copy is clobbered and freed after.
ParseEvent call_once(RequestParser& parser, std::string* pending, Lines* lines) {
    const size_t n = pending->size();
    std::unique_ptr<char[]> buf(new char[n + 1]);
    std::memcpy(buf.get(), pending->data(), n);
    size_t consumed = n + 1;
    const ParseEvent ev = parser.parse({buf.get(), n}, &consumed);
    EXPECT_LE(consumed, n);
    if (ev == ParseEvent::need_more) {
        EXPECT_EQ(consumed, n);
    }
    add_event(lines, ev, parser);
    std::memset(buf.get(), '#', n);
    pending->erase(0, consumed);
    return ev;
}

std::string join(const Lines& lines) {
    std::string s;
    for (const std::string& line : lines) {
        s += line + "\n";
    }
    return s;
}

}  // namespace

std::string describe_head(const RequestHead& h) {
    std::string s = "head ";
    s.append(h.method_text).append("(" + std::to_string(static_cast<int>(h.method)) + ") ");
    s.append(h.target);
    s.append(" path=").append(h.path).append(" query=").append(h.query);
    s += " v=1." + std::to_string(h.version_minor);
    s += " ka=" + std::to_string(h.keep_alive);
    s += " expect=" + std::to_string(h.expect_continue);
    s += " chunked=" + std::to_string(h.chunked);
    s += " cl=" + std::to_string(h.content_length);
    s += " [";
    for (uint32_t i = 0; i < h.header_count; ++i) {
        s.append(i == 0 ? "" : "|")
            .append(h.headers[i].name)
            .append(":")
            .append(h.headers[i].value);
    }
    return s + "]";
}

std::string drive(RequestParser& parser, std::string_view input, const std::vector<size_t>& cuts) {
    Lines lines;
    std::string pending;
    size_t from = 0;
    for (size_t i = 0; i <= cuts.size(); ++i) {
        const size_t to = i < cuts.size() ? cuts[i] : input.size();
        pending.append(input.substr(from, to - from));
        from = to;
        for (;;) {
            const ParseEvent ev = call_once(parser, &pending, &lines);
            if (ev == ParseEvent::error) {
                size_t consumed = 0;
                EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\n\r\n", &consumed), ParseEvent::error);
                return join(lines);
            }
            if (ev == ParseEvent::need_more) {
                break;
            }
        }
    }
    return join(lines);
}

std::string drive_whole(std::string_view input, ParseLimits limits) {
    RequestParser parser(limits);
    return drive(parser, input, {});
}

std::string drive_split_at(std::string_view input, size_t cut, ParseLimits limits) {
    RequestParser parser(limits);
    return drive(parser, input, {cut});
}

std::string drive_bytewise(std::string_view input, ParseLimits limits) {
    RequestParser parser(limits);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < input.size(); ++i) {
        cuts.push_back(i);
    }
    return drive(parser, input, cuts);
}

}  // namespace rg::http::test
