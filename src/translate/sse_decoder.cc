#include "translate/sse_decoder.h"

#include <cstring>

#include "base/assert.h"

namespace rg::translate {

namespace {

// WHATWG: "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
constexpr char bom[3] = {'\xEF', '\xBB', '\xBF'};

const char* find_byte(const char* p, const char* end, char c) {
    const void* hit = std::memchr(p, c, static_cast<size_t>(end - p));
    return hit != nullptr ? static_cast<const char*>(hit) : end;
}

}  // namespace

SseDecoder::SseDecoder(uint32_t event_bytes_max) : event_bytes_max_(event_bytes_max) {
    RG_ASSERT(event_bytes_max >= limits::stream_event_bytes_min);
}

void SseDecoder::reset() {
    pos_ = end_ = cr_ = nullptr;
    cr_valid_ = false;
    line_buf_.clear();
    skip_lf_ = false;
    bom_matched_ = 0;
    bom_done_ = false;
    fields_seen_ = false;
    block_bytes_ = 0;
    event_ = {};
    event_owned_ = false;
    event_buf_.clear();
    data_ = {};
    data_lines_ = 0;
    data_owned_ = false;
    data_buf_.clear();
    id_buf_.clear();
    failed_ = false;
    error_reason_ = "";
}

void SseDecoder::feed(std::string_view piece) {
    RG_ASSERT(pos_ == end_);  // the previous piece was drained
    pos_ = piece.data();
    end_ = piece.data() + piece.size();
    cr_valid_ = false;
}

bool SseDecoder::mid_event() const {
    return !line_buf_.empty() || fields_seen_ || (!bom_done_ && bom_matched_ > 0);
}

SseStatus SseDecoder::fail(const char* reason) {
    failed_ = true;
    error_reason_ = reason;
    pos_ = end_;
    return SseStatus::error;
}

// Consumes a leading BOM, which may itself be split across pieces. False when the piece
// ended before the question was settled.
bool SseDecoder::skip_bom() {
    while (pos_ < end_) {
        if (*pos_ != bom[bom_matched_]) {
            // Not a BOM after all: the bytes matched so far start the first line.
            line_buf_.append(bom, bom_matched_);
            block_bytes_ += bom_matched_;
            bom_done_ = true;
            return true;
        }
        ++pos_;
        if (++bom_matched_ == sizeof(bom)) {
            bom_done_ = true;
            return true;
        }
    }
    return false;
}

// The first CR or LF at or after p, or end_. Both are found with memchr; the position of
// the next CR is cached, so LF-only streams scan for CR once per piece.
const char* SseDecoder::find_line_end(const char* p) {
    if (!cr_valid_ || cr_ < p) {
        cr_ = find_byte(p, end_, '\r');
        cr_valid_ = true;
    }
    return find_byte(p, cr_, '\n');
}

// Completes the line ending at `line_end` (a CR or LF inside the piece). False when the
// block grew past the limit.
bool SseDecoder::take_line(const char* line_end, std::string_view* line) {
    const size_t n = static_cast<size_t>(line_end - pos_);
    block_bytes_ += n + 1;
    if (block_bytes_ > event_bytes_max_) {
        return false;
    }
    if (!line_buf_.empty()) {
        line_buf_.append(pos_, n);
        *line = line_buf_.view();
        // Cleared now but not overwritten before own_pending() or the next call, so views
        // into it (the event name, the first data line) stay good.
        line_buf_.clear();
    } else {
        *line = std::string_view(pos_, n);
    }
    skip_lf_ = *line_end == '\r';
    pos_ = line_end + 1;
    return true;
}

// The piece ends inside a line: keep the pending event and the partial line.
bool SseDecoder::stash_partial_line() {
    const size_t n = static_cast<size_t>(end_ - pos_);
    block_bytes_ += n;
    if (block_bytes_ > event_bytes_max_) {
        return false;
    }
    own_pending();  // before line_buf_ is written: views may point into it
    line_buf_.append(pos_, n);
    pos_ = end_;
    return true;
}

// Copies the pending event's views out of the piece (and line_buf_), which the caller
// may recycle once the piece is used up.
void SseDecoder::own_pending() {
    if (!event_owned_) {
        event_buf_.clear();
        event_buf_.append(event_);
        event_ = event_buf_.view();
        event_owned_ = true;
    }
    if (data_lines_ > 0 && !data_owned_) {
        data_buf_.clear();
        data_buf_.append(data_);
        data_owned_ = true;
    }
}

void SseDecoder::add_data(std::string_view value) {
    if (data_lines_ == 0) {
        data_ = value;
        data_owned_ = false;
    } else {
        if (!data_owned_) {
            data_buf_.clear();
            data_buf_.append(data_);
            data_owned_ = true;
        }
        data_buf_.append_char('\n');
        data_buf_.append(value);
    }
    ++data_lines_;
}

void SseDecoder::process_line(std::string_view line) {
    if (line[0] == ':') {
        return;  // a comment: keep-alives such as ": ping" or ": OPENROUTER PROCESSING"
    }
    fields_seen_ = true;
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') {
            value.remove_prefix(1);  // one optional space after the colon
        }
    }
    if (name == "data") {
        add_data(value);
    } else if (name == "event") {
        event_ = value;
        event_owned_ = false;
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos) {
            id_buf_.clear();
            id_buf_.append(value);
        }
    }
    // "retry" and unknown fields are ignored: the gateway never reconnects an upstream
    // stream, it fails the exchange instead.
}

void SseDecoder::end_block() {
    event_ = {};
    event_owned_ = false;
    data_ = {};
    data_lines_ = 0;
    data_owned_ = false;
    fields_seen_ = false;
    block_bytes_ = 0;
}

// A blank line: dispatches the pending event, if it has data (WHATWG drops data-less
// blocks, resetting the event name).
bool SseDecoder::dispatch(SseEvent* out) {
    const bool has_data = data_lines_ > 0;
    if (has_data) {
        out->event = event_;
        out->data = data_owned_ ? data_buf_.view() : data_;
        out->id = id_buf_.view();
    }
    end_block();
    return has_data;
}

SseStatus SseDecoder::next(SseEvent* out) {
    if (failed_) {
        pos_ = end_;
        return SseStatus::error;
    }
    if (!bom_done_ && !skip_bom()) {
        return SseStatus::need_more;
    }
    while (pos_ < end_) {
        if (skip_lf_) {
            skip_lf_ = false;
            if (*pos_ == '\n') {
                ++pos_;
                continue;
            }
        }
        const char* line_end = find_line_end(pos_);
        if (line_end == end_) {
            if (!stash_partial_line()) {
                return fail("sse event too large");
            }
            break;
        }
        std::string_view line;
        if (!take_line(line_end, &line)) {
            return fail("sse event too large");
        }
        if (line.empty()) {
            if (dispatch(out)) {
                return SseStatus::event;
            }
            continue;
        }
        process_line(line);
    }
    own_pending();
    return SseStatus::need_more;
}

}  // namespace rg::translate
