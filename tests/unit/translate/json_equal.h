// Test helper: semantic JSON equality (object member order ignored, numbers compared by
// value) with a path to the first difference.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace rg::translate::testing {

// Empty when equal, else "<path>: <what differs>"; also reports either side not parsing.
std::string json_diff(std::string_view expected, std::string_view actual);

// Reads a whole file; aborts the test binary when missing.
std::string read_file(const std::string& path);

}  // namespace rg::translate::testing
