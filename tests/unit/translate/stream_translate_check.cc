#include "stream_translate_check.h"

#include <simdjson.h>

#include <vector>

#include "stream_test_util.h"

namespace rg::translate::test {

// stream_translate_check_responses.cc
std::string check_responses(const SseRun& run, Ending ending);

namespace {

namespace dom = simdjson::dom;

std::string diff(dom::element a, dom::element b, const std::string& path) {
    std::string_view s;
    if (a.get_string().get(s) == simdjson::SUCCESS && s == "<any>") {
        return {};
    }
    if (a.type() != b.type() && !(a.is_number() && b.is_number())) {
        return path + ": expected " + simdjson::to_string(a) + ", got " + simdjson::to_string(b);
    }
    if (a.is_object()) {
        dom::object oa = a.get_object().value_unsafe(), ob = b.get_object().value_unsafe();
        for (auto [key, value] : oa) {
            dom::element other;
            if (ob.at_key(key).get(other) != simdjson::SUCCESS) {
                return path + "." + std::string(key) + ": missing";
            }
            std::string d = diff(value, other, path + "." + std::string(key));
            if (!d.empty()) {
                return d;
            }
        }
        for (auto [key, value] : ob) {
            dom::element other;
            if (oa.at_key(key).get(other) != simdjson::SUCCESS) {
                return path + "." + std::string(key) + ": unexpected " + simdjson::to_string(value);
            }
        }
        return {};
    }
    if (a.is_array()) {
        dom::array xa = a.get_array().value_unsafe(), xb = b.get_array().value_unsafe();
        if (xa.size() != xb.size()) {
            return path + ": array size " + std::to_string(xa.size()) + " vs " +
                   std::to_string(xb.size());
        }
        size_t i = 0;
        auto ib = xb.begin();
        for (dom::element e : xa) {
            std::string d = diff(e, *ib, path + "[" + std::to_string(i) + "]");
            if (!d.empty()) {
                return d;
            }
            ++ib;
            ++i;
        }
        return {};
    }
    if (a.is_number()) {
        return a.get_double().value_unsafe() == b.get_double().value_unsafe()
                   ? std::string()
                   : path + ": " + simdjson::to_string(a) + " vs " + simdjson::to_string(b);
    }
    return simdjson::to_string(a) == simdjson::to_string(b)
               ? std::string()
               : path + ": " + simdjson::to_string(a) + " vs " + simdjson::to_string(b);
}

std::string json_diff_any(const std::string& expected, const std::string& actual) {
    dom::parser pa, pb;
    dom::element a, b;
    if (pa.parse(expected).get(a) != simdjson::SUCCESS) {
        return "expected event is not JSON: " + expected;
    }
    if (pb.parse(actual).get(b) != simdjson::SUCCESS) {
        return "event is not JSON: " + actual;
    }
    return diff(a, b, "$");
}

}  // namespace

std::string compare_streams(std::string_view expected, std::string_view actual) {
    const SseRun a = reference_sse(expected), b = reference_sse(actual);
    if (b.mid_event) {
        return "output ends inside an event";
    }
    for (size_t i = 0; i < a.events.size() || i < b.events.size(); ++i) {
        if (i >= a.events.size()) {
            return "event " + std::to_string(i) + ": unexpected " + b.events[i].event + " " +
                   b.events[i].data;
        }
        if (i >= b.events.size()) {
            return "event " + std::to_string(i) + ": missing " + a.events[i].event + " " +
                   a.events[i].data;
        }
        const OwnedEvent &x = a.events[i], &y = b.events[i];
        if (x.event != y.event) {
            return "event " + std::to_string(i) + ": name " + x.event + " vs " + y.event;
        }
        if (x.data == "[DONE]" || y.data == "[DONE]") {
            if (x.data != y.data) {
                return "event " + std::to_string(i) + ": " + x.data + " vs " + y.data;
            }
            continue;
        }
        std::string d = json_diff_any(x.data, y.data);
        if (!d.empty()) {
            return "event " + std::to_string(i) + ": " + d;
        }
    }
    return {};
}

namespace {

std::string str(dom::element e, const char* key) {
    std::string_view s;
    if (e[key].get_string().get(s) != simdjson::SUCCESS) {
        return {};
    }
    return std::string(s);
}

bool has(dom::element e, const char* key) {
    dom::element x;
    return e[key].get(x) == simdjson::SUCCESS;
}

// OpenAI chat: chunks with one id; role first; tool indexes dense, each started with id,
// type and name; one finish chunk; usage chunk (choices []) after it; [DONE] last.
std::string check_openai(const SseRun& run, Ending ending) {
    dom::parser parser;
    std::string id;
    bool finished = false, done = false, usage = false, first = true;
    uint64_t tools = 0;
    for (size_t i = 0; i < run.events.size(); ++i) {
        const OwnedEvent& e = run.events[i];
        const std::string where = "event " + std::to_string(i) + ": ";
        if (done) {
            return where + "after [DONE]";
        }
        if (!e.event.empty()) {
            return where + "has an event name";
        }
        if (e.data == "[DONE]") {
            done = true;
            continue;
        }
        dom::element c;
        if (parser.parse(e.data).get(c) != simdjson::SUCCESS) {
            return where + "not JSON";
        }
        if (has(c, "error")) {
            if (ending != Ending::error || i + 1 != run.events.size()) {
                return where + "unexpected error";
            }
            if (str(c["error"], "message").empty()) {
                return where + "error without message";
            }
            return {};
        }
        if (str(c, "object") != "chat.completion.chunk") {
            return where + "not a chunk";
        }
        if (id.empty()) {
            id = str(c, "id");
        } else if (str(c, "id") != id) {
            return where + "id changes";
        }
        dom::array choices;
        if (c["choices"].get_array().get(choices) != simdjson::SUCCESS) {
            return where + "no choices";
        }
        if (choices.size() == 0) {
            if (!finished || usage || !has(c, "usage")) {
                return where + "misplaced usage chunk";
            }
            usage = true;
            continue;
        }
        if (finished || usage) {
            return where + "content after the finish chunk";
        }
        dom::element choice = choices.at(0);
        dom::element delta = choice["delta"];
        if (first != (str(delta, "role") == "assistant")) {
            return where + "role not exactly on the first chunk";
        }
        first = false;
        dom::array calls;
        if (delta["tool_calls"].get_array().get(calls) == simdjson::SUCCESS) {
            for (dom::element call : calls) {
                uint64_t index = 0;
                if (call["index"].get_uint64().get(index) != simdjson::SUCCESS || index > tools) {
                    return where + "tool index not dense";
                }
                if (index == tools) {
                    if (str(call, "id").empty() || str(call, "type") != "function" ||
                        str(call["function"], "name").empty()) {
                        return where + "tool call starts without id, type or name";
                    }
                    ++tools;
                }
                std::string_view args;
                if (call["function"]["arguments"].get_string().get(args) != simdjson::SUCCESS) {
                    return where + "tool call without arguments string";
                }
            }
        }
        std::string_view reason;
        if (choice["finish_reason"].get_string().get(reason) == simdjson::SUCCESS) {
            finished = true;
            if (tools > 0 && reason != "tool_calls") {
                return where + "tools called but finish_reason " + std::string(reason);
            }
        }
    }
    if (ending == Ending::terminated && (!done || !finished)) {
        return "no finish chunk or [DONE]";
    }
    if (ending == Ending::error) {
        return "no error event";
    }
    if (ending == Ending::open && done) {
        return "[DONE] on an open stream";
    }
    return {};
}

// Anthropic: message_start first; blocks dense and increasing, started before deltas,
// stopped before the next starts, delta types matching; message_delta, then message_stop.
std::string check_anthropic(const SseRun& run, Ending ending) {
    dom::parser parser;
    bool started = false, delta_seen = false, stopped = false;
    int64_t open = -1, next = 0;
    std::string open_type;
    for (size_t i = 0; i < run.events.size(); ++i) {
        const OwnedEvent& e = run.events[i];
        const std::string where = "event " + std::to_string(i) + " (" + e.event + "): ";
        dom::element j;
        if (parser.parse(e.data).get(j) != simdjson::SUCCESS) {
            return where + "not JSON";
        }
        if (str(j, "type") != e.event) {
            return where + "type differs from the event name";
        }
        if (stopped) {
            return where + "after message_stop";
        }
        if (e.event == "error") {
            if (ending != Ending::error || i + 1 != run.events.size() ||
                str(j["error"], "type").empty()) {
                return where + "unexpected error";
            }
            return {};
        }
        if (e.event == "ping") {
            continue;
        }
        if (!started) {
            if (e.event != "message_start" || !has(j["message"], "usage")) {
                return where + "first event is not message_start with usage";
            }
            started = true;
            continue;
        }
        int64_t index = -1;
        if (j["index"].get_int64().get(index) != simdjson::SUCCESS) {
            index = -1;
        }
        if (e.event == "content_block_start") {
            if (open >= 0 || index != next || delta_seen) {
                return where + "block start out of order";
            }
            open = index;
            open_type = str(j["content_block"], "type");
        } else if (e.event == "content_block_delta") {
            const std::string t = str(j["delta"], "type");
            const bool match =
                (open_type == "text" && t == "text_delta") ||
                (open_type == "tool_use" && t == "input_json_delta") ||
                (open_type == "thinking" && (t == "thinking_delta" || t == "signature_delta"));
            if (index != open || !match) {
                return where + "delta on a block that is not open or of another type";
            }
        } else if (e.event == "content_block_stop") {
            if (index != open) {
                return where + "stop of a block that is not open";
            }
            open = -1;
            ++next;
        } else if (e.event == "message_delta") {
            if (open >= 0 || delta_seen || str(j["delta"], "stop_reason").empty() ||
                !has(j, "usage")) {
                return where + "message_delta misplaced or incomplete";
            }
            delta_seen = true;
        } else if (e.event == "message_stop") {
            if (!delta_seen) {
                return where + "message_stop before message_delta";
            }
            stopped = true;
        } else {
            return where + "unknown event";
        }
    }
    if (ending == Ending::terminated && !stopped) {
        return "no message_stop";
    }
    if (ending == Ending::error) {
        return "no error event";
    }
    if (ending == Ending::open && stopped) {
        return "message_stop on an open stream";
    }
    return {};
}

// Gemini: data-only chunks, never [DONE]; functionCall args are objects; finishReason and
// usageMetadata only on the last chunk.
std::string check_gemini(const SseRun& run, Ending ending) {
    dom::parser parser;
    bool finished = false;
    for (size_t i = 0; i < run.events.size(); ++i) {
        const OwnedEvent& e = run.events[i];
        const std::string where = "event " + std::to_string(i) + ": ";
        dom::element j;
        if (!e.event.empty() || parser.parse(e.data).get(j) != simdjson::SUCCESS) {
            return where + "not a data-only JSON chunk";
        }
        if (finished) {
            return where + "after the finishReason chunk";
        }
        if (has(j, "error")) {
            if (ending != Ending::error || i + 1 != run.events.size() ||
                str(j["error"], "status").empty()) {
                return where + "unexpected error";
            }
            return {};
        }
        dom::element cand = j["candidates"].at(0);
        dom::array parts;
        if (cand["content"]["parts"].get_array().get(parts) != simdjson::SUCCESS ||
            parts.size() == 0) {
            return where + "no parts";
        }
        for (dom::element p : parts) {
            dom::element fc;
            if (p["functionCall"].get(fc) == simdjson::SUCCESS &&
                (str(fc, "name").empty() || !fc["args"].is_object())) {
                return where + "functionCall without name or object args";
            }
        }
        if (has(cand, "finishReason")) {
            if (!has(j, "usageMetadata")) {
                return where + "finishReason without usageMetadata";
            }
            finished = true;
        }
    }
    if (ending == Ending::terminated && !finished) {
        return "no finishReason chunk";
    }
    if (ending == Ending::error) {
        return "no error event";
    }
    if (ending == Ending::open && finished) {
        return "finishReason on an open stream";
    }
    return {};
}

}  // namespace

std::string check_client_stream(Format format, std::string_view body, Ending ending) {
    const SseRun run = reference_sse(body);
    if (run.mid_event) {
        return "the stream ends inside an event";
    }
    switch (format) {
        case Format::openai_chat:
            return check_openai(run, ending);
        case Format::anthropic:
            return check_anthropic(run, ending);
        case Format::gemini:
            return check_gemini(run, ending);
        case Format::openai_responses:
            return check_responses(run, ending);
    }
    return "unknown format";
}

}  // namespace rg::translate::test
