# HTTP request parser: arbitrary bytes cut at arbitrary points (see request_parser_fuzz.cc).
rg_fuzz_target(request_parser SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/request_parser_fuzz.cc
  DEPS rg_http)
