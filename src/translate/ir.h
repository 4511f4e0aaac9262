// The canonical intermediate representation every format is parsed into and emitted from
// (wire-formats.md §4: 4 decoders and 4 encoders instead of 12 pairwise translators).
// Plain data: the string views point into the source body's copy or into the Arena that
// parsed it, so an IR value is valid until that Arena is reset. Owned by one thread; its
// vectors are cleared, never freed, so a reused IR does not allocate in steady state.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rg::translate {

// The four wire formats. Same-format pairs never reach the translator (byte passthrough).
enum class Format : uint8_t { openai_chat = 0, openai_responses = 1, anthropic = 2, gemini = 3 };

std::string_view format_name(Format format);

// An optional boolean.
enum class Tri : uint8_t { unset = 0, no = 1, yes = 2 };

// A number as sent: the value, and its token for byte-exact re-emission when unchanged.
struct Number {
    bool set = false;
    double value = 0;
    std::string_view raw;  // the JSON token, e.g. "0.20"
};

// Conversation roles after normalisation: system text is hoisted into Request::system and
// OpenAI `tool` messages become user turns holding tool_result blocks (Anthropic's shape).
enum class Role : uint8_t { user = 0, assistant = 1 };

enum class BlockKind : uint8_t {
    text = 0,
    image,              // media_type + data (base64), or url
    document,           // a file (PDF): media_type + data, or url
    tool_call,          // assistant: id, name, args (raw JSON object), signature (Gemini)
    tool_result,        // user: id, name, text (content), is_error, content_is_json
    thinking,           // assistant: text, signature (provider-bound, see origin)
    redacted_thinking,  // assistant: data (Anthropic's opaque redacted block)
};

// One content block. A fat struct rather than a variant: the fields a kind does not use
// stay empty, and one flat vector of these holds a whole conversation.
struct Block {
    BlockKind kind = BlockKind::text;
    // thinking: the provider whose signature this is. Anthropic signatures are replayed
    // byte-exact to Anthropic only; a foreign thinking block is dropped before Anthropic
    // (§4.9 #9). Gemini thought parts arrive with origin gemini.
    Format origin = Format::openai_chat;
    bool is_error = false;         // tool_result
    bool content_is_json = false;  // tool_result: `text` is a raw JSON value (Gemini's object)
    bool id_synthesized = false;   // tool_call/tool_result: the source had no id (Gemini)
    std::string_view text;         // text, thinking text, tool_result content
    std::string_view id;           // tool_call id; tool_result: the call it answers
    std::string_view name;         // tool_call and tool_result function name
    std::string_view args;         // tool_call: raw JSON object text, "{}" when none
    // thinking: Anthropic signature; tool_call and text: Gemini thoughtSignature.
    std::string_view signature;
    std::string_view media_type;  // image/document
    std::string_view data;        // image/document base64; redacted_thinking data
    std::string_view url;         // image/document by URL (never fetched)
};

// A turn: blocks [first, first + count) of Request::blocks.
struct Message {
    Role role = Role::user;
    uint32_t first = 0;
    uint32_t count = 0;
};

struct Tool {
    std::string_view name;
    std::string_view description;
    std::string_view parameters;  // raw JSON Schema text; empty when the tool takes none
    Tri strict = Tri::unset;
};

enum class ToolChoiceKind : uint8_t { unset = 0, auto_, none, required, named };

struct ToolChoice {
    ToolChoiceKind kind = ToolChoiceKind::unset;
    std::string_view name;  // named
};

enum class ResponseFormatKind : uint8_t { unset = 0, text, json_object, json_schema };

struct ResponseFormat {
    ResponseFormatKind kind = ResponseFormatKind::unset;
    std::string_view name;  // json_schema (OpenAI requires one; "response" when absent)
    std::string_view description;
    std::string_view schema;  // raw JSON Schema text
    Tri strict = Tri::unset;
};

