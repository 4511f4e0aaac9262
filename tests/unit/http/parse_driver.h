// Test driver for RequestParser: feeds an input cut at given positions the way a connection
// does (the unconsumed rest plus the next bytes), each call in a fresh heap buffer that is
// overwritten and freed right after the call, and records what the parser reported as a
// transcript string. Single-threaded test helper.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.h"

namespace rg::http::test {

// One line per event: "head ...", "body <payload>" (consecutive body events merged), "end",
// "error <name>".
std::string describe_head(const RequestHead& head);

// Feeds `input` in the pieces that `cuts` (ascending offsets) delimit.
std::string drive(RequestParser& parser, std::string_view input, const std::vector<size_t>& cuts);

std::string drive_whole(std::string_view input, ParseLimits limits = {});
std::string drive_split_at(std::string_view input, size_t cut, ParseLimits limits = {});
std::string drive_bytewise(std::string_view input, ParseLimits limits = {});

}  // namespace rg::http::test
