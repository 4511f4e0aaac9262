# Embeddings, token counts, legacy completions and the stream re-framers: arbitrary bytes
# (see translate_endpoints_fuzz.cc).
rg_fuzz_target(translate_endpoints
  SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/translate_endpoints_fuzz.cc
  DEPS rg_translate simdjson::simdjson)
