// The Responses API client-stream checker (wire-formats.md §2.2.4), as the openai SDK's
// ResponseStream accumulator would hold a stream to it: named events whose payload type
// matches; sequence_number 0, 1, 2, ...; response.created first with the response id that
// every lifecycle event repeats; output items with dense output_index, one open at a time,
// their events naming the open item's id; argument and text deltas joining into the *.done
// text; the terminal event last with every item again and the usage; an error event last.
#include <simdjson.h>

#include <string>
#include <vector>

#include "stream_test_util.h"
#include "stream_translate_check.h"

namespace rg::translate::test {
namespace {

namespace dom = simdjson::dom;

std::string str(dom::element e, const char* key) {
    std::string_view s;
    if (e[key].get_string().get(s) != simdjson::SUCCESS) {
        return {};
    }
    return std::string(s);
}

int64_t num(dom::element e, const char* key) {
    int64_t n = -1;
    if (e[key].get_int64().get(n) != simdjson::SUCCESS) {
        return -1;
    }
    return n;
}

struct OpenItem {
    std::string id;
    std::string type;
    std::string call_id;
    std::string text;  // joined deltas
    bool part_open = false;
};

struct State {
    std::string response_id;
    int64_t next_seq = 0;
    int64_t items = 0;  // output items announced so far
    bool open = false;
    OpenItem item;
    std::vector<std::string> done_ids;  // in output order
    bool terminal = false;
};

std::string check_lifecycle(State& s, const std::string& type, dom::element j) {
    dom::element r;
    if (j["response"].get(r) != simdjson::SUCCESS || str(r, "id").empty()) {
        return "lifecycle event without a response id";
    }
    if (s.response_id.empty()) {
        if (type != "response.created") {
            return "first event is not response.created";
        }
        s.response_id = str(r, "id");
    } else if (str(r, "id") != s.response_id) {
        return "response id changes";
    }
    if (type == "response.created" || type == "response.in_progress") {
        return str(r, "status") == "in_progress" ? "" : "status is not in_progress";
    }
    // Terminal: every item done, listed again in order, usage present.
    s.terminal = true;
    if (s.open) {
        return "terminal event with an item still open";
    }
    const std::string status = str(r, "status");
    if ((type == "response.completed") != (status == "completed") ||
        (type == "response.incomplete" && str(r["incomplete_details"], "reason").empty())) {
        return "terminal status " + status + " does not match " + type;
    }
    dom::array output;
    if (r["output"].get_array().get(output) != simdjson::SUCCESS ||
        output.size() != s.done_ids.size()) {
        return "terminal output does not list every item";
    }
    size_t i = 0;
    for (dom::element it : output) {
        if (str(it, "id") != s.done_ids[i++]) {
            return "terminal output items differ from the streamed ones";
        }
    }
    if (!r["usage"].is_object() || num(r["usage"], "input_tokens") < 0 ||
        num(r["usage"], "output_tokens") < 0) {
        return "terminal event without usage";
    }
    return {};
}

std::string check_added(State& s, dom::element j) {
    if (s.open) {
        return "item added while another is open";
    }
    if (num(j, "output_index") != s.items) {
        return "output_index not dense";
    }
    dom::element item = j["item"];
    OpenItem it;
    it.id = str(item, "id");
    it.type = str(item, "type");
    it.call_id = str(item, "call_id");
    if (it.id.empty()) {
        return "item without id";
    }
    if (it.type == "function_call" && (it.call_id.empty() || str(item, "name").empty())) {
        return "function_call without call_id or name";
    }
    if (it.type != "message" && it.type != "function_call" && it.type != "reasoning") {
        return "unknown item type " + it.type;
    }
    s.item = it;
    s.open = true;
    ++s.items;
    return {};
}

// An event about the open item: its index and id, and the kind of item it belongs to.
std::string check_item_event(const State& s, dom::element j, const char* kind) {
    if (!s.open || num(j, "output_index") != s.items - 1 || str(j, "item_id") != s.item.id) {
        return "event for an item that is not open";
    }
    if (s.item.type != kind) {
        return "event for a " + s.item.type + " item";
    }
    return {};
}

std::string check_done(State& s, dom::element j) {
    if (!s.open || num(j, "output_index") != s.items - 1) {
        return "output_item.done for an item that is not open";
    }
    dom::element item = j["item"];
    if (str(item, "id") != s.item.id || str(item, "type") != s.item.type ||
        str(item, "call_id") != s.item.call_id) {
        return "output_item.done changes the item's identity";
    }
    if (s.item.part_open) {
        return "output_item.done with a part still open";
    }
    // The arguments are the upstream's fragments joined (a stream cannot check them before
    // they are all out; the goldens and the SDK tests parse them), never empty.
    if (s.item.type == "function_call" &&
        (str(item, "arguments") != s.item.text || s.item.text.empty())) {
        return "function_call arguments are not the joined deltas, or empty";
    }
    s.done_ids.push_back(s.item.id);
    s.open = false;
    return {};
}

std::string check_event(State& s, const std::string& type, dom::element j) {
    if (type == "response.created" || type == "response.in_progress" ||
        type == "response.completed" || type == "response.incomplete") {
        return check_lifecycle(s, type, j);
    }
    if (s.response_id.empty()) {
        return "event before response.created";
    }
    if (type == "response.output_item.added") {
        return check_added(s, j);
    }
    if (type == "response.output_item.done") {
        return check_done(s, j);
    }
    const bool message =
        type.starts_with("response.output_text.") || type.starts_with("response.content_part.");
    const bool reasoning = type.starts_with("response.reasoning_summary_");
    const bool call = type.starts_with("response.function_call_arguments.");
    if (!message && !reasoning && !call) {
        return "unknown event";
    }
    std::string why = check_item_event(s, j,
                                       message     ? "message"
                                       : reasoning ? "reasoning"
                                                   : "function_call");
    if (!why.empty()) {
        return why;
    }
    if (type.ends_with("part.added")) {
        s.item.part_open = true;
    } else if (type.ends_with("part.done")) {
        s.item.part_open = false;
    } else if (type.ends_with(".delta")) {
        if ((message || reasoning) && !s.item.part_open) {
            return "text delta outside a part";
        }
        s.item.text += str(j, "delta");
    } else if (type.ends_with(".done")) {
        const std::string full = call ? str(j, "arguments") : str(j, "text");
        if (full != s.item.text) {
            return "done text is not the joined deltas";
        }
    }
    return {};
}

}  // namespace

std::string check_responses(const SseRun& run, Ending ending) {
    dom::parser parser;
    State s;
    for (size_t i = 0; i < run.events.size(); ++i) {
        const OwnedEvent& e = run.events[i];
        const std::string where = "event " + std::to_string(i) + " (" + e.event + "): ";
        dom::element j;
        if (parser.parse(e.data).get(j) != simdjson::SUCCESS) {
            return where + "not JSON";
        }
        if (str(j, "type") != e.event || e.event.empty()) {
            return where + "type differs from the event name";
        }
        if (num(j, "sequence_number") != s.next_seq++) {
            return where + "sequence_number out of order";
        }
        if (s.terminal) {
            return where + "after the terminal event";
        }
        if (e.event == "error") {
            if (ending != Ending::error || i + 1 != run.events.size() ||
                str(j, "message").empty() || str(j, "code").empty()) {
                return where + "unexpected error";
            }
            return {};
        }
        const std::string why = check_event(s, e.event, j);
        if (!why.empty()) {
            return where + why;
        }
    }
    if (ending == Ending::terminated && !s.terminal) {
        return "no terminal event";
    }
    if (ending == Ending::error) {
        return "no error event";
    }
    if (ending == Ending::open && s.terminal) {
        return "terminal event on an open stream";
    }
    return {};
}

}  // namespace rg::translate::test
