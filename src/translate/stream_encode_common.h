// Internal to src/translate: the deferred start the Anthropic and Responses stream encoders
// share. Their first event (message_start; response.created) names the model, so it waits
// for the upstream's start and is written with the first content, or at the end of the
// upstream event that brought the start. Per stream, on the stream's worker; no allocation.
#pragma once

#include <string_view>

#include "translate/arena.h"

namespace rg::translate::stream {

struct DeferredStart {
    std::string_view model;  // the configured model, else the upstream's (in the Arena)
    bool started = false;
    bool due = false;

    void reset(std::string_view configured_model) {
        model = configured_model;
        started = false;
        due = false;
    }
    // The upstream's start: its model is kept unless one was configured.
    void on_start(Arena& arena, std::string_view upstream_model) {
        if (model.empty()) {
            model = arena.copy(upstream_model);
        }
        due = true;
    }
    // True exactly once: the caller writes its start event now.
    bool begin() {
        due = false;
        if (started) {
            return false;
        }
        started = true;
        return true;
    }
};

}  // namespace rg::translate::stream
