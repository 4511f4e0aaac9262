// Internal to src/translate: pieces the per-format stream decoders (stream_decode_*.cc)
// share: opening one event's JSON and reading an object's members, where broken input makes
// the event invalid (a bool, not an Error: the decoder skips the event). The member loops
// stay spelled out in each decoder: behind a callback, GCC left some bodies out of line and
// an event cost 2-3% more instructions. Per call, any worker; inline, no allocation.
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

// Reads the key and value of one member met while iterating an object; false when the
// input is broken (the event is then invalid).
template <class Field>
inline bool read_member(Field& field, std::string_view* key, od::value* value) {
    return field.unescaped_key().get(*key) == simdjson::SUCCESS &&
           field.value().get(*value) == simdjson::SUCCESS;
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
