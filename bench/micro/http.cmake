# HTTP parser and response writer: ns, allocations and bytes per request. Included from
# bench/CMakeLists.txt, so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(http_parser_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/http_parser_bench.cc DEPS rg_http)
