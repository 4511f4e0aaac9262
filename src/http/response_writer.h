// Response writer: serializes HTTP/1.1 response heads, chunks and whole fixed-length
// responses into a connection's ByteBuffer. Stateless functions; call them on the thread
// that owns the buffer. No allocation once `out` has capacity.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/byte_buffer.h"
#include "http/request_head.h"

namespace rg::http {

// RFC 9110 §15 reason phrase (RFC 6585 for 429/431; 529 is Anthropic's "Overloaded");
// empty for codes we never send (a reason phrase is optional, RFC 9112 §4).
std::string_view status_reason(int status);

// Appends "HTTP/1.1 <status> <reason>\r\nDate: ...\r\nServer: ringgate\r\n" + headers +
// framing ("Content-Length: n" when content_length >= 0, else "Transfer-Encoding: chunked";
// none for 1xx and 204, which must not carry either, RFC 9110 §8.6 and RFC 9112 §6.1) +
// "Connection: close" when close + "\r\n". Header names and values must not contain CR or
// LF (asserted: a response-splitting bug must not reach the wire).
void write_response_head(ByteBuffer& out, int status, std::span<const Header> headers,
                         int64_t content_length, bool close);

// "HTTP/1.1 100 Continue\r\n\r\n", the interim answer to "Expect: 100-continue".
void write_continue(ByteBuffer& out);

// "<hex size>\r\n<data>\r\n"; nothing for empty data (an empty chunk would end the body).
void write_chunk(ByteBuffer& out, std::string_view data);

// "0\r\n\r\n": the last chunk without trailers.
void write_last_chunk(ByteBuffer& out);

// A complete fixed-length response in one call; Content-Type is left out when empty.
void write_response(ByteBuffer& out, int status, std::string_view content_type,
                    std::string_view body, bool close, std::span<const Header> extra_headers = {});

}  // namespace rg::http
