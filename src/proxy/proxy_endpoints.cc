// ProxyHandler, the routes that have translators of their own: embeddings (OpenAI <->
// Gemini), token counts (Anthropic <-> Gemini; toward OpenAI, which has no count endpoint,
// the gateway's local estimate) and legacy Completions (toward Anthropic and Gemini); and
// translated streams whose client framing differs from the translator's (Gemini's JSON
// array, Completions chunks). Shard-local, as the rest of ProxyHandler.
#include "base/clock.h"
#include "limits/token_estimate.h"
#include "proxy/proxy_handler.h"
#include "translate/count_tokens.h"
#include "translate/sse_encoder.h"

namespace rg::proxy {

bool endpoint_translatable(Route route, const keys::ProviderOptions& o) {
    switch (route) {
        case Route::embeddings:
        case Route::anthropic_count_tokens:
            return o.type == keys::ProviderType::gemini;
        case Route::gemini_embed:
        case Route::gemini_batch_embed:
            // OpenAI's full API (and a chat_only server) serves embeddings; an
            // `api: responses` upstream may not.
            return o.type == keys::ProviderType::openai && o.api != keys::Api::responses;
        case Route::gemini_count_tokens:
            return o.type == keys::ProviderType::anthropic;
        case Route::completions:
            return o.type == keys::ProviderType::anthropic || o.type == keys::ProviderType::gemini;
        default:
            return false;
    }
}

bool ProxyHandler::build_endpoint_body(Exchange* x, std::string_view upstream_model) {
    Result<void> r = ok_result();
    if (!x->ir_parsed) {
        // The client's body, parsed once per request (a retry on another key re-emits it).
        x->request_arena.reset();
        if (is_embeddings_route(x->route)) {
            r = translate::parse_embed_request(x->client_format, x->body.view(),
                                               x->route == Route::gemini_batch_embed,
                                               x->request_arena, &x->embed);
        } else if (is_count_tokens_route(x->route)) {
            r = translate::parse_count_request(x->client_format, x->body.view(), x->scan.model(),
                                               x->request_arena, &x->ir);
        } else {
            r = translate::parse_completions_request(x->body.view(), x->request_arena, &x->ir);
        }
        x->ir_parsed = r.ok();
    }
    if (r.ok() && is_embeddings_route(x->route)) {
        r = translate::emit_embed_request(x->upstream_format, x->embed, upstream_model, scratch_);
    } else if (r.ok() && is_count_tokens_route(x->route)) {
        // The emitted body is re-read to cut it down: in the idle response Arena, since the
        // IR's views live in the request Arena's document.
        x->response_arena.reset();
        r = translate::emit_count_request(x->upstream_format, x->ir, upstream_model,
                                          x->response_arena, x->translated_out, scratch_);
    } else if (r.ok()) {
        translate::EmitOptions eo;
        eo.model = upstream_model;
        r = translate::emit_request(x->upstream_format, x->ir, eo, x->request_arena, scratch_);
    }
    if (!r.ok()) {
        x->request.clear();
        x->translate_error = r.error().context;
        return false;
    }
    return true;
}

void ProxyHandler::complete_endpoint(Exchange* x, bool reusable) {
    x->response.set_body_sink(nullptr, 0);
    x->response_arena.reset();
    scratch_.clear();
    Result<void> r = ok_result();
    if (x->response.body_truncated()) {
        ++stats_.upstream_errors;
        fail(x, ErrorKind::upstream_error, "The upstream's answer is too large to translate");
        return;
    }
    if (is_embeddings_route(x->route)) {
        r = translate::parse_embed_response(x->upstream_format, x->decoded.view(), x->embed,
                                            x->response_arena, &x->embed_response);
        // Gemini reports no tokens for embeddings: the gateway's estimate of the inputs
        // (limits/token_estimate.h) is reported and billed instead.
        uint64_t estimate = 0;
        for (std::string_view input : x->embed.inputs) {
            estimate += limits::estimate_tokens_from_text_bytes(input.size());
        }
        translate::EmbedAnswerOptions o;
        o.model = x->served_model;
        o.prompt_tokens_estimate = estimate;
        if (r.ok()) {
            r = translate::emit_embed_response(x->client_format, x->embed, x->embed_response, o,
                                               scratch_);
            x->usage = translate::Usage{};
            x->usage.input =
                x->embed_response.has_usage ? x->embed_response.prompt_tokens : estimate;
            x->usage_known = true;
        }
    } else if (is_count_tokens_route(x->route)) {
        // Counting is free at the providers: nothing is billed (usage stays unknown).
        uint64_t tokens = 0;
        r = translate::parse_count_response(x->upstream_format, x->decoded.view(),
                                            x->response_arena, &tokens);
        if (r.ok()) {
            translate::emit_count_response(x->client_format, tokens, scratch_);
        }
    } else {
        r = translate::parse_response(x->upstream_format, x->decoded.view(), x->response_arena,
                                      &x->ir_response);
        char token[sizeof(x->request_id)];
        translate::ResponseOptions ro;
        ro.model = x->served_model;
        ro.id_token = x->id_token(token);
        ro.created_s = static_cast<int64_t>(wall_ms() / 1000);
        if (r.ok()) {
            r = translate::emit_completions_response(x->ir_response, ro, x->response_arena,
                                                     scratch_);
        }
        if (r.ok() && x->ir_response.has_usage) {
            x->usage = x->ir_response.usage;
            x->usage_known = true;
        }
    }
    if (!r.ok()) {
        ++stats_.upstream_errors;
        x->usage_known = false;
        fail(x, ErrorKind::upstream_error, "The upstream's answer could not be translated");
        return;
    }
    end_attempt(x, true);
    if (x->up != nullptr) {
        pool_.release(x->up, reusable);
        x->up = nullptr;
    }
    answer_local(x, x->status, "application/json", scratch_.view(), false);
}

bool ProxyHandler::count_locally(Exchange* x, const Resolution& r) {
    const Config& cfg = *x->cfg;
    for (const ResolvedTarget& t : r.target_list()) {
        if (cfg.providers[t.provider].options->type != keys::ProviderType::openai) {
            continue;
        }
        // OpenAI has no count endpoint: the gateway's estimate over the request's strings
        // (about four bytes a token), the same one its token limits use. It is an estimate,
        // not the model's tokenizer.
        uint64_t tokens = limits::estimate_input_tokens(x->body.view());
        scratch_.clear();
        translate::emit_count_response(x->client_format, tokens, scratch_);
        answer_local(x, 200, "application/json", scratch_.view(), false);
        return true;
    }
    return false;
}

void ProxyHandler::start_reframe(Exchange* x) {
    x->reframe = Reframe::none;
    if (x->client_format == translate::Format::gemini && !x->gemini_sse) {
        x->reframe = Reframe::gemini_array;
        x->array_framer.reset();
    } else if (x->route == Route::completions) {
        x->reframe = Reframe::completions;
        x->completions_framer.reset();
    }
}

void ProxyHandler::reframe_out(Exchange* x) {
    if (x->reframe == Reframe::none || x->translated_out.empty()) {
        return;
    }
    x->reframed.clear();
    if (x->reframe == Reframe::gemini_array) {
        x->array_framer.feed(x->translated_out.view(), x->reframed);
    } else {
        // The response Arena is idle while a stream flows: scratch for each chunk's parse.
        x->completions_framer.feed(x->translated_out.view(), x->response_arena, x->reframed);
    }
    std::swap(x->translated_out, x->reframed);
}

void ProxyHandler::finish_reframe(Exchange* x) {
    reframe_out(x);
    if (x->reframe == Reframe::gemini_array) {
        x->array_framer.finish(x->translated_out);
    }
}

void ProxyHandler::write_stream_failure(Exchange* x, int status, ErrorKind kind,
                                        std::string_view message, ByteBuffer& out,
                                        const ErrorExtras& extras) {
    if (x->reframe != Reframe::gemini_array) {
        write_stream_error(x->format, status, kind, message, out, extras);
        return;
    }
    // The array's next element is the error object, then the array is closed: a client's
    // JSON parser reads the whole body and finds the error last (as Google sends it).
    x->reframed.clear();
    write_error(x->format, status, kind, message, x->reframed, extras);
    x->array_framer.append_element(x->reframed.view(), out);
    x->array_framer.finish(out);
}

}  // namespace rg::proxy
