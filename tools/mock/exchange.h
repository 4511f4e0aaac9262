// Exchange: what the connection must do for the request it is answering, as decided by
// the router: send bytes now or after a delay, run a paced stream, hang, or reset. Owned
// by one connection and reused across its requests.
#pragma once

#include <cstdint>
#include <memory>

#include "base/byte_buffer.h"
#include "mock/answer.h"
#include "mock/attempt_log.h"
#include "mock/dialect.h"
#include "mock/http_writer.h"
#include "mock/plan.h"

namespace rg::mock {

enum class ExchangeKind : uint8_t {
    immediate = 0,  // the reply is already in the connection's output
    delayed,        // send `response` after `delay_ns`
    stream,         // head after `delay_ns`, then paced events
    hang,           // never answer; read and discard
    reset,          // RST before any byte of the reply
};

// What happens once the reply bytes are out.
enum class AfterReply : uint8_t { next = 0, stall, cut };

struct Exchange {
    ExchangeKind kind = ExchangeKind::immediate;
    AfterReply after = AfterReply::next;
    bool close = false;  // Connection: close (or the client asked for it)
    uint64_t delay_ns = 0;
    ByteBuffer response;  // delayed kind
    AttemptRef attempt;
    // Stream state.
    Answer answer;
    Head head;
    std::unique_ptr<StreamDialect> dialect;
    FaultKind fault = FaultKind::none;
    uint32_t fault_at = 0;  // units sent before the fault acts
    bool fault_done = false;
    uint64_t unit_delay_ns = 0;
    uint64_t first_delay_ns = 0;
    uint32_t next_unit = 0;
    uint64_t next_ns = 0;
    uint32_t events = 0;  // events emitted (JSON-array separators)

    void reset() {
        kind = ExchangeKind::immediate;
        after = AfterReply::next;
        close = false;
        delay_ns = 0;
        response.clear();
        attempt = {};
        dialect.reset();
        fault = FaultKind::none;
        fault_at = 0;
        fault_done = false;
        next_unit = 0;
        events = 0;
    }
};

}  // namespace rg::mock
