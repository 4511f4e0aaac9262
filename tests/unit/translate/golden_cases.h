// Test helper: the golden transcript cases of a directory, one per
// <from>--<to>--<case>.in.json file (tests/data/translate/README.md), sorted by name.
// Header-only; used by the golden and endpoints tests.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "json_equal.h"
#include "translate/ir.h"

namespace rg::translate::testing {

struct GoldenCase {
    std::string stem;  // path without .in.json
    std::string name;  // file name without .in.json
    Format from = Format::openai_chat;
    Format to = Format::openai_chat;
};

// The format a golden file name spells ("openai", "responses", "anthropic", "gemini").
inline bool golden_format(std::string_view name, Format* f) {
    if (name == "openai") {
        *f = Format::openai_chat;
    } else if (name == "responses") {
        *f = Format::openai_responses;
    } else if (name == "anthropic") {
        *f = Format::anthropic;
    } else if (name == "gemini") {
        *f = Format::gemini;
    } else {
        return false;
    }
    return true;
}

// The case a file name stands for; false when it is not <from>--<to>--<case>.in.json.
inline bool golden_case(const std::string& dir, std::string name, GoldenCase* c) {
    const std::string suffix = ".in.json";
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return false;
    }
    name.resize(name.size() - suffix.size());
    const size_t a = name.find("--");
    const size_t b = name.find("--", a + 2);
    c->stem = dir + "/" + name;
    c->name = name;
    if (a == std::string::npos || b == std::string::npos ||
        !golden_format(std::string_view(name).substr(0, a), &c->from) ||
        !golden_format(std::string_view(name).substr(a + 2, b - a - 2), &c->to)) {
        ADD_FAILURE() << "bad golden file name " << name;
        return false;
    }
    return true;
}

// Every case in `dir`, sorted by name; a missing directory is a test failure.
inline std::vector<GoldenCase> golden_cases(const std::string& dir) {
    std::vector<GoldenCase> out;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
        ADD_FAILURE() << "no directory " << dir;
        return out;
    }
    while (dirent* e = readdir(d)) {
        GoldenCase c;
        if (golden_case(dir, e->d_name, &c)) {
            out.push_back(c);
        }
    }
    closedir(d);
    std::sort(out.begin(), out.end(),
              [](const GoldenCase& x, const GoldenCase& y) { return x.name < y.name; });
    return out;
}

// `actual` equals the JSON `expected` (json_equal.h), else a failure naming the difference.
inline void expect_json(const std::string& expected, std::string_view actual) {
    const std::string d = json_diff(expected, actual);
    EXPECT_TRUE(d.empty()) << d << "\nactual: " << actual;
}

}  // namespace rg::translate::testing
