#include "config/path_index.h"

namespace rg::config::detail {

const PathIndex::Entry* PathIndex::find(std::string_view path) const {
    auto it = entries_.find(std::string(path));
    return it == entries_.end() ? nullptr : &it->second;
}

Position PathIndex::locate(std::string_view path) const {
    while (!path.empty()) {
        if (const Entry* entry = find(path)) {
            return entry->value;
        }
        path = parent_path(path);
    }
    return {};
}

std::string_view parent_path(std::string_view path) {
    size_t cut = path.find_last_of(".[");
    return cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
}

std::string child_path(std::string_view parent, std::string_view key) {
    std::string out(parent);
    if (!out.empty()) {
        out += '.';
    }
    out += key;
    return out;
}

std::string item_path(std::string_view list, size_t index) {
    std::string out(list);
    out += '[';
    out += std::to_string(index);
    out += ']';
    return out;
}

void ErrorSink::error(std::string_view path, std::string_view message) {
    error_at(index_->locate(path), path, message);
}

void ErrorSink::error_at(Position at, std::string_view path, std::string_view message) {
    if (out_->size() >= kept_max && at.line != 0) {
        ++dropped_;
        return;
    }
    std::string text(path);
    if (!text.empty()) {
        text += ": ";
    }
    text += message;
    out_->push_back(Diagnostic{at.line, at.column, std::move(text)});
}

}  // namespace rg::config::detail
