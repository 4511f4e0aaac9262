// Helpers for the log tests: a temporary directory, file lines, a JSON line parser.
#pragma once

#include <simdjson.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rg::observe::test {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/rg_observe_XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

// Parses one line as a JSON object; false when it is not valid JSON (UTF-8 included).
inline bool parse_object(simdjson::dom::parser& parser, const std::string& line,
                         simdjson::dom::object* out) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
        return false;
    }
    return doc.get_object().get(*out) == simdjson::SUCCESS;
}

inline std::string get_string(simdjson::dom::object& o, const char* key) {
    std::string_view v;
    if (o[key].get_string().get(v) != simdjson::SUCCESS) {
        return "<missing>";
    }
    return std::string(v);
}

inline uint64_t get_u64(simdjson::dom::object& o, const char* key) {
    uint64_t v = 0;
    if (o[key].get_uint64().get(v) != simdjson::SUCCESS) {
        return UINT64_MAX;
    }
    return v;
}

}  // namespace rg::observe::test
