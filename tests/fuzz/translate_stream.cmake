# Stream framing: arbitrary bytes cut at arbitrary points (see sse_decoder_fuzz.cc and
# json_array_stream_fuzz.cc).
rg_fuzz_target(sse_decoder SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/sse_decoder_fuzz.cc
  DEPS rg_translate)
rg_fuzz_target(json_array_stream SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/json_array_stream_fuzz.cc
  DEPS rg_translate)
