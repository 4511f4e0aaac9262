// Internal to src/translate: pieces the per-format stream decoders (stream_decode_*.cc)
// share: opening one event's JSON and walking an object's members, where any broken input
// makes the event invalid (a bool, not an Error: the decoder reports the stream as invalid).
// Per call, any worker; inline, no allocation.
#pragma once

#include <string_view>

#include "translate/arena.h"
#include "translate/json_read.h"

namespace rg::translate::stream {

// Opens one event's data as a JSON object in the Arena's main parser; false when it is not.
inline bool open_event_object(Arena& arena, std::string_view data, od::document* doc,
                              od::object* root) {
    return open_document(arena, data, doc) == simdjson::SUCCESS &&
           doc->get_object().get(*root) == simdjson::SUCCESS;
}

// Calls on_member(key, value) for each member of `o` in order; false as soon as a member
// cannot be read or on_member returns false (the event is broken).
template <class OnMember>
bool for_each_member(od::object& o, OnMember&& on_member) {
    for (auto field : o) {
        std::string_view key;
        od::value v;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
            field.value().get(v) != simdjson::SUCCESS) {
            return false;
        }
        if (!on_member(key, v)) {
            return false;
        }
    }
    return true;
}

// The text inside a raw JSON string token ("abc" -> abc); empty for anything else. Enough
// for error codes and types found by the byte scanners (no escapes in those).
inline std::string_view unquote(std::string_view raw) {
    if (raw.size() >= 2 && raw.front() == '"') {
        const size_t close = raw.find('"', 1);
        if (close != std::string_view::npos) {
            return raw.substr(1, close - 1);
        }
    }
    return {};
}

}  // namespace rg::translate::stream
