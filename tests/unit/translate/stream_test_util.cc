#include "stream_test_util.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>

namespace rg::translate::test {

std::string read_stream_file(const std::string& relative) {
    const std::string path = std::string(RG_STREAM_TEST_DATA) + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> sse_stream_files() {
    return {
        "anthropic/messages_stream_error.sse",
        "anthropic/messages_text.stream.sse",
        "anthropic/messages_thinking.stream.sse",
        "anthropic/messages_tool.stream.sse",
        "anthropic/messages_tool_parallel.stream.sse",
        "gemini/generate_stream_error.sse",
        "gemini/generate_text.stream.crlf.sse",
        "gemini/generate_text.stream.sse",
        "gemini/generate_tool.stream.sse",
        "gemini/generate_tool_parallel.stream.sse",
        "openai/chat_stream_error.sse",
        "openai/chat_text.stream.sse",
        "openai/chat_tool.stream.sse",
        "openai/chat_tool_parallel.stream.sse",
        "openai/completions_text.stream.sse",
        "openai/responses_text.stream.sse",
        "openai/responses_tool.stream.sse",
    };
}

std::ostream& operator<<(std::ostream& os, const OwnedEvent& e) {
    return os << "{event=\"" << e.event << "\" data=\"" << e.data << "\" id=\"" << e.id << "\"}";
}

std::ostream& operator<<(std::ostream& os, const SseRun& r) {
    os << "SseRun{error=" << r.error << " mid_event=" << r.mid_event << " events=[";
    for (const OwnedEvent& e : r.events) {
        os << "\n  " << e;
    }
    return os << "]}";
}

std::ostream& operator<<(std::ostream& os, const ArrayRun& r) {
    os << "ArrayRun{error=" << r.error << " finished=" << r.finished
       << " mid_element=" << r.mid_element << " elements=[";
    for (const std::string& e : r.elements) {
        os << "\n  " << e;
    }
    return os << "]}";
}

std::vector<std::string> cut_at(std::string_view body, const std::vector<size_t>& cuts) {
    std::vector<std::string> pieces;
    size_t from = 0;
    for (size_t cut : cuts) {
        pieces.emplace_back(body.substr(from, cut - from));
        from = cut;
    }
    pieces.emplace_back(body.substr(from));
    return pieces;
}

std::vector<std::string> cut_every(std::string_view body, size_t piece_bytes) {
    std::vector<std::string> pieces;
    for (size_t i = 0; i < body.size(); i += piece_bytes) {
        pieces.emplace_back(body.substr(i, piece_bytes));
    }
    return pieces;
}

std::vector<std::string> cut_random(std::string_view body, uint64_t seed, size_t piece_max) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<size_t> len(0, piece_max);
    std::vector<std::string> pieces;
    for (size_t i = 0; i < body.size();) {
        const size_t n = std::min(len(rng), body.size() - i);  // empty pieces too
        pieces.emplace_back(body.substr(i, n));
        i += n;
    }
    return pieces;
}

namespace {

// Each piece lives in its own heap block, filled with garbage once the decoder is done
// with it: a view that should have been copied then shows the garbage (or ASan reports
// the read after the block is freed).
template <typename Decoder, typename Drain>
void feed_pieces(Decoder& decoder, const std::vector<std::string>& pieces, Drain drain) {
    for (const std::string& piece : pieces) {
        auto block = std::make_unique<char[]>(piece.size() + 1);
        std::copy(piece.begin(), piece.end(), block.get());
        decoder.feed(std::string_view(block.get(), piece.size()));
        const bool go_on = drain();
        std::fill(block.get(), block.get() + piece.size(), '#');
        if (!go_on) {
            return;
        }
    }
}

}  // namespace

SseRun run_sse(const std::vector<std::string>& pieces, uint32_t event_bytes_max) {
    SseDecoder decoder(event_bytes_max);
    SseRun run;
    feed_pieces(decoder, pieces, [&] {
        SseEvent e;
        SseStatus status;
        while ((status = decoder.next(&e)) == SseStatus::event) {
            run.events.push_back({std::string(e.event), std::string(e.data), std::string(e.id)});
        }
        run.error = status == SseStatus::error;
        return !run.error;
    });
    run.mid_event = decoder.mid_event();
    return run;
}

SseRun run_sse(std::string_view body, uint32_t event_bytes_max) {
    return run_sse(std::vector<std::string>{std::string(body)}, event_bytes_max);
}

ArrayRun run_array(const std::vector<std::string>& pieces, uint32_t element_bytes_max) {
    JsonArrayStreamDecoder decoder(element_bytes_max);
    ArrayRun run;
    feed_pieces(decoder, pieces, [&] {
        std::string_view e;
        ArrayStatus status;
        while ((status = decoder.next(&e)) == ArrayStatus::element) {
            run.elements.emplace_back(e);
        }
        run.error = status == ArrayStatus::error;
        return !run.error;
    });
    run.finished = decoder.finished();
    run.mid_element = decoder.mid_element();
    return run;
}

ArrayRun run_array(std::string_view body, uint32_t element_bytes_max) {
    return run_array(std::vector<std::string>{std::string(body)}, element_bytes_max);
}

SseRun reference_sse(std::string_view body) {
    if (body.substr(0, 3) == "\xEF\xBB\xBF") {
        body.remove_prefix(3);
    }
    // Lines: CRLF, LF or CR ends one. A trailing unterminated line stays pending.
    std::vector<std::string> lines;
    std::string pending;
    bool partial = false;
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\r' || c == '\n') {
            lines.push_back(pending);
            pending.clear();
            partial = false;
            if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
                ++i;
            }
        } else {
            pending.push_back(c);
            partial = true;
        }
    }
    SseRun run;
    std::string event, data, last_id;
    bool has_data = false;
    bool fields = false;
    for (const std::string& line : lines) {
        if (line.empty()) {
            if (has_data) {
                run.events.push_back({event, data, last_id});
            }
            event.clear();
            data.clear();
            has_data = false;
            fields = false;
            continue;
        }
        if (line[0] == ':') {
            continue;
        }
        fields = true;
        std::string name = line, value;
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
            name = line.substr(0, colon);
            value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') {
                value.erase(0, 1);
            }
        }
        if (name == "event") {
            event = value;
        } else if (name == "data") {
            data += has_data ? "\n" + value : value;
            has_data = true;
        } else if (name == "id" && value.find('\0') == std::string::npos) {
            last_id = value;
        }
    }
    run.mid_event = partial || fields;
    return run;
}

}  // namespace rg::translate::test
