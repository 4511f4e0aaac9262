// StreamDialect: one provider's streaming shape for one answer. The connection drives it:
// begin() right after the response head, unit(i) once per paced token (or tool-argument
// fragment), end() after the last unit. Faults call malformed() or error() between units.
// Created per streaming request and used only by the owning connection's worker.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "mock/answer.h"
#include "mock/http_writer.h"

namespace rg::mock {

class StreamDialect {
  public:
    explicit StreamDialect(const Answer& answer) : a_(answer) {}
    virtual ~StreamDialect() = default;

    virtual uint32_t units() const = 0;
    virtual void begin(EventSink& sink) = 0;
    virtual void unit(EventSink& sink, uint32_t i) = 0;
    // `terminator` false: omit the end-of-stream sentinel (the no_done fault).
    virtual void end(EventSink& sink, bool terminator) = 0;
    // One syntactically broken event.
    virtual void malformed(EventSink& sink) = 0;
    // The provider's in-stream error event (the stream ends after it).
    virtual void error(EventSink& sink) = 0;

  protected:
    const Answer& a_;
};

// Units a tool-call answer streams in: its arguments split into up to `tokens` pieces.
uint32_t tool_units(const Answer& a);
// Piece `i` of `args` split into `units` near-equal pieces on UTF-8 boundaries.
std::string_view args_fragment(std::string_view args, uint32_t units, uint32_t i);

std::unique_ptr<StreamDialect> make_stream(const Answer& answer);

}  // namespace rg::mock
