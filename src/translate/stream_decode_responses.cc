// TODO: Responses API stream -> IR deltas (§2.2.4): not written yet; every stream is cut.
#include "translate/stream_translate_internal.h"
namespace rg::translate::stream {
namespace {
class ResponsesDecoder final : public Decoder {
  public:
    void reset() override {}
    bool on_event(const SseEvent&, Pipe&) override { return true; }
    bool on_eof(Pipe&) override { return false; }
};
}  // namespace
std::unique_ptr<Decoder> make_responses_decoder() {
    return std::make_unique<ResponsesDecoder>();
}
}  // namespace rg::translate::stream
