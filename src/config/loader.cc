// The load pipeline: bytes -> `${VAR}` substitution -> YAML -> schema walk -> cross checks
// -> not-implemented check -> diagnostics mapped back to the original text -> Snapshot.
// The only place that catches: yaml-cpp throws, nothing leaves this file as an exception.
#include "config/loader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "config/env_subst.h"
#include "config/not_implemented.h"
#include "config/reader.h"
#include "config/sections.h"
#include "config/validate.h"

namespace rg::config {
namespace {

using detail::Position;

// Largest config accepted, before and after substitution: real files are a few KiB; the
// bound keeps a wrong path (a log file, /dev/zero) from costing memory and time.
constexpr size_t config_bytes_max = 4 * 1024 * 1024;
// Errors reported per load: plenty to fix a file in one pass, bounded for garbage input.
constexpr size_t errors_max = 100;
// yaml-cpp skips a byte-order mark without counting it in columns; so do we.
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// Returns how many errors were found beyond those kept in `errors`.
size_t parse_and_check(const std::string& text, const LoadOptions& options, Snapshot* snapshot,
                       std::vector<Diagnostic>* errors) {
    detail::PathIndex index;
    detail::ErrorSink sink(&index, errors);
    detail::Reader reader(&index, &sink);
    try {
        std::vector<YAML::Node> documents = YAML::LoadAll(text);
        if (documents.size() > 1) {
            sink.error_at(detail::position_of(documents[1].Mark()), "",
                          "one YAML document per file: remove the second '---'");
        }
        detail::read_root(reader, documents.empty() ? YAML::Node() : documents[0], snapshot);
        detail::validate(*snapshot, sink);
        if (!options.allow_unimplemented_for_test) {
            detail::check_not_implemented(index, sink);
        }
    } catch (const YAML::Exception& e) {
        sink.error_at(detail::position_of(e.mark), "", "YAML syntax error: " + e.msg);
    } catch (const std::exception& e) {
        sink.error_at({}, "", std::string("cannot load the configuration: ") + e.what());
    }
    return sink.dropped();
}

// Sorted by position, whole-file problems (no position) first; at most errors_max of them.
void finish_errors(std::vector<Diagnostic>* errors, size_t dropped) {
    auto key = [](const Diagnostic& d) { return std::pair(d.line, d.column); };
    std::stable_sort(errors->begin(), errors->end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
    if (errors->size() > errors_max || dropped > 0) {
        size_t shown = std::min(errors->size(), errors_max);
        size_t more = errors->size() - shown + dropped;
        errors->resize(shown);
        errors->push_back(Diagnostic{0, 0, std::to_string(more) + " more errors not shown"});
    }
}

// Replaces every substituted value in `message` by "***": a value that landed where a key
// was expected (a typo like `{id: a, "${KEY}"}`) must not print the secret.
void redact(const std::vector<std::string>& values, std::string* message) {
    for (const std::string& value : values) {
        for (size_t at = message->find(value); at != std::string::npos;
             at = message->find(value, at + 3)) {
            message->replace(at, value.size(), "***");
        }
    }
}

LoadResult failure(std::string message) {
    LoadResult result;
    result.errors.push_back(Diagnostic{0, 0, std::move(message)});
    return result;
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> const char* { return std::getenv(name.c_str()); };
}

LoadResult load_string(std::string_view yaml, std::string_view source_name, const EnvLookup& env,
                       const LoadOptions& options) {
    if (yaml.substr(0, utf8_bom.size()) == utf8_bom) {
        yaml.remove_prefix(utf8_bom.size());
    }
    if (yaml.size() > config_bytes_max) {
        return failure("the file is larger than 4 MiB; is it a configuration file?");
    }
    detail::Substitution substituted = detail::substitute_env(yaml, env);
    if (substituted.text.size() > config_bytes_max) {
        return failure("the file is larger than 4 MiB after ${VAR} substitution");
    }
    LoadResult result;
    result.errors = std::move(substituted.errors);
    auto snapshot = std::make_shared<Snapshot>();
    std::vector<Diagnostic> found;
    size_t dropped = parse_and_check(substituted.text, options, snapshot.get(), &found);
    for (Diagnostic& d : found) {
        Position at{d.line, d.column};
        if (substituted.map.in_failed_replacement(at)) {
            continue;  // a consequence of a ${VAR} error already reported
        }
        at = substituted.map.to_original(at);
        redact(substituted.values, &d.message);
        result.errors.push_back(Diagnostic{at.line, at.column, std::move(d.message)});
    }
    finish_errors(&result.errors, dropped);
    if (result.errors.empty()) {
        snapshot->source = std::string(source_name);
        snapshot->generation = options.generation;
        result.snapshot = std::move(snapshot);
    }
    return result;
}

LoadResult load_file(const std::string& path, const EnvLookup& env, const LoadOptions& options) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return failure("cannot open the file: " + std::string(std::strerror(errno)));
    }
    // Read one byte past the limit to tell "at the limit" from "over it"; works for pipes
    // and /dev/stdin as well as regular files.
    std::string text(config_bytes_max + 1, '\0');
    size_t used = 0;
    while (used < text.size()) {
        ssize_t n = ::read(fd, text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int error = errno;
            ::close(fd);
            return failure("cannot read the file: " + std::string(std::strerror(error)));
        }
        if (n == 0) {
            break;
        }
        used += static_cast<size_t>(n);
    }
    ::close(fd);
    text.resize(used);
    return load_string(text, path, env, options);
}

std::string format_diagnostic(std::string_view source, const Diagnostic& d) {
    std::string out(source);
    if (d.line > 0) {
        out += ':' + std::to_string(d.line);
        if (d.column > 0) {
            out += ':' + std::to_string(d.column);
        }
    }
    out += ": error: ";
    out += d.message;
    return out;
}

}  // namespace rg::config
