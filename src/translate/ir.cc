#include "translate/ir.h"

namespace rg::translate {

std::string_view format_name(Format format) {
    switch (format) {
        case Format::openai_chat:
            return "openai_chat";
        case Format::openai_responses:
            return "openai_responses";
        case Format::anthropic:
            return "anthropic";
        case Format::gemini:
            return "gemini";
    }
    return "unknown";
}

void Request::clear() {
    // Vectors are cleared, never shrunk: a reused Request keeps its capacity.
    std::vector<std::string_view> system_keep = std::move(system);
    std::vector<Message> messages_keep = std::move(messages);
    std::vector<Block> blocks_keep = std::move(blocks);
    std::vector<Tool> tools_keep = std::move(tools);
    std::vector<std::string_view> stop_keep = std::move(stop);
    *this = Request();
    system = std::move(system_keep);
    messages = std::move(messages_keep);
    blocks = std::move(blocks_keep);
    tools = std::move(tools_keep);
    stop = std::move(stop_keep);
    system.clear();
    messages.clear();
    blocks.clear();
    tools.clear();
    stop.clear();
}

void Response::clear() {
    std::vector<Block> blocks_keep = std::move(blocks);
    *this = Response();
    blocks = std::move(blocks_keep);
    blocks.clear();
}

}  // namespace rg::translate
