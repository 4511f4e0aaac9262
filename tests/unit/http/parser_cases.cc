#include "parser_cases.h"

#include <string>

namespace rg::http::test {

namespace {

using namespace std::string_literals;

// Expected head line, in describe_head()'s format; fields in declaration order.
struct Head {
    std::string method = "GET";
    int m = 1;
    std::string target = "/";
    std::string path = "/";
    std::string query = "";
    int minor = 1;
    int ka = 1;
    int expect = 0;
    int chunked = 0;
    long cl = -1;
    std::string headers = "";
};

std::string head(const Head& h) {
    return "head " + h.method + "(" + std::to_string(h.m) + ") " + h.target + " path=" + h.path +
           " query=" + h.query + " v=1." + std::to_string(h.minor) + " ka=" + std::to_string(h.ka) +
           " expect=" + std::to_string(h.expect) + " chunked=" + std::to_string(h.chunked) +
           " cl=" + std::to_string(h.cl) + " [" + h.headers + "]\n";
}

const std::string end = "end\n";

std::string body(const std::string& b) {
    return "body " + b + "\n";
}

std::string many_headers(int n, std::string* described) {
    std::string lines;
    for (int i = 0; i < n; ++i) {
        const std::string name = "X-H" + std::to_string(i);
        lines += name + ": v" + std::to_string(i) + "\r\n";
        *described += (i == 0 ? "" : "|") + name + ":v" + std::to_string(i);
    }
    return lines;
}

std::string chunked_post(const std::string& chunks) {
    return "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

const std::string chunked_head = head({.method = "POST",
                                       .m = 3,
                                       .target = "/up",
                                       .path = "/up",
                                       .chunked = 1,
                                       .headers = "Transfer-Encoding:chunked"});

void add_basic_cases(std::vector<ValidCase>* v) {
    v->push_back(
        {"get_minimal", "GET /v1/models HTTP/1.1\r\nHost: api.example.com\r\n\r\n",
         head({.target = "/v1/models", .path = "/v1/models", .headers = "Host:api.example.com"}) +
             end});
    v->push_back({"get_query_split_at_first_question_mark",
                  "GET /v1/files?limit=10&q=a?b HTTP/1.1\r\nHost: h\r\n\r\n",
                  head({.target = "/v1/files?limit=10&q=a?b",
                        .path = "/v1/files",
                        .query = "limit=10&q=a?b",
                        .headers = "Host:h"}) +
                      end});
    v->push_back({"get_empty_query", "GET /a? HTTP/1.1\r\n\r\n",
                  head({.target = "/a?", .path = "/a"}) + end});
    v->push_back({"post_content_length",
                  "POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nContent-Type: "
                  "application/json\r\nContent-Length: 13\r\n\r\n{\"model\":\"x\"}",
                  head({.method = "POST",
                        .m = 3,
                        .target = "/v1/chat/completions",
                        .path = "/v1/chat/completions",
                        .cl = 13,
                        .headers = "Host:h|Content-Type:application/json|Content-Length:13"}) +
                      body("{\"model\":\"x\"}") + end});
    v->push_back({"post_zero_content_length", "POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                  head({.method = "POST",
                        .m = 3,
                        .target = "/x",
                        .path = "/x",
                        .cl = 0,
                        .headers = "Content-Length:0"}) +
                      end});
    v->push_back({"content_length_leading_zeros_and_trailing_space",
                  "PUT /x HTTP/1.1\r\nContent-Length: 005 \r\n\r\nhello",
                  head({.method = "PUT",
                        .m = 4,
                        .target = "/x",
                        .path = "/x",
                        .cl = 5,
                        .headers = "Content-Length:005"}) +
                      body("hello") + end});
    v->push_back({"head_request_with_body", "HEAD / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
                  head({.method = "HEAD", .m = 2, .cl = 3, .headers = "Content-Length:3"}) +
                      body("abc") + end});
    v->push_back({"other_methods_keep_their_text",
                  "PROPFIND /d HTTP/1.1\r\n\r\nDELETE /d HTTP/1.1\r\n\r\nPATCH /d HTTP/1.1\r\n\r\n",
                  head({.method = "PROPFIND", .m = 0, .target = "/d", .path = "/d"}) + end +
                      head({.method = "DELETE", .m = 5, .target = "/d", .path = "/d"}) + end +
                      head({.method = "PATCH", .m = 7, .target = "/d", .path = "/d"}) + end});
    v->push_back(
        {"options_asterisk", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
         head({.method = "OPTIONS", .m = 6, .target = "*", .path = "*", .headers = "Host:h"}) +
             end});
    v->push_back(
        {"header_values_trimmed_and_obs_text_kept",
         "GET / HTTP/1.1\r\nX-A:   spaced value \t \r\nX-B:\r\nX-C: \xc3\xa9t\xc3\xa9\r\n\r\n",
         head({.headers = "X-A:spaced value|X-B:|X-C:\xc3\xa9t\xc3\xa9"}) + end});
    v->push_back({"leading_empty_lines_skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", head({}) + end});
}

void add_chunked_cases(std::vector<ValidCase>* v) {
    v->push_back({"chunked_with_extensions_and_trailers",
                  chunked_post("5;name=value\r\nhello\r\n6;flag;q=\"a b\"\r\n world\r\n"
                               "A\r\n0123456789\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"),
                  chunked_head + body("hello world0123456789") + end});
    v->push_back({"chunked_sizes_with_leading_zeros_and_upper_hex",
                  chunked_post("0003\r\nabc\r\nB\r\n0123456789A\r\n000\r\n\r\n"),
                  chunked_head + body("abc0123456789A") + end});
    v->push_back({"chunked_value_is_case_insensitive",
                  "POST /up HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
                  head({.method = "POST",
                        .m = 3,
                        .target = "/up",
                        .path = "/up",
                        .chunked = 1,
                        .headers = "Transfer-Encoding:Chunked"}) +
                      body("x") + end});
}

void add_connection_cases(std::vector<ValidCase>* v) {
    v->push_back(
        {"expect_continue_case_insensitive",
         "POST /v1/messages HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nhi",
         head({.method = "POST",
               .m = 3,
               .target = "/v1/messages",
               .path = "/v1/messages",
               .expect = 1,
               .cl = 2,
               .headers = "Expect:100-Continue|Content-Length:2"}) +
             body("hi") + end});
    v->push_back({"expect_ignored_on_http10",
                  "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
                  head({.method = "POST",
                        .m = 3,
                        .minor = 0,
                        .ka = 0,
                        .cl = 0,
                        .headers = "Expect:100-continue|Content-Length:0"}) +
                      end});
    v->push_back(
        {"http10_closes_by_default", "GET / HTTP/1.0\r\n\r\n", head({.minor = 0, .ka = 0}) + end});
    v->push_back({"http10_keep_alive_on_request",
                  "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
                  head({.minor = 0, .ka = 1, .headers = "Connection:Keep-Alive"}) + end +
                      head({.target = "/2", .path = "/2", .minor = 0, .ka = 0}) + end});
    v->push_back({"http10_close_beats_keep_alive",
                  "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
                  head({.minor = 0, .ka = 0, .headers = "Connection:keep-alive, close"}) + end});
    v->push_back({"http11_close_in_token_list", "GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n",
                  head({.ka = 0, .headers = "Connection:foo, Close"}) + end});
    v->push_back({"bytes_after_close_are_dropped",
                  "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET /second HTTP/1.1\r\n\r\nJUNK",
                  head({.ka = 0, .headers = "Connection:close"}) + end});
    v->push_back(
        {"upgrade_is_ignored",
         "GET /ws HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
         "GET /next HTTP/1.1\r\n\r\n",
         head({.target = "/ws", .path = "/ws", .headers = "Upgrade:h2c|Connection:Upgrade"}) + end +
             head({.target = "/next", .path = "/next"}) + end});
    v->push_back({"pipelined_three_requests",
                  "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                  "GET /c HTTP/1.1\r\n\r\n",
                  head({.target = "/a", .path = "/a"}) + end +
                      head({.method = "POST",
                            .m = 3,
                            .target = "/b",
                            .path = "/b",
                            .cl = 5,
                            .headers = "Content-Length:5"}) +
                      body("hello") + end + head({.target = "/c", .path = "/c"}) + end});
}

void add_limit_cases(std::vector<ValidCase>* v) {
    std::string described;
    const std::string headers = many_headers(128, &described);
    v->push_back({"exactly_header_count_max_headers", "GET / HTTP/1.1\r\n" + headers + "\r\n",
                  head({.headers = described}) + end});
    const std::string target = "/" + std::string(limits::target_bytes_max - 1, 'a');
    v->push_back({"target_of_exactly_target_bytes_max", "GET " + target + " HTTP/1.1\r\n\r\n",
                  head({.target = target, .path = target}) + end});
    const std::string small = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";  // 27 bytes
    v->push_back({"head_of_exactly_header_bytes_max", small, head({.headers = "Host:h"}) + end,
                  ParseLimits{.header_bytes_max = 27}});
    v->push_back({"content_length_of_exactly_body_bytes_max",
                  "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
                  head({.method = "POST", .m = 3, .cl = 5, .headers = "Content-Length:5"}) +
                      body("hello") + end,
                  ParseLimits{.body_bytes_max = 5}});
    v->push_back({"chunks_totalling_exactly_body_bytes_max",
                  chunked_post("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"),
                  chunked_head + body("helloworld") + end, ParseLimits{.body_bytes_max = 10}});
    // The trailer section "X: <value>\r\n\r\n" gets exactly as many bytes as the head.
    const uint32_t head_bytes = static_cast<uint32_t>(chunked_post("").size());
    v->push_back({"trailers_of_exactly_header_bytes_max",
                  chunked_post("0\r\nX: " + std::string(head_bytes - 7, 'v') + "\r\n\r\n"),
                  chunked_head + end, ParseLimits{.header_bytes_max = head_bytes}});
}

std::string get_with(const std::string& header_lines) {
    return "GET / HTTP/1.1\r\n" + header_lines + "\r\n";
}

std::string post_with(const std::string& header_lines) {
    return "POST / HTTP/1.1\r\n" + header_lines + "\r\n";
}

void add_framing_rejects(std::vector<RejectCase>* v) {
    const auto cl_te = ParseError::content_length_with_transfer_encoding;
    v->push_back({"content_length_then_transfer_encoding",
                  post_with("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
                  cl_te, 400});
    v->push_back({"transfer_encoding_then_content_length",
                  post_with("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n") + "0\r\n\r\n",
                  cl_te, 400});
    const auto dup = ParseError::duplicate_content_length;
    v->push_back({"duplicate_equal_content_length",
                  post_with("Content-Length: 3\r\nContent-Length: 3\r\n") + "abc", dup, 400});
    v->push_back({"duplicate_different_content_length",
                  post_with("Content-Length: 3\r\ncontent-length: 4\r\n") + "abcd", dup, 400});
    const auto bad_cl = ParseError::invalid_content_length;
    const char* bad_lengths[] = {
        "3, 3", "+3", "-3", "1 2", "", "0x3", "3a", "99999999999999999999", "9223372036854775808"};
    for (const char* value : bad_lengths) {
        v->push_back({"content_length_" + std::string(value),
                      post_with("Content-Length: " + std::string(value) + "\r\n") + "abc", bad_cl,
                      400});
    }
    const auto bad_te = ParseError::invalid_transfer_encoding;
    const char* bad_codings[] = {"gzip, chunked", "chunked, gzip", "identity", "chunked, chunked",
                                 "xchunked",      "chunkedx",      "",         ",chunked",
                                 "chunked,"};
    for (const char* value : bad_codings) {
        v->push_back({"transfer_encoding_" + std::string(value),
                      post_with("Transfer-Encoding: " + std::string(value) + "\r\n") + "0\r\n\r\n",
                      bad_te, 400});
    }
    v->push_back(
        {"transfer_encoding_twice",
         post_with("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
         bad_te, 400});
    v->push_back(
        {"transfer_encoding_gzip_then_chunked_lines",
         post_with("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
         bad_te, 400});
    v->push_back({"chunked_on_http10",
                  "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                  ParseError::chunked_on_http10, 400});
}

void add_line_rejects(std::vector<RejectCase>* v) {
    const auto fold = ParseError::obsolete_line_folding;
    v->push_back({"obs_fold_space", get_with("X: a\r\n b\r\n"), fold, 400});
    v->push_back({"obs_fold_tab", get_with("X: a\r\n\tb\r\n"), fold, 400});
    v->push_back({"first_header_line_indented", get_with(" Host: h\r\n"), fold, 400});
    v->push_back({"obs_fold_in_trailer", chunked_post("0\r\nX: 1\r\n y\r\n\r\n"), fold, 400});
    const auto bad = ParseError::malformed;
    v->push_back({"bare_lf_after_request_line", "GET / HTTP/1.1\nHost: h\r\n\r\n", bad, 400});
    v->push_back({"bare_lf_ending_head", "GET / HTTP/1.1\r\nHost: h\r\n\n", bad, 400});
    v->push_back({"bare_lf_before_request", "\nGET / HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"bare_lf_ending_trailers", chunked_post("0\r\n\n"), bad, 400});
    v->push_back({"cr_without_lf", get_with("X: a\rb\r\n"), bad, 400});
    const auto ch = ParseError::invalid_character;
    // llhttp refuses this LF itself, as a byte not allowed in a field value.
    v->push_back({"bare_lf_after_header", get_with("Host: h\n"), ch, 400});
    v->push_back({"bare_lf_in_trailer", chunked_post("0\r\nX: 1\n\r\n"), ch, 400});
    v->push_back({"ctl_in_value", get_with("X: a\x01z\r\n"), ch, 400});
    v->push_back({"del_in_value", get_with("X: a\x7fz\r\n"), ch, 400});
    v->push_back({"nul_in_value", get_with("X: a\0z\r\n"s), ch, 400});
    v->push_back({"ctl_in_name", get_with("X\x01Y: a\r\n"), ch, 400});
    v->push_back({"space_before_colon", get_with("Content-Length : 3\r\n"), ch, 400});
    v->push_back({"tab_before_colon", get_with("Host\t: h\r\n"), ch, 400});
    v->push_back({"space_inside_name", get_with("X Y: a\r\n"), ch, 400});
    v->push_back({"empty_name", get_with(": a\r\n"), bad, 400});
    v->push_back({"empty_trailer_name", chunked_post("0\r\n: a\r\n\r\n"), bad, 400});
}

void add_request_line_rejects(std::vector<RejectCase>* v) {
    const auto bad = ParseError::malformed;
    v->push_back({"absolute_form_target", "GET http://h/x HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"asterisk_target_without_options", "GET * HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"fragment_in_target", "GET /a#b HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"two_spaces_before_target", "GET  / HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"two_spaces_after_target", "GET /  HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"tab_in_target", "GET /a\tb HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"high_byte_in_target", "GET /a\x80 HTTP/1.1\r\n\r\n", bad, 400});
    v->push_back({"missing_version", "GET /\r\n\r\n", bad, 400});
    v->push_back({"space_after_version", "GET / HTTP/1.1 \r\n\r\n", bad, 400});
    v->push_back({"lowercase_protocol", "GET / http/1.1\r\n\r\n", bad, 400});
    v->push_back({"two_digit_minor", "GET / HTTP/1.10\r\n\r\n", bad, 400});
    v->push_back({"pri_without_h2", "PRI * HTTP/1.1\r\n\r\n", bad, 400});
    // The HTTP/2 preface fails on its "*" target before its version is read.
    v->push_back({"h2_prior_knowledge_preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", bad, 400});
    const auto version = ParseError::unsupported_version;
    v->push_back({"http_1_2", "GET / HTTP/1.2\r\n\r\n", version, 505});
    v->push_back({"http_2_0", "GET / HTTP/2.0\r\n\r\n", version, 505});
    v->push_back({"http_0_9", "GET / HTTP/0.9\r\n\r\n", version, 505});
    v->push_back({"http_3_0", "GET / HTTP/3.0\r\n\r\n", version, 505});
    v->push_back({"http_3_0_then_bare_lf", "GET / HTTP/3.0\n\r\n", version, 505});
    const auto method = ParseError::invalid_method;
    v->push_back({"unknown_method", "FOO / HTTP/1.1\r\n\r\n", method, 400});
    v->push_back({"lowercase_method", "get / HTTP/1.1\r\n\r\n", method, 400});
    v->push_back({"connect_authority", "CONNECT h:443 HTTP/1.1\r\n\r\n", method, 400});
    v->push_back({"connect_origin", "CONNECT /x HTTP/1.1\r\n\r\n", method, 400});
}

void add_chunk_rejects(std::vector<RejectCase>* v) {
    const auto bad = ParseError::invalid_chunk;
    v->push_back({"chunk_size_not_hex", chunked_post("z\r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_size_empty", chunked_post("\r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_size_overflow", chunked_post("1ffffffffffffffff\r\nabc\r\n"), bad, 400});
    v->push_back({"chunk_size_space", chunked_post("3 \r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_size_negative", chunked_post("-3\r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_size_hex_prefix", chunked_post("0x3\r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_size_bare_lf", chunked_post("3\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_data_bare_lf", chunked_post("3\r\nabc\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_data_longer_than_size", chunked_post("3\r\nabcd\r\n0\r\n\r\n"), bad, 400});
    v->push_back(
        {"chunk_extension_with_space", chunked_post("3; a=b\r\nabc\r\n0\r\n\r\n"), bad, 400});
    v->push_back({"chunk_extension_empty", chunked_post("3;;\r\nabc\r\n0\r\n\r\n"), bad, 400});
    const std::string ext(chunk_line_bytes_max, 'e');
    v->push_back({"chunk_line_over_chunk_line_bytes_max",
                  chunked_post("3;" + ext + "\r\nabc\r\n0\r\n\r\n"), bad, 400});
}

void add_limit_rejects(std::vector<RejectCase>* v) {
    std::string unused;
    v->push_back({"one_header_over_header_count_max", get_with(many_headers(129, &unused)),
                  ParseError::too_many_headers, 431});
    v->push_back({"target_one_over_target_bytes_max",
                  "GET /" + std::string(limits::target_bytes_max, 'a') + " HTTP/1.1\r\n\r\n",
                  ParseError::target_too_long, 414});
    v->push_back({"head_one_byte_over_header_bytes_max", "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                  ParseError::header_too_large, 431, ParseLimits{.header_bytes_max = 26}});
    v->push_back({"endless_header_line", get_with("X: " + std::string(200, 'a')),
                  ParseError::header_too_large, 431, ParseLimits{.header_bytes_max = 100}});
    const uint32_t head_bytes = static_cast<uint32_t>(chunked_post("").size());
    v->push_back({"trailers_one_byte_over_header_bytes_max",
                  chunked_post("0\r\nX: " + std::string(head_bytes - 6, 'v') + "\r\n\r\n"),
                  ParseError::header_too_large, 431, ParseLimits{.header_bytes_max = head_bytes}});
    v->push_back({"content_length_over_body_bytes_max", post_with("Content-Length: 11\r\n"),
                  ParseError::body_too_large, 413, ParseLimits{.body_bytes_max = 10}});
    v->push_back({"chunks_over_body_bytes_max",
                  chunked_post("6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n"),
                  ParseError::body_too_large, 413, ParseLimits{.body_bytes_max = 10}});
}

}  // namespace

const std::vector<ValidCase>& valid_cases() {
    static const std::vector<ValidCase> cases = [] {
        std::vector<ValidCase> v;
        add_basic_cases(&v);
        add_chunked_cases(&v);
        add_connection_cases(&v);
        add_limit_cases(&v);
        return v;
    }();
    return cases;
}

const std::vector<RejectCase>& reject_cases() {
    static const std::vector<RejectCase> cases = [] {
        std::vector<RejectCase> v;
        add_framing_rejects(&v);
        add_line_rejects(&v);
        add_request_line_rejects(&v);
        add_chunk_rejects(&v);
        add_limit_rejects(&v);
        return v;
    }();
    return cases;
}

}  // namespace rg::http::test
