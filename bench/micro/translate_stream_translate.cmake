# Stream translation between the API formats (OpenAI chat <-> Anthropic, Gemini <-> OpenAI
# chat, the Responses API both ways): time, MB/s and allocations per upstream event.
# Included from bench/CMakeLists.txt.
rg_bench(translate_stream_translate_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/translate_stream_translate.cc DEPS rg_translate)
