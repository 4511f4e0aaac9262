# Translator tests: golden transcripts under tests/data/translate, unit tests of the rules,
# and (without sanitizers, see tests/unit/proxy) the allocation test.
set(translate_test_sources
  ${CMAKE_CURRENT_LIST_DIR}/error_translate_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/golden_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_equal.cc
  ${CMAKE_CURRENT_LIST_DIR}/translate_test.cc)
rg_test(translate_test SOURCES ${translate_test_sources} DEPS rg_translate)
target_compile_definitions(translate_test PRIVATE
  RG_TRANSLATE_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data/translate"
  RG_SPEC_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/data/translate/fixtures")
# Allocation counting replaces operator new, which the sanitizers' allocator owns: built
# only where it can run.
if(NOT RG_SANITIZE AND NOT RG_TSAN AND NOT RG_FUZZ)
  rg_test(translate_no_alloc_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/no_alloc_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/json_equal.cc DEPS rg_translate rg_alloc_counter)
  target_compile_definitions(translate_no_alloc_test PRIVATE
    RG_TRANSLATE_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data/translate")
endif()
