// JSON-lines helpers for the log and health integration tests: wait for log lines written by
// the gateway's writer thread (bounded polling, never a fixed sleep) and read them as JSON
// objects with simdjson. Test-only.
#pragma once

#include <simdjson.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/process.h"

namespace rg::test {

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            break;  // a partial last line is still being written
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// A parsed JSON object that owns its parser (one per line; tests are not hot).
class JsonObject {
  public:
    bool parse(const std::string& text) {
        text_ = text;
        simdjson::dom::element doc;
        if (parser_.parse(text_).get(doc) != simdjson::SUCCESS) {
            return false;
        }
        return doc.get_object().get(object_) == simdjson::SUCCESS;
    }
    std::string str(const char* key) {
        std::string_view v;
        return object_[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : "<missing>";
    }
    // -1 when absent or not an unsigned integer.
    long long num(const char* key) {
        uint64_t v = 0;
        return object_[key].get_uint64().get(v) == simdjson::SUCCESS ? static_cast<long long>(v)
                                                                     : -1;
    }
    simdjson::dom::object& object() { return object_; }
    const std::string& text() const { return text_; }

  private:
    std::string text_;
    simdjson::dom::parser parser_;
    simdjson::dom::object object_;
};

// Waits (up to 5 s) until `file` has a line for which `match` holds; returns it or "".
inline std::string wait_line(const std::string& file,
                             const std::function<bool(const std::string&)>& match,
                             int timeout_ms = 5000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    do {
        for (const std::string& line : split_lines(read_file(file))) {
            if (match(line)) {
                return line;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval only
    } while (std::chrono::steady_clock::now() < deadline);
    return "";
}

inline bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

}  // namespace rg::test
