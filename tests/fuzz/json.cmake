# JSON request scan and model rewrite: arbitrary bytes (see json_scan_fuzz.cc).
rg_fuzz_target(json_scan SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/json_scan_fuzz.cc DEPS rg_json)
