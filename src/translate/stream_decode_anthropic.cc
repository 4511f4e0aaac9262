// Anthropic Messages stream -> IR deltas (wire-formats.md §2.3, §4.6 (a), (f) upstream
// side). Content block indexes map to dense tool indexes (§4.9 #1); usage counts are
// cumulative and overwrite only the fields present (the SDK's rule, §2.3).
#include "translate/common.h"
#include "translate/json_read.h"
#include "translate/stream_decode_common.h"
#include "translate/stream_scan.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

enum class BlockType : uint8_t { none = 0, text, tool, thinking, other };

// Anthropic's own usage fields as last reported; mapped to the IR once per report.
struct RawUsage {
    uint64_t input = 0;  // the uncached part only
    uint64_t cache_read = 0;
    uint64_t cache_creation = 0;
    uint64_t output = 0;
    uint64_t thinking = 0;
    bool has_thinking = false;

    Usage to_ir() const {
        Usage u;
        u.input = input + cache_read + cache_creation;
        u.cached_input = cache_read;
        u.cache_creation = cache_creation;
        u.output = output;
        u.reasoning = thinking;
        u.has_reasoning = has_thinking;
        return u;
    }
};

class AnthropicDecoder final : public Decoder {
  public:
    void reset() override {
        blocks_.clear();
        next_tool_ = 0;
        usage_ = RawUsage{};
        finish_ = FinishReason::unset;
        started_ = false;
    }

    bool on_event(const SseEvent& event, Pipe& pipe) override {
        // The payload's type is authoritative (it equals the event name, §2.3).
        std::string_view type = json_top_level_string(event.data, "type");
        if (type.empty()) {
            type = event.event;
        }
        if (type == "ping" || type.empty()) {
            return !type.empty();
        }
        if (type == "error") {
            const std::string_view err = json_top_level_member(event.data, "error");
            pipe.error(error_status_for_type(error_type(err)), event.data);
            return true;
        }
        if (type == "message_stop") {
            pipe.end();
            return true;
        }
        od::document doc;
        od::object root;
        if (!open_event_object(pipe.arena(), event.data, &doc, &root)) {
            return false;
        }
        if (type == "message_start") {
            return message_start(root, pipe);
        }
        if (type == "content_block_start") {
            return block_start(root, pipe);
        }
        if (type == "content_block_delta") {
            return block_delta(root, pipe);
        }
        if (type == "content_block_stop") {
            return block_stop(root, pipe);
        }
        if (type == "message_delta") {
            return message_delta(root, pipe);
        }
        return true;  // new event types are allowed (§2.3): ignored
    }

    bool on_eof(Pipe&) override { return false; }  // no message_stop: cut

  private:
    static std::string_view error_type(std::string_view err) {
        return unquote(json_find_member(err, "type"));
    }

