#include "translate/stream_sentinel.h"

#include "translate/stream_scan.h"

namespace rg::translate {

namespace {

std::string_view trim_space(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// A top-level "error" member that is not null: OpenAI's mid-stream error chunk
// (`{"error":{...}}`, §2.2.1) and Gemini's (`{"error":{"code":503,...}}`, §2.4). Both SDKs
// throw on any data object with a truthy top-level `error`.
bool has_top_level_error(std::string_view data) {
    const std::string_view v = json_top_level_member(data, "error");
    return !v.empty() && v.substr(0, 4) != "null" && v.substr(0, 5) != "false";
}

// Anthropic and Responses name each event after its payload's `type`; when an upstream
// leaves the `event:` line out, the type is read from the payload instead.
std::string_view event_type(const SseEvent& event) {
    if (!event.event.empty()) {
        return event.event;
    }
    return json_top_level_string(event.data, "type");
}

// --- OpenAI Chat Completions (and legacy Completions) ------------------------------------

bool openai_chat_content(std::string_view data) {
    // delta.content / delta.refusal / delta.tool_calls; reasoning_content and reasoning are
    // the common extensions for reasoning text (§4.9 item 14); text is legacy Completions.
    // "content":"" (the role chunk) and logprobs' "content":[...] are not content.
    return json_has_nonempty_string(data, "content") ||
           json_has_nonempty_array(data, "tool_calls") ||
           json_has_nonempty_string(data, "refusal") ||
           json_has_nonempty_string(data, "reasoning_content") ||
           json_has_nonempty_string(data, "reasoning") || json_has_nonempty_string(data, "text");
}

EventClass classify_openai_chat(const SseEvent& event, bool want_content) {
    EventClass c;
    const std::string_view data = trim_space(event.data);
    if (data == "[DONE]") {
        c.terminal = true;
        return c;
    }
    c.error = event.event == "error" || has_top_level_error(data);
    c.content = want_content && !c.error && openai_chat_content(data);
    return c;
}

// --- OpenAI Responses --------------------------------------------------------------------

EventClass classify_openai_responses(const SseEvent& event, bool want_content) {
    EventClass c;
    const std::string_view type = event_type(event);
    if (type == "response.completed" || type == "response.incomplete") {
        c.terminal = true;
    } else if (type == "response.failed") {
        c.terminal = true;  // a terminator that reports a failed response
        c.error = true;
    } else if (type == "error") {
        c.error = true;
    } else if (want_content) {
        // Every text, refusal, reasoning, audio and tool-argument delta is an event named
        // "*.delta" with a string `delta`; a function call starts with output_item.added.
        if (type.ends_with(".delta")) {
            c.content = json_has_nonempty_string(event.data, "delta");
        } else if (type == "response.output_item.added") {
            c.content = json_has_string_member(event.data, "type", "function_call") ||
                        json_has_string_member(event.data, "type", "custom_tool_call");
        }
    }
    return c;
}

// --- Anthropic Messages ------------------------------------------------------------------

EventClass classify_anthropic(const SseEvent& event, bool want_content) {
    EventClass c;
    const std::string_view type = event_type(event);
    if (type == "message_stop") {
        c.terminal = true;
    } else if (type == "error") {
        c.error = true;
    } else if (want_content) {
        if (type == "content_block_delta") {
            // text_delta, input_json_delta, thinking_delta; not signature or citations.
            c.content = json_has_nonempty_string(event.data, "text") ||
                        json_has_nonempty_string(event.data, "partial_json") ||
                        json_has_nonempty_string(event.data, "thinking");
        } else if (type == "content_block_start") {
            // A tool block's start names the tool: the counterpart of OpenAI's first
            // tool_calls delta. Redacted thinking arrives whole in its start.
            c.content = json_has_string_member(event.data, "type", "tool_use") ||
                        json_has_string_member(event.data, "type", "server_tool_use") ||
                        json_has_string_member(event.data, "type", "redacted_thinking") ||
                        json_has_nonempty_string(event.data, "text");
        }
    }
    return c;
}

// --- Gemini ------------------------------------------------------------------------------

EventClass classify_gemini(const SseEvent& event, bool sse, bool want_content) {
    EventClass c;
    c.error = has_top_level_error(event.data);
    if (c.error) {
        return c;
    }
    // alt=sse has no end marker (§2.4): the chunk with a finishReason is the last one.
    // In the array form the closing ']' ends the stream (StreamSentinel::observe_array_end).
    if (sse) {
        const std::string_view reason = json_find_member(event.data, "finishReason");
        c.terminal = !reason.empty() && reason[0] == '"';
    }
    if (want_content) {
        c.content = json_has_nonempty_string(event.data, "text") ||
                    !json_find_member(event.data, "functionCall").empty() ||
                    !json_find_member(event.data, "inlineData").empty();
    }
    return c;
}

EventClass classify(StreamFormat format, const SseEvent& event, bool want_content) {
    switch (format) {
        case StreamFormat::openai_chat:
            return classify_openai_chat(event, want_content);
        case StreamFormat::openai_responses:
            return classify_openai_responses(event, want_content);
        case StreamFormat::anthropic:
            return classify_anthropic(event, want_content);
        case StreamFormat::gemini_sse:
            return classify_gemini(event, true, want_content);
        case StreamFormat::gemini_json_array:
            return classify_gemini(event, false, want_content);
    }
    return {};
}

}  // namespace

std::string_view stream_format_name(StreamFormat format) {
    switch (format) {
        case StreamFormat::openai_chat:
            return "openai_chat";
        case StreamFormat::openai_responses:
            return "openai_responses";
        case StreamFormat::anthropic:
            return "anthropic";
        case StreamFormat::gemini_sse:
            return "gemini_sse";
        case StreamFormat::gemini_json_array:
            return "gemini_json_array";
    }
    return "unknown";
}

EventClass classify_event(StreamFormat format, const SseEvent& event) {
    return classify(format, event, true);
}

bool carries_content(StreamFormat format, const SseEvent& event) {
    return classify(format, event, true).content;
}

bool is_terminal_event(StreamFormat format, const SseEvent& event) {
    return classify(format, event, false).terminal;
}

bool is_error_event(StreamFormat format, const SseEvent& event) {
    return classify(format, event, false).error;
}

namespace {

// The unsigned integer a JSON value starts with; false when it does not start with a digit.
bool leading_uint(std::string_view v, uint64_t* out) {
    uint64_t n = 0;
    size_t i = 0;
    for (; i < v.size() && i < 19 && v[i] >= '0' && v[i] <= '9'; ++i) {
        n = n * 10 + static_cast<uint64_t>(v[i] - '0');
    }
    *out = n;
    return i > 0;
}

}  // namespace

EventClass StreamSentinel::observe(const SseEvent& event) {
    ++events_;
    if (terminated_) {
        ++events_after_end_;
    }
    uint64_t seq = 0;
    if (format_ == StreamFormat::openai_responses &&
        leading_uint(json_top_level_member(event.data, "sequence_number"), &seq)) {
        next_sequence_number_ = seq + 1;
    }
    const EventClass c = classify(format_, event, !saw_content_);
    terminated_ = terminated_ || c.terminal;
    saw_error_ = saw_error_ || c.error;
    saw_content_ = saw_content_ || c.content;
    return c;
}

void StreamSentinel::observe_array_end() {
    if (format_ == StreamFormat::gemini_json_array) {
        terminated_ = true;
    }
}

}  // namespace rg::translate
