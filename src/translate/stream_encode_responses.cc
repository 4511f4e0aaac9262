// TODO: IR deltas -> Responses API stream (§2.2.4): not written yet; writes nothing.
#include "translate/stream_translate_internal.h"
namespace rg::translate::stream {
namespace {
class ResponsesEncoder final : public Encoder {
  public:
    explicit ResponsesEncoder(Pipe&) {}
    void reset() override {}
    void on_delta(const Delta&, ByteBuffer&) override {}
    void on_event_end(ByteBuffer&) override {}
    void on_end(ByteBuffer&) override {}
    void on_error(std::string_view, ByteBuffer&) override {}
};
}  // namespace
std::unique_ptr<Encoder> make_responses_encoder(Pipe& pipe) {
    return std::make_unique<ResponsesEncoder>(pipe);
}
}  // namespace rg::translate::stream
