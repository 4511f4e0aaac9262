# Upstream failure classification and retry/rate-limit hints: arbitrary status, headers
# and error body (see classify_fuzz.cc).
rg_fuzz_target(classify SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/classify_fuzz.cc DEPS rg_keys)
