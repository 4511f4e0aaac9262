#include "translate/stream_translate_internal.h"
namespace rg::translate::stream {
namespace {
class ResponsesEncoder final : public Encoder {
  public:
    explicit ResponsesEncoder(Pipe& pipe) : pipe_(pipe) {}
    void reset() override {}
    void on_delta(const Delta&, ByteBuffer&) override {}
    void on_event_end(ByteBuffer&) override {}
    void on_end(ByteBuffer&) override {}
    void on_error(std::string_view, ByteBuffer&) override {}

  private:
    Pipe& pipe_;
};
}  // namespace
std::unique_ptr<Encoder> make_responses_encoder(Pipe& pipe) {
    return std::make_unique<ResponsesEncoder>(pipe);
}
}  // namespace rg::translate::stream
