// Shared request tables for the RequestParser tests: valid requests with their expected
// transcripts (parse_driver.h) and rejected requests with their exact error and status.
// Every case is also replayed split at every byte by request_parser_split_test.cc.
#pragma once

#include <string>
#include <vector>

#include "http/request_parser.h"

namespace rg::http::test {

struct ValidCase {
    std::string name;
    std::string input;
    std::string transcript;
    ParseLimits limits = {};
};

struct RejectCase {
    std::string name;
    std::string input;
    ParseError error;
    int status;
    ParseLimits limits = {};
};

const std::vector<ValidCase>& valid_cases();
const std::vector<RejectCase>& reject_cases();

}  // namespace rg::http::test
