#include "json_equal.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rg::translate::testing {
namespace {

namespace dom = simdjson::dom;

std::string diff(dom::element a, dom::element b, const std::string& path) {
    if (a.type() != b.type()) {
        const bool both_numbers = (a.is_number() && b.is_number());
        if (!both_numbers) {
            return path + ": type differs (expected " + simdjson::to_string(a) + ", got " +
                   simdjson::to_string(b) + ")";
        }
    }
    switch (a.type()) {
        case dom::element_type::OBJECT: {
            dom::object oa = a.get_object().value_unsafe();
            dom::object ob = b.get_object().value_unsafe();
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
                    return path + "." + std::string(key) + ": unexpected (" +
                           simdjson::to_string(value) + ")";
                }
            }
            return {};
        }
        case dom::element_type::ARRAY: {
            dom::array aa = a.get_array().value_unsafe();
            dom::array ab = b.get_array().value_unsafe();
            if (aa.size() != ab.size()) {
                return path + ": array size " + std::to_string(aa.size()) + " vs " +
                       std::to_string(ab.size()) + " (got " + simdjson::to_string(b) + ")";
            }
            size_t i = 0;
            auto ib = ab.begin();
            for (dom::element ea : aa) {
                std::string d = diff(ea, *ib, path + "[" + std::to_string(i) + "]");
                if (!d.empty()) {
                    return d;
                }
                ++ib;
                ++i;
            }
            return {};
        }
        default:
            if (a.is_number()) {
                if (a.get_double().value_unsafe() != b.get_double().value_unsafe()) {
                    return path + ": " + simdjson::to_string(a) + " vs " + simdjson::to_string(b);
                }
                return {};
            }
            if (simdjson::to_string(a) != simdjson::to_string(b)) {
                return path + ": " + simdjson::to_string(a) + " vs " + simdjson::to_string(b);
            }
            return {};
    }
}

}  // namespace

std::string json_diff(std::string_view expected, std::string_view actual) {
    dom::parser pa;
    dom::parser pb;
    dom::element a;
    dom::element b;
    if (pa.parse(expected.data(), expected.size()).get(a) != simdjson::SUCCESS) {
        return "expected side is not valid JSON";
    }
    if (pb.parse(actual.data(), actual.size()).get(b) != simdjson::SUCCESS) {
        return "actual side is not valid JSON: " + std::string(actual);
    }
    return diff(a, b, "$");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::abort();
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace rg::translate::testing
