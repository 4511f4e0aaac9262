# Client key admission: ns and allocations per authenticate + admit + settle, on one thread
# and on two threads sharing one key or using one key each; the pieces alone (SHA-256 +
# lookup, admit + settle, token estimate). Included from bench/CMakeLists.txt.
rg_bench(limits_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/limits_bench.cc DEPS rg_limits)
