# Stream translators: arbitrary upstream bytes for the 12 cross-format pairs of OpenAI chat,
# Responses, Anthropic and Gemini (see stream_translate_fuzz.cc); outputs checked with the
# unit tests' validator.
rg_fuzz_target(stream_translate SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/stream_translate_fuzz.cc
  DEPS rg_translate rg_translate_stream_check)
