# Upstream failure classification and hint parsing: ns and allocations per answer. Included
# from bench/CMakeLists.txt, so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(keys_classify_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/keys_classify_bench.cc
  DEPS rg_keys)
