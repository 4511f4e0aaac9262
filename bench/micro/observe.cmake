# observe: ns and allocations per labelled counter increment, histogram observation and
# series lookup on a worker; scrape time for 10k series over 2 workers; ns per access
# record enqueue (slot copy) and per JSON line formatted by the writer. Included from
# bench/CMakeLists.txt, so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(observe_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/observe_bench.cc DEPS rg_observe)
