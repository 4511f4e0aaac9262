#include "json/request_scan.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <utility>

#include "base/assert.h"
#include "json/json_string.h"

namespace rg::json {
namespace {

namespace od = simdjson::ondemand;

static_assert(padding_bytes == simdjson::SIMDJSON_PADDING, "json::padding_bytes is stale");
static_assert(model_bytes_max <= UINT16_MAX, "RequestScan::model_size is 16 bits");

// Smallest buffer a thread allocates; the common 1-4 KiB request then never regrows it.
constexpr size_t buffer_bytes_min = 4096;

Error bad_request(const char* message) {
    return Error{ErrorCode::invalid_argument, Side::downstream, false, 0, message};
}

Error error_for(simdjson::error_code code) {
    switch (code) {
        case simdjson::MEMALLOC:
            return Error{ErrorCode::resource, Side::internal, false, 0, "out of memory"};
        case simdjson::EMPTY:
            return bad_request("request body is empty");
        case simdjson::UTF8_ERROR:
            return bad_request("request body is not valid UTF-8");
        case simdjson::DEPTH_ERROR:
            return bad_request("request body nests too deeply");
        case simdjson::CAPACITY:
            return bad_request("request body is too large to parse");
        default:
            return bad_request("request body is not valid JSON");
    }
}

// Capacity for a body of `len` bytes: a power of two up to the retained size, so a thread
// regrows its buffers O(log) times; exactly `len` above it, since those are freed after use.
size_t capacity_for(size_t len) {
    if (len > scan_retained_bytes_max) {
        return len;
    }
    return std::min(std::bit_ceil(std::max(len, buffer_bytes_min)), scan_retained_bytes_max);
}

// A thread's parser and padded scratch copy. Both grow on demand and shrink back to
// scan_retained_bytes_max after a larger body.
class ScanState {
  public:
    Result<void> reserve(size_t len) {
        if (parser_.capacity() >= len && parser_.capacity() > 0) {
            return ok_result();
        }
        simdjson::error_code err = parser_.allocate(capacity_for(len));
        if (err != simdjson::SUCCESS) {
            return error_for(err);
        }
        return ok_result();
    }

    // A copy of the body followed by zeroed padding.
    const char* padded_copy(const char* data, size_t len) {
        const size_t need = len + padding_bytes;
        if (scratch_bytes_ < need) {
            scratch_bytes_ = capacity_for(len) + padding_bytes;
            scratch_.reset(new char[scratch_bytes_]);
        }
        if (len > 0) {
            std::memcpy(scratch_.get(), data, len);
        }
        std::memset(scratch_.get() + len, 0, padding_bytes);
        return scratch_.get();
    }

    void shrink() {
        if (parser_.capacity() > scan_retained_bytes_max) {
            // On failure the parser is left empty and reallocates on the next scan.
            simdjson::error_code err = parser_.allocate(scan_retained_bytes_max);
            static_cast<void>(err);
        }
        if (scratch_bytes_ > scan_retained_bytes_max + padding_bytes) {
            scratch_.reset();
            scratch_bytes_ = 0;
        }
    }

    od::parser& parser() { return parser_; }

  private:
    od::parser parser_;
    std::unique_ptr<char[]> scratch_;
    size_t scratch_bytes_ = 0;
};

ScanState& thread_state() {
    thread_local ScanState state;
    return state;
}

enum class Key : uint8_t { other = 0, model = 1, stream = 2, stream_options = 3 };

Key classify(std::string_view key) {
    if (key == "model") {
        return Key::model;
    }
    if (key == "stream") {
        return Key::stream;
    }
    if (key == "stream_options") {
        return Key::stream_options;
    }
    return Key::other;
}

// True when the value is a valid JSON null (consumed); an error for a bad literal.
Result<bool> take_null(od::value& value) {
    od::json_type type;
    if (simdjson::error_code err = value.type().get(type)) {
        return error_for(err);
    }
    if (type != od::json_type::null) {
        return false;
    }
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) {
        return error_for(simdjson::N_ATOM_ERROR);
    }
    return true;
}

// The token as simdjson hands it out runs up to the next structural character; drop the
// whitespace after the closing quote.
std::string_view trim_token(std::string_view token) {
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                              token.back() == '\r')) {
        token.remove_suffix(1);
    }
    return token;
}

Result<void> read_model(od::value value, const char* base, RequestScan& scan) {
    Result<bool> null = take_null(value);
    if (!null || *null) {
        return null ? ok_result() : Result<void>(null.error());
    }
    const std::string_view token = trim_token(value.raw_json_token());
    std::string_view text;
    if (simdjson::error_code err = value.get_string().get(text)) {
        return err == simdjson::INCORRECT_TYPE ? bad_request("\"model\" must be a string")
                                               : error_for(err);
    }
    if (text.size() > model_bytes_max) {
        return bad_request("\"model\" is longer than 256 bytes");
    }
    RG_ASSERT(token.size() >= 2 && token.front() == '"' && token.back() == '"');
    scan.has_model = true;
    scan.model_token = ByteRange{static_cast<size_t>(token.data() - base), token.size()};
    scan.model_size = static_cast<uint16_t>(text.size());
    std::memcpy(scan.model_text, text.data(), text.size());
    return ok_result();
}

