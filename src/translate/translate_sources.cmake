# Translator sources: the canonical IR and, per format, request and answer parsers and
# emitters (README.md). The stream framing lists its own files in stream_sources.cmake.
set(RG_TRANSLATE_SOURCES
  anthropic_emit.cc
  anthropic_request.cc
  anthropic_response.cc
  arena.cc
  common.cc
  completions.cc
  count_tokens.cc
  embeddings.cc
  error_translate.cc
  gemini_emit.cc
  gemini_request.cc
  gemini_response.cc
  ir.cc
  json_array_framer.cc
  json_read.cc
  openai_chat_emit.cc
  openai_chat_request.cc
  openai_chat_response.cc
  responses_emit.cc
  responses_request.cc
  request_common.cc
  responses_response.cc
  schema.cc
  translate.cc)
