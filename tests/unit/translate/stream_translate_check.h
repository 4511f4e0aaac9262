// Test helpers for the stream translators: semantic comparison of two client streams (each
// event's JSON parsed; "<any>" in the expected stream matches any value) and a checker that
// a client stream is valid for its format (wire-formats.md §2, §4.6 rules). Shared by the
// unit tests and the fuzz target.
#pragma once

#include <string>
#include <string_view>

#include "translate/ir.h"

namespace rg::translate::test {

// Empty when equal, else the first difference.
std::string compare_streams(std::string_view expected, std::string_view actual);

enum class Ending : uint8_t {
    terminated = 0,  // the format's proper terminator
    error = 1,       // ends with the format's in-stream error event
    open = 2,        // neither yet (a cut stream before append_cut_error)
};

// Empty when `body` is a valid `format` client stream with that ending, else why not.
std::string check_client_stream(Format format, std::string_view body, Ending ending);

}  // namespace rg::translate::test