// Reads a boolean or null; `present` is set for a boolean.
Result<void> read_bool(od::value value, const char* type_error, bool& present, bool& out) {
    Result<bool> null = take_null(value);
    if (!null || *null) {
        return null ? ok_result() : Result<void>(null.error());
    }
    if (simdjson::error_code err = value.get_bool().get(out)) {
        return err == simdjson::INCORRECT_TYPE ? bad_request(type_error) : error_for(err);
    }
    present = true;
    return ok_result();
}

Result<void> read_stream_options(od::value value, RequestScan& scan) {
    Result<bool> null = take_null(value);
    if (!null || *null) {
        return null ? ok_result() : Result<void>(null.error());
    }
    od::object object;
    if (simdjson::error_code err = value.get_object().get(object)) {
        return err == simdjson::INCORRECT_TYPE ? bad_request("\"stream_options\" must be an object")
                                               : error_for(err);
    }
    bool seen = false;
    for (auto field_result : object) {
        od::field field;
        std::string_view key;
        if (simdjson::error_code err = std::move(field_result).get(field)) {
            return error_for(err);
        }
        if (simdjson::error_code err = field.unescaped_key().get(key)) {
            return error_for(err);
        }
        if (key != "include_usage") {
            continue;
        }
        if (seen) {
            return bad_request("duplicate key \"stream_options.include_usage\"");
        }
        seen = true;
        bool present = false;
        Result<void> r =
            read_bool(field.value(), "\"stream_options.include_usage\" must be a boolean", present,
                      scan.include_usage);
        if (!r) {
            return r;
        }
    }
    return ok_result();
}

const char* duplicate_message(Key key) {
    switch (key) {
        case Key::model:
            return "duplicate key \"model\"";
        case Key::stream:
            return "duplicate key \"stream\"";
        default:
            return "duplicate key \"stream_options\"";
    }
}

Result<void> read_field(Key key, od::value value, const char* base, RequestScan& scan) {
    switch (key) {
        case Key::model:
            return read_model(value, base, scan);
        case Key::stream:
            return read_bool(value, "\"stream\" must be a boolean", scan.has_stream, scan.stream);
        case Key::stream_options:
            scan.has_stream_options = true;  // even null: adding one would duplicate the key
            return read_stream_options(value, scan);
        case Key::other:
            break;
    }
    return ok_result();  // skipped by the iterator when it moves to the next field
}

Result<RequestScan> scan_document(od::parser& parser, const char* data, size_t len,
                                  size_t capacity) {
    od::document doc;
    if (simdjson::error_code err = parser.iterate(data, len, capacity).get(doc)) {
        return error_for(err);
    }
    od::object object;
    if (simdjson::error_code err = doc.get_object().get(object)) {
        return err == simdjson::INCORRECT_TYPE ? bad_request("request body must be a JSON object")
                                               : error_for(err);
    }
    RequestScan scan;
    uint8_t seen = 0;  // bit per Key
    for (auto field_result : object) {
        od::field field;
        std::string_view name;
        if (simdjson::error_code err = std::move(field_result).get(field)) {
            return error_for(err);
        }
        if (simdjson::error_code err = field.unescaped_key().get(name)) {
            return error_for(err);
        }
        const Key key = classify(name);
        const auto bit = static_cast<uint8_t>(1u << static_cast<unsigned>(key));
        if (key != Key::other && (seen & bit) != 0) {
            return bad_request(duplicate_message(key));
        }
        seen |= bit;
        Result<void> r = read_field(key, field.value(), data, scan);
        if (!r) {
            return r.error();
        }
    }
    // The iterator is past the last structural character only when nothing follows.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
        return bad_request("request body has data after the JSON object");
    }
    return scan;
}

}  // namespace

Result<RequestScan> scan_request(char* data, size_t len, size_t capacity) {
    RG_ASSERT(capacity >= len);
    if (len == 0) {
        return error_for(simdjson::EMPTY);
    }
    ScanState& state = thread_state();
    Result<void> reserved = state.reserve(len);
    if (!reserved) {
        return reserved.error();
    }
    const char* json = data;
    if (capacity - len >= padding_bytes) {
        std::memset(data + len, 0, padding_bytes);
    } else {
        json = state.padded_copy(data, len);
        capacity = len + padding_bytes;
    }
    Result<RequestScan> scan = scan_document(state.parser(), json, len, capacity);
    state.shrink();
    return scan;
}

Result<RequestScan> scan_request(std::string_view body) {
    // Capacity == len: always copied, so the const_cast never leads to a write.
    return scan_request(const_cast<char*>(body.data()), body.size(), body.size());
}

Result<RequestScan> scan_request(ByteBuffer& body) {
    body.reserve_tail(padding_bytes);
    return scan_request(body.data(), body.size(), body.size() + padding_bytes);
}

#define RG_STRINGIFY_(x) #x
#define RG_STRINGIFY(x) RG_STRINGIFY_(x)

std::string_view ondemand_kernel() {
    return RG_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION);
}

void rewrite_model(std::string_view body, const RequestScan& scan, std::string_view new_model,
                   ByteBuffer& out) {
    const ByteRange& token = scan.model_token;
    RG_ASSERT(scan.has_model && token.size >= 2 && token.offset + token.size <= body.size());
    out.append(body.substr(0, token.offset));
    append_json_string(out, new_model);
    out.append(body.substr(token.offset + token.size));
}

}  // namespace rg::json
