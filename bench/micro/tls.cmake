# TLS engine: full and resumed in-memory handshakes, bulk 16 KiB records. Included from
# bench/CMakeLists.txt, so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(tls_handshake_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_handshake_bench.cc DEPS rg_tls)
