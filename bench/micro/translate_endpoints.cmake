# Embeddings answers across formats (the large bodies of the translators with their own
# entry points): ns, allocations and MB/s per answer.
rg_bench(translate_endpoints_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/translate_endpoints.cc
  DEPS rg_translate)
