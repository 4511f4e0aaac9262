# Upstream live addresses: the cost of picking a connect address on a shard (unchanged set,
# after a publish, under a writer publishing in a loop). Included from bench/CMakeLists.txt,
# so this file's own directory is CMAKE_CURRENT_LIST_DIR.
rg_bench(upstream_address_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/upstream_address_bench.cc
  DEPS rg_upstream)
