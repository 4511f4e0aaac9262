# Stream framing tests: SSE decoder/encoder, Gemini's JSON-array stream, stream sentinels.
# Golden inputs live in tests/data/streams (copies of the wire-format fixtures).
add_library(rg_translate_stream_test_util STATIC ${CMAKE_CURRENT_LIST_DIR}/stream_test_util.cc)
target_compile_options(rg_translate_stream_test_util PRIVATE ${RG_WARNINGS})
target_link_libraries(rg_translate_stream_test_util PUBLIC rg_translate)
target_compile_definitions(rg_translate_stream_test_util PRIVATE
  RG_STREAM_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data/streams")

rg_test(translate_stream_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/json_array_stream_decoder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sse_decoder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sse_encoder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/stream_fixtures_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/stream_sentinel_test.cc
  DEPS rg_translate_stream_test_util simdjson::simdjson)

# Allocation counting wraps malloc and replaces operator new, which the sanitizers'
# allocator owns: the test is built only where it can run, as tests/unit/proxy does.
if(NOT RG_SANITIZE AND NOT RG_TSAN AND NOT RG_FUZZ)
  rg_test(translate_stream_alloc_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/stream_no_alloc_test.cc
    DEPS rg_translate_stream_test_util rg_alloc_counter)
endif()
