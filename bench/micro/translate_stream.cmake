# Stream framing (SSE decoder/encoder, Gemini JSON-array decoder, sentinels): time, MB/s
# and allocations per event. Included from bench/CMakeLists.txt, so this file's own
# directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(translate_stream_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/translate_stream.cc
  DEPS rg_translate)
