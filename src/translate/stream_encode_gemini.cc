// IR deltas -> Gemini streamGenerateContent?alt=sse (wire-formats.md §2.4, §4.6 (d), (f)).
// One chunk per upstream event with its text, thought and completed-call parts; a call's
// argument fragments are buffered until the call ends (Gemini clients expect whole
// functionCall objects). The last chunk carries finishReason and usageMetadata. Never a
// [DONE] (§4.9 #17): the stream ends at EOF.
#include "translate/common.h"
#include "translate/sse_encoder.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

struct Call {
    bool open = false;
    std::string_view name;  // in the Arena
    std::string_view id;
    ByteBuffer args;
};

class GeminiEncoder final : public Encoder {
  public:
    explicit GeminiEncoder(Pipe& pipe) : pipe_(pipe) {}

    void reset() override {
        model_ = pipe_.options().model;
        for (Call& c : calls_) {
            c.open = false;
            c.args.clear();
        }
        done_.clear();
        text_.clear();
        thought_.clear();
        finish_ = FinishReason::unset;
    }

    void on_delta(const Delta& d, ByteBuffer&) override {
        switch (d.kind) {
            case DeltaKind::start:
                if (model_.empty()) {
                    model_ = pipe_.arena().copy(d.name);
                }
                break;
            case DeltaKind::text:
                text_.append(d.text);
                break;
            case DeltaKind::reasoning:
                if (pipe_.options().include_reasoning) {
                    thought_.append(d.text);
                }
                break;
            case DeltaKind::tool_call_start:
                if (d.index < tool_calls_max) {
                    Call& c = call(d.index);
                    c.open = true;
                    c.name = pipe_.arena().copy(d.name);
                    c.id = pipe_.arena().copy(d.id);
                    c.args.clear();
                }
                break;
            case DeltaKind::tool_args:
                if (d.index < calls_.size() && calls_[d.index].open) {
                    calls_[d.index].args.append(d.text);
                } else {
                    pipe_.count_dropped();
                }
                break;
            case DeltaKind::tool_call_end:
                if (d.index < calls_.size() && calls_[d.index].open) {
                    calls_[d.index].open = false;
                    done_.push_back(d.index);
                }
                break;
            case DeltaKind::finish:
                finish_ = d.finish;
                break;
            case DeltaKind::signature:  // Anthropic's: meaningless to Gemini
            case DeltaKind::usage:      // the Pipe keeps the running total
                break;
        }
    }

    void on_event_end(ByteBuffer& out) override {
        if (text_.size() == 0 && thought_.size() == 0 && done_.empty()) {
            return;
        }
        buf_.clear();
        JsonWriter w(buf_);
        begin_chunk(w);
        if (thought_.size() > 0) {
            w.begin_object();
            w.field("text", thought_.view());
            w.field_bool("thought", true);
            w.end_object();
        }
        if (text_.size() > 0) {
            w.begin_object();
            w.field("text", text_.view());
            w.end_object();
        }
        for (uint32_t index : done_) {
            write_call(w, calls_[index]);
        }
        end_chunk(w, false);
        append_sse_data(out, buf_.view());
        text_.clear();
        thought_.clear();
        done_.clear();
    }

    void on_end(ByteBuffer& out) override {
        // Calls the upstream never closed are whole now.
        for (uint32_t i = 0; i < calls_.size(); ++i) {
            if (calls_[i].open) {
                calls_[i].open = false;
                done_.push_back(i);
            }
        }
        on_event_end(out);
        buf_.clear();
        JsonWriter w(buf_);
        begin_chunk(w);
        w.begin_object();
        w.field("text", "");
        w.end_object();
        end_chunk(w, true);
        append_sse_data(out, buf_.view());
    }

    void on_error(std::string_view envelope, ByteBuffer& out) override {
        append_sse_data(out, envelope);
    }

  private:
    Call& call(uint32_t index) {
        if (calls_.size() <= index) {
            calls_.resize(index + 1);  // grows once per stream shape, then reused
        }
        return calls_[index];
    }

    void begin_chunk(JsonWriter& w) {
        w.begin_object();
        w.key("candidates");
        w.begin_array();
        w.begin_object();
        w.key("content");
        w.begin_object();
        w.key("parts");
        w.begin_array();
    }

    void end_chunk(JsonWriter& w, bool last) {
        w.end_array();
        w.field("role", "model");
        w.end_object();
        if (last) {
            // STOP for tool calls too: the functionCall parts carry the meaning (§4.4).
            w.field("finishReason",
                    gemini_finish_reason(finish_ == FinishReason::unset ? FinishReason::stop
                                                                        : finish_));
        }
        w.field_uint("index", 0);
        w.end_object();
        w.end_array();
        if (last) {
            w.key("usageMetadata");
            write_gemini_usage(w, pipe_.usage());
        }
        w.field("modelVersion", model_);
        w.field("responseId", pipe_.options().id_token);
        w.end_object();
    }

    void write_call(JsonWriter& w, const Call& c) {
        w.begin_object();
        w.key("functionCall");
        w.begin_object();
        w.field("name", c.name);
        // Buffered fragments are JSON text; anything else (a cut or broken call) is "{}".
        w.field_raw("args", args_object(pipe_.arena(), c.args.view()));
        if (!c.id.empty()) {
            w.field("id", c.id);  // echoed back in functionResponse.id
        }
        w.end_object();
        w.end_object();
    }

    Pipe& pipe_;
    std::string_view model_;
    std::vector<Call> calls_;
    std::vector<uint32_t> done_;  // calls completed in this event, in order
    ByteBuffer text_;
    ByteBuffer thought_;
    FinishReason finish_ = FinishReason::unset;
    ByteBuffer buf_;
};

}  // namespace

std::unique_ptr<Encoder> make_gemini_encoder(Pipe& pipe) {
    return std::make_unique<GeminiEncoder>(pipe);
}

}  // namespace rg::translate::stream
