# Request and answer translation between the API formats: ns, allocations and MB/s per
# translation. Included from bench/CMakeLists.txt (CMAKE_CURRENT_LIST_DIR is this folder).
rg_bench(translate_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/translate.cc DEPS rg_translate)