// Reasoning effort on OpenAI's scale; budgets convert through effort_budget_tokens().
enum class Effort : uint8_t { unset = 0, none, minimal, low, medium, high, max };

struct Reasoning {
    Effort effort = Effort::unset;
    // Anthropic budget_tokens / Gemini thinkingBudget; -1 = dynamic (Gemini, Anthropic
    // adaptive). Only meaningful when has_budget.
    bool has_budget = false;
    int64_t budget_tokens = 0;
    Tri include_thoughts = Tri::unset;  // Gemini includeThoughts
};

// The canonical request.
struct Request {
    Format source = Format::openai_chat;  // the format it was parsed from
    std::string_view model;  // as the client sent it (empty for Gemini: it is in the URL)
    std::vector<std::string_view> system;  // system/developer texts, in order (hoisted)
    std::vector<Message> messages;
    std::vector<Block> blocks;
    std::vector<Tool> tools;
    ToolChoice tool_choice;
    Tri parallel_tool_calls = Tri::unset;
    ResponseFormat response_format;
    std::vector<std::string_view> stop;
    bool has_max_tokens = false;
    uint64_t max_tokens = 0;
    Number temperature;
    Number top_p;
    Number top_k;
    Number presence_penalty;
    Number frequency_penalty;
    Number seed;
    uint32_t n = 0;  // choices asked for; 0 = unset
    bool stream = false;
    bool include_usage = false;  // the client asked for stream usage (OpenAI)
    Reasoning reasoning;
    std::string_view user;  // OpenAI user/safety_identifier, Anthropic metadata.user_id

    void clear();
};

// Why generation stopped, on one scale for all formats (§4.4).
enum class FinishReason : uint8_t {
    unset = 0,
    stop,            // natural end (end_turn, STOP)
    stop_sequence,   // a stop sequence matched (Anthropic tells which)
    length,          // output limit or context window
    tool_calls,      // the turn calls tools
    content_filter,  // refusal / safety / recitation
    pause_turn,      // Anthropic server-tool turn paused
};

// Token counts, each counted exactly once (§4.5). `input` is the whole prompt; cached_input,
// cache_creation and tool_prompt are parts of it. `output` is everything generated;
// `reasoning` is part of it.
struct Usage {
    uint64_t input = 0;
    uint64_t cached_input = 0;    // cache reads
    uint64_t cache_creation = 0;  // cache writes (Anthropic cache_creation_input_tokens)
    uint64_t output = 0;
    uint64_t reasoning = 0;    // thinking/thought tokens
    uint64_t tool_prompt = 0;  // Gemini toolUsePromptTokenCount
    bool has_reasoning = false;
};

// The canonical non-streamed answer (the first choice/candidate only).
struct Response {
    std::string_view id;        // the upstream's id (unused by emitters: they mint their own)
    std::string_view model;     // the upstream's model (emitters report the public name)
    std::vector<Block> blocks;  // text, thinking, redacted_thinking, tool_call
    FinishReason finish = FinishReason::unset;
    std::string_view stop_sequence;  // when finish == stop_sequence and known
    bool has_usage = false;
    Usage usage;

    void clear();
};

// One streamed increment, for the stream translators built on this IR (§4, canonical stream
// events). Not produced yet: the stream state machines come later.
enum class DeltaKind : uint8_t {
    start = 0,        // id, model
    text,             // text
    reasoning,        // text
    signature,        // signature of the open thinking block
    tool_call_start,  // index, id, name
    tool_args,        // index, text (a JSON fragment)
    tool_call_end,    // index
    finish,           // finish
    usage,            // usage
};

struct Delta {
    DeltaKind kind = DeltaKind::text;
    uint32_t index = 0;
    FinishReason finish = FinishReason::unset;
    std::string_view text;
    std::string_view id;
    std::string_view name;
    std::string_view signature;
    Usage usage;
};

}  // namespace rg::translate
