# Stream translator tests: golden transcripts under tests/data/translate_stream (inputs from
# tests/data/streams), validity checks per client format, cuts at every byte.
add_library(rg_translate_stream_check STATIC ${CMAKE_CURRENT_LIST_DIR}/stream_translate_check.cc
  ${CMAKE_CURRENT_LIST_DIR}/stream_translate_check_responses.cc)
target_compile_options(rg_translate_stream_check PRIVATE ${RG_WARNINGS})
target_link_libraries(rg_translate_stream_check PUBLIC rg_translate_stream_test_util
  simdjson::simdjson)
target_include_directories(rg_translate_stream_check PUBLIC ${CMAKE_CURRENT_LIST_DIR})

rg_test(translate_stream_translate_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/stream_translate_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/stream_translate_responses_test.cc
  DEPS rg_translate_stream_check)

# Allocation counting wraps malloc and replaces operator new, which the sanitizers'
# allocator owns: built only where it can run, as stream_tests.cmake does.
if(NOT RG_SANITIZE AND NOT RG_TSAN AND NOT RG_FUZZ)
  rg_test(translate_stream_translate_alloc_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/stream_translate_no_alloc_test.cc
    DEPS rg_translate_stream_test_util rg_alloc_counter)
endif()
