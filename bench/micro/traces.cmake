# Request traces: ns and allocations per trace pushed by a worker (0 allocs/op), JSON per
# record, and records/s through the trace thread (spool only, and spool + SQLite).
# Included from bench/CMakeLists.txt.
rg_bench(traces_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/traces_bench.cc DEPS rg_proxy rg_traces)
