# Translator request parsing and emission: arbitrary bytes (see translate_request_fuzz.cc).
rg_fuzz_target(translate_request SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/translate_request_fuzz.cc
  DEPS rg_translate)
