#include "http/response_writer.h"

#include <cstring>

#include "base/assert.h"
#include "http/date_cache.h"

namespace rg::http {

namespace {

bool has_line_break(std::string_view s) {
    return std::memchr(s.data(), '\r', s.size()) != nullptr ||
           std::memchr(s.data(), '\n', s.size()) != nullptr;
}

void write_status_line(ByteBuffer& out, int status) {
    RG_ASSERT(status >= 100 && status <= 999);
    char code[3] = {static_cast<char>('0' + status / 100),
                    static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10)};
    out.append("HTTP/1.1 ");
    out.append(code, sizeof(code));
    out.append_char(' ');
    out.append(status_reason(status));
    out.append("\r\nDate: ");
    out.append(http_date());
    out.append("\r\nServer: ringgate\r\n");
}

void write_header(ByteBuffer& out, std::string_view name, std::string_view value) {
    RG_ASSERT(!name.empty() && !has_line_break(name) && !has_line_break(value));
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

void write_framing_and_end(ByteBuffer& out, int status, int64_t content_length, bool close) {
    const bool bodiless = status < 200 || status == 204;
    if (!bodiless && content_length >= 0) {
        out.append("Content-Length: ");
        out.append_decimal(static_cast<uint64_t>(content_length));
        out.append("\r\n");
    } else if (!bodiless) {
        out.append("Transfer-Encoding: chunked\r\n");
    }
    if (close) {
        out.append("Connection: close\r\n");
    }
    out.append("\r\n");
}

}  // namespace

std::string_view status_reason(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 402:
            return "Payment Required";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 411:
            return "Length Required";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 417:
            return "Expectation Failed";
        case 421:
            return "Misdirected Request";
        case 422:
            return "Unprocessable Content";
        case 426:
            return "Upgrade Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        case 529:
            return "Overloaded";
        default:
            return "";
    }
}

void write_response_head(ByteBuffer& out, int status, std::span<const Header> headers,
                         int64_t content_length, bool close) {
    write_status_line(out, status);
    for (const Header& h : headers) {
        write_header(out, h.name, h.value);
    }
    write_framing_and_end(out, status, content_length, close);
}

void write_continue(ByteBuffer& out) {
    out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

void write_chunk(ByteBuffer& out, std::string_view data) {
    if (data.empty()) {
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    char size[16];
    size_t n = 0;
    for (size_t v = data.size(); v != 0; v >>= 4) {
        size[sizeof(size) - 1 - n++] = hex[v & 0xf];
    }
    out.append(size + sizeof(size) - n, n);
    out.append("\r\n");
    out.append(data);
    out.append("\r\n");
}

void write_last_chunk(ByteBuffer& out) {
    out.append("0\r\n\r\n");
}

void write_response(ByteBuffer& out, int status, std::string_view content_type,
                    std::string_view body, bool close, std::span<const Header> extra_headers) {
    write_status_line(out, status);
    if (!content_type.empty()) {
        write_header(out, "Content-Type", content_type);
    }
    for (const Header& h : extra_headers) {
        write_header(out, h.name, h.value);
    }
    write_framing_and_end(out, status, static_cast<int64_t>(body.size()), close);
    out.append(body);
}

}  // namespace rg::http
