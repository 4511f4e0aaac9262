// ProxyHandler, admin trace endpoints on the admin listener: GET /admin/traces,
// GET /admin/traces/{id} and GET /admin/usage. SQLite blocks, so the query runs on the
// trace query thread (traces/query_service.h): this shard posts it with MSG_RING and the
// answer comes back the same way as a completion on this shard's ring, then it is sent.
// With traces in PostgreSQL the endpoints answer 501 (query PostgreSQL); without traces,
// 501 too.
#include <cstring>

#include "proxy/proxy_handler.h"
#include "traces/query_service.h"

namespace rg::proxy {
namespace {

constexpr std::string_view traces_prefix = "/admin/traces/";

void json_error(ByteBuffer& out, std::string_view type, std::string_view message) {
    out.clear();
    out.append("{\"error\":{\"type\":\"");
    out.append(type);
    out.append("\",\"message\":\"");
    out.append(message);  // static text without quotes or backslashes
    out.append("\"}}");
}

int hex(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// The percent-decoded id into q->text.
void copy_id(traces::Query* q, std::string_view raw) {
    uint16_t n = 0;
    for (size_t i = 0; i < raw.size() && n < traces::query_text_bytes; ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
            q->text[n++] = static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
            i += 2;
        } else {
            q->text[n++] = raw[i];
        }
    }
    q->text_len = n;
}

void on_query_sent(io::Operation* op, int32_t res, uint32_t) {
    auto* q = static_cast<traces::Query*>(op->owner);
    if (res >= 0) {
        return;  // delivered: the answer comes through `done`
    }
    auto* x = static_cast<Exchange*>(q->context);
    if (x == nullptr) {
        q->busy.store(false, std::memory_order_release);
        return;
    }
    x->handler->on_trace_answer(x, q, true);
}

void on_query_done(io::Operation* op, int32_t, uint32_t) {
    auto* q = static_cast<traces::Query*>(op->owner);
    auto* x = static_cast<Exchange*>(q->context);
    if (x == nullptr) {
        q->busy.store(false, std::memory_order_release);  // the client went away
        return;
    }
    x->handler->on_trace_answer(x, q, false);
}

}  // namespace

bool is_trace_admin_path(std::string_view path) {
    return path == "/admin/traces" || path == "/admin/usage" ||
           path.substr(0, traces_prefix.size()) == traces_prefix;
}

void ProxyHandler::begin_trace_query(Exchange* x, const http::RequestHead& head) {
    x->trace_query = nullptr;
    if (traces_.queries == nullptr || traces_.postgresql) {
        return;
    }
    traces::Query* q = traces_.queries->acquire();
    if (q == nullptr) {
        return;  // every query slot is in flight: 503 at the answer
    }
    q->reply_ring_fd = -1;  // not posted yet
    q->context = nullptr;
    if (head.path == "/admin/usage" || head.path == "/admin/traces") {
        q->kind = head.path == "/admin/usage" ? traces::QueryKind::usage : traces::QueryKind::list;
        std::string_view query = head.query.substr(0, traces::query_text_bytes);
        q->text_len = static_cast<uint16_t>(query.size());
        if (!query.empty()) {
            std::memcpy(q->text, query.data(), query.size());
        }
    } else {
        q->kind = traces::QueryKind::get;
        copy_id(q, head.path.substr(traces_prefix.size()));
    }
    x->trace_query = q;
}

void ProxyHandler::answer_trace_query(Exchange* x) {
    if (traces_.postgresql) {
        json_error(scratch_, "not_implemented",
                   "Traces are stored in PostgreSQL (storage.traces): query them there");
        answer_local(x, 501, "application/json", scratch_.view(), false);
        return;
    }
    if (traces_.queries == nullptr) {
        json_error(scratch_, "not_implemented",
                   "Traces are off: set storage.traces to a sqlite:// URL to query them here");
        answer_local(x, 501, "application/json", scratch_.view(), false);
        return;
    }
    traces::Query* q = x->trace_query;
    if (q == nullptr) {
        json_error(scratch_, "overloaded_error", "Too many trace queries in flight; retry");
        answer_local(x, 503, "application/json", scratch_.view(), false);
        return;
    }
    q->context = x;
    q->reply_ring_fd = shard_.ring().fd();
    q->sent.owner = q;
    q->sent.on_complete = &on_query_sent;
    q->done.owner = q;
    q->done.on_complete = &on_query_done;
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_msg_ring(sqe, traces_.queries->ring_fd(), 0, reinterpret_cast<uint64_t>(q), 0);
    io::Ring::bind(sqe, &q->sent);
}

void ProxyHandler::on_trace_answer(Exchange* x, traces::Query* q, bool failed) {
    x->trace_query = nullptr;
    q->context = nullptr;
    if (failed) {
        json_error(scratch_, "api_error", "The trace query could not reach its thread; retry");
        answer_local(x, 503, "application/json", scratch_.view(), false);
    } else {
        answer_local(x, q->answer.status, "application/json", q->answer.body, false);
    }
    q->busy.store(false, std::memory_order_release);
}

void ProxyHandler::forget_trace_query(Exchange* x) {
    traces::Query* q = x->trace_query;
    if (q == nullptr) {
        return;
    }
    x->trace_query = nullptr;
    if (q->reply_ring_fd < 0) {
        q->busy.store(false, std::memory_order_release);  // never posted
    } else {
        q->context = nullptr;  // the answer, when it comes, only frees the slot
    }
}

}  // namespace rg::proxy
