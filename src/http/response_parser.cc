#include "http/response_parser.h"

#include <cstring>

namespace rg::http {

ResponseParser::ResponseParser() {
    llhttp_settings_init(&settings_);
    settings_.on_header_field = &ResponseParser::on_header_field;
    settings_.on_header_value = &ResponseParser::on_header_value;
    settings_.on_headers_complete = &ResponseParser::on_headers_complete;
    settings_.on_message_complete = &ResponseParser::on_message_complete;
    reset(false);
}

void ResponseParser::reset(bool head_request) {
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = this;
    arena_.clear();
    header_count_ = 0;
    in_value_ = false;
    head_bytes_ = 0;
    status_ = 0;
    chunked_ = false;
    content_length_ = -1;
    close_delimited_ = false;
    keep_alive_ = false;
    head_done_ = false;
    message_done_ = false;
    head_request_ = head_request;
    error_reason_ = "";
    body_seen_ = 0;
    body_truncated_ = false;
}

void ResponseParser::set_body_sink(ByteBuffer* sink, size_t cap) {
    body_sink_ = sink;
    body_cap_ = cap;
    // llhttp calls on_body only when it is set: no cost for answers nobody reads.
    settings_.on_body = sink != nullptr ? &ResponseParser::on_body : nullptr;
}

int ResponseParser::on_body(llhttp_t* p, const char* at, size_t len) {
    auto* self = static_cast<ResponseParser*>(p->data);
    if (self->body_sink_ == nullptr) {
        return 0;
    }
    size_t room = self->body_cap_ > self->body_seen_ ? self->body_cap_ - self->body_seen_ : 0;
    size_t take = len < room ? len : room;
    if (take < len) {
        self->body_truncated_ = true;
    }
    self->body_sink_->append(at, take);
    self->body_seen_ += take;
    return 0;
}

Header ResponseParser::header(uint32_t i) const {
    const char* base = arena_.data();
    const Span& s = spans_[i];
    return Header{std::string_view(base + s.name_off, s.name_len),
                  std::string_view(base + s.value_off, s.value_len)};
}

std::string_view ResponseParser::find(std::string_view name) const {
    for (uint32_t i = 0; i < header_count_; ++i) {
        Header h = header(i);
        if (equals_ignore_case(h.name, name)) {
            return h.value;
        }
    }
    return {};
}

bool ResponseParser::append_span(const char* at, size_t len, bool is_value) {
    head_bytes_ += static_cast<uint32_t>(len);
    if (head_bytes_ > head_bytes_max) {
        error_reason_ = "upstream response head too large";
        return false;
    }
    if (!is_value && (in_value_ || header_count_ == 0)) {
        // A new header line starts.
        if (header_count_ == headers_max) {
            error_reason_ = "too many upstream response headers";
            return false;
        }
        Span& s = spans_[header_count_++];
        s.name_off = static_cast<uint32_t>(arena_.size());
        s.name_len = 0;
        s.value_off = 0;
        s.value_len = 0;
        in_value_ = false;
    }
    Span& s = spans_[header_count_ - 1];
    if (is_value && !in_value_) {
        s.value_off = static_cast<uint32_t>(arena_.size());
        in_value_ = true;
    }
    arena_.append(at, len);
    (is_value ? s.value_len : s.name_len) += static_cast<uint32_t>(len);
    return true;
}

int ResponseParser::on_header_field(llhttp_t* p, const char* at, size_t len) {
    auto* self = static_cast<ResponseParser*>(p->data);
    return self->append_span(at, len, false) ? 0 : -1;
}

int ResponseParser::on_header_value(llhttp_t* p, const char* at, size_t len) {
    auto* self = static_cast<ResponseParser*>(p->data);
    if (self->header_count_ == 0) {
        return -1;
    }
    return self->append_span(at, len, true) ? 0 : -1;
}

int ResponseParser::on_headers_complete(llhttp_t* p) {
    auto* self = static_cast<ResponseParser*>(p->data);
    self->status_ = p->status_code;
    self->chunked_ = (p->flags & F_CHUNKED) != 0;
    self->content_length_ =
        (p->flags & F_CONTENT_LENGTH) ? static_cast<int64_t>(p->content_length) : -1;
    self->keep_alive_ = llhttp_should_keep_alive(p) != 0;
    self->close_delimited_ = llhttp_message_needs_eof(p) != 0;
    self->head_done_ = true;
    if (self->head_request_) {
        p->flags |= F_SKIPBODY;  // an answer to HEAD has no body whatever its headers say
        self->close_delimited_ = false;
    }
    return HPE_PAUSED;
}

int ResponseParser::on_message_complete(llhttp_t* p) {
    auto* self = static_cast<ResponseParser*>(p->data);
    self->message_done_ = true;
    return HPE_PAUSED;
}

ParseEvent ResponseParser::parse(std::string_view in, size_t* consumed) {
    bool had_head = head_done_;
    bool had_end = message_done_;
    llhttp_errno_t err = llhttp_execute(&parser_, in.data(), in.size());
    if (err == HPE_OK) {
        *consumed = in.size();
        // A message with an empty body can complete within the same call as its head;
        // report the head first, then the end on the next (empty) call.
        return ParseEvent::need_more;
    }
    if (err == HPE_PAUSED) {
        *consumed = static_cast<size_t>(llhttp_get_error_pos(&parser_) - in.data());
        llhttp_resume(&parser_);
        if (head_done_ && !had_head) {
            return ParseEvent::head;
        }
        if (message_done_ && !had_end) {
            return ParseEvent::message_end;
        }
        return ParseEvent::need_more;
    }
    *consumed = 0;
    if (error_reason_[0] == '\0') {
        error_reason_ = "malformed upstream response";
    }
    return ParseEvent::error;
}

bool ResponseParser::finish_on_eof() {
    if (message_done_) {
        return true;
    }
    if (!head_done_) {
        return false;
    }
    if (llhttp_finish(&parser_) == HPE_OK || message_done_) {
        return message_done_ || close_delimited_;
    }
    return message_done_;
}

}  // namespace rg::http