    bool message_start(od::object& root, Pipe& pipe) {
        od::object msg;
        if (root.find_field_unordered("message").get_object().get(msg) != simdjson::SUCCESS) {
            return false;
        }
        Delta d = make_delta(DeltaKind::start);
        bool has_usage = false;
        for (auto field : msg) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "model") {
                if (v.get_string().get(d.name) != simdjson::SUCCESS) {
                    d.name = {};
                }
                d.name = pipe.arena().copy(d.name);  // the parser's buffer moves on
            } else if (key == "usage") {
                if (!read_usage(v)) {
                    return false;
                }
                has_usage = true;
            }
        }
        if (!started_) {
            started_ = true;
            pipe.delta(d);
        }
        if (has_usage) {
            send_usage(pipe);
        }
        return true;
    }

    bool block_start(od::object& root, Pipe& pipe) {
        uint64_t index = 0;
        if (root.find_field_unordered("index").get_uint64().get(index) != simdjson::SUCCESS) {
            return false;
        }
        od::object block;
        if (root.find_field_unordered("content_block").get_object().get(block) !=
            simdjson::SUCCESS) {
            return false;
        }
        std::string_view type, id, name, text;
        for (auto field : block) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            std::string_view* target = key == "type"   ? &type
                                       : key == "id"   ? &id
                                       : key == "name" ? &name
                                       : key == "text" ? &text
                                                       : nullptr;
            if (target != nullptr && v.get_string().get(*target) != simdjson::SUCCESS) {
                *target = {};
            }
        }
        if (index >= blocks_max) {
            return false;
        }
        if (blocks_.size() <= index) {
            blocks_.resize(index + 1);
        }
        Block& b = blocks_[index];
        b.type = type == "text"       ? BlockType::text
                 : type == "tool_use" ? BlockType::tool
                 : type == "thinking" ? BlockType::thinking
                                      : BlockType::other;  // redacted_thinking, server tools
        if (b.type == BlockType::tool) {
            // A call without a name cannot be answered by any client: dropped.
            if (next_tool_ >= tool_calls_max || name.empty()) {
                b.type = BlockType::other;
                pipe.count_dropped();
                return true;
            }
            b.tool = next_tool_++;
            Delta d = make_delta(DeltaKind::tool_call_start, b.tool);
            d.id = pipe.arena().copy(id);
            d.name = pipe.arena().copy(name);
            pipe.delta(d);
        } else if (b.type == BlockType::text && !text.empty()) {
            Delta d = make_delta(DeltaKind::text);
            d.text = text;
            pipe.delta(d);
        }
        return true;
    }

    bool block_delta(od::object& root, Pipe& pipe) {
        uint64_t index = 0;
        if (root.find_field_unordered("index").get_uint64().get(index) != simdjson::SUCCESS) {
            return false;
        }
        od::object delta;
        if (root.find_field_unordered("delta").get_object().get(delta) != simdjson::SUCCESS) {
            return false;
        }
        std::string_view type, value;
        for (auto field : delta) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "type") {
                if (v.get_string().get(type) != simdjson::SUCCESS) {
                    return false;
                }
            } else if (key == "text" || key == "partial_json" || key == "thinking" ||
                       key == "signature") {
                if (v.get_string().get(value) != simdjson::SUCCESS) {
                    return false;
                }
            }
        }
        const BlockType bt = index < blocks_.size() ? blocks_[index].type : BlockType::none;
        if (type == "text_delta" && bt == BlockType::text) {
            send_text(pipe, DeltaKind::text, value, 0);
        } else if (type == "input_json_delta" && bt == BlockType::tool) {
            send_text(pipe, DeltaKind::tool_args, value, blocks_[index].tool);
        } else if (type == "thinking_delta" && bt == BlockType::thinking) {
            send_text(pipe, DeltaKind::reasoning, value, 0);
        } else if (type == "signature_delta" && bt == BlockType::thinking && !value.empty()) {
            Delta d = make_delta(DeltaKind::signature);
            d.signature = value;
            pipe.delta(d);
        }
        return true;  // citations and unknown deltas: ignored
    }

    static void send_text(Pipe& pipe, DeltaKind kind, std::string_view text, uint32_t index) {
        if (text.empty()) {
            return;  // the first input_json_delta is often "" (§2.3)
        }
        Delta d = make_delta(kind, index);
        d.text = text;
        pipe.delta(d);
    }

    bool block_stop(od::object& root, Pipe& pipe) {
        uint64_t index = 0;
        if (root.find_field_unordered("index").get_uint64().get(index) != simdjson::SUCCESS) {
            return false;
        }
        if (index < blocks_.size() && blocks_[index].type == BlockType::tool) {
            pipe.delta(make_delta(DeltaKind::tool_call_end, blocks_[index].tool));
            blocks_[index].type = BlockType::other;  // a second stop is not a second end
        }
        return true;
    }

    bool message_delta(od::object& root, Pipe& pipe) {
        for (auto field : root) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "delta") {
                od::object delta;
                if (v.get_object().get(delta) != simdjson::SUCCESS) {
                    return false;
                }
                std::string_view reason;
                const auto r = delta.find_field_unordered("stop_reason").get_string().get(reason);
                if (r == simdjson::SUCCESS) {
                    Delta d = make_delta(DeltaKind::finish);
                    d.finish = finish_from_anthropic(reason);
                    pipe.delta(d);
                } else if (r != simdjson::NO_SUCH_FIELD && r != simdjson::INCORRECT_TYPE) {
                    return false;  // broken JSON: the document may not be walked again
                }
            } else if (key == "usage") {
                if (!read_usage(v)) {
                    return false;
                }
                send_usage(pipe);
            }
        }
        return true;
    }

    // Overwrites the counts present (cumulative totals, never added).
    bool read_usage(od::value& v) {
        od::object o;
        if (v.get_object().get(o) != simdjson::SUCCESS) {
            return false;
        }
        for (auto field : o) {
            std::string_view key;
            od::value val;
            if (!read_member(field, &key, &val)) {
                return false;
            }
            uint64_t* target = key == "input_tokens"                  ? &usage_.input
                               : key == "cache_read_input_tokens"     ? &usage_.cache_read
                               : key == "cache_creation_input_tokens" ? &usage_.cache_creation
                               : key == "output_tokens"               ? &usage_.output
                                                                      : nullptr;
            if (target != nullptr) {
                uint64_t n = 0;
                if (val.get_uint64().get(n) == simdjson::SUCCESS) {
                    *target = n;  // null stays as it was
                }
            } else if (key == "output_tokens_details") {
                od::object details;
                uint64_t n = 0;
                if (val.get_object().get(details) != simdjson::SUCCESS) {
                    continue;  // null
                }
                const auto r = details.find_field_unordered("thinking_tokens").get_uint64().get(n);
                if (r == simdjson::SUCCESS) {
                    usage_.thinking = n;
                    usage_.has_thinking = true;
                } else if (r != simdjson::NO_SUCH_FIELD && r != simdjson::INCORRECT_TYPE) {
                    return false;
                }
            }
        }
        return true;
    }

    void send_usage(Pipe& pipe) {
        Delta d = make_delta(DeltaKind::usage);
        d.usage = usage_.to_ir();
        pipe.delta(d);
    }

    struct Block {
        BlockType type = BlockType::none;
        uint32_t tool = 0;
    };
    std::vector<Block> blocks_;
    uint32_t next_tool_ = 0;
    RawUsage usage_;
    FinishReason finish_ = FinishReason::unset;
    bool started_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_anthropic_decoder() {
    return std::make_unique<AnthropicDecoder>();
}

}  // namespace rg::translate::stream
