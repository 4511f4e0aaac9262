# Key selection: ns and allocations per pick (+ started/finished) for each strategy and key
# count, alone and with two threads on one shared table, and the first pick after an epoch
# change. Included from bench/CMakeLists.txt, so this file's own directory is
# CMAKE_CURRENT_LIST_DIR.
rg_bench(keys_pick_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/keys_pick_bench.cc DEPS rg_keys)
