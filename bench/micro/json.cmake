# JSON request scan and model rewrite: ns and allocations per request body. Included from
# bench/CMakeLists.txt, so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(json_scan_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/json_scan_bench.cc DEPS rg_json)
