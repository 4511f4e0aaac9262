# Embeddings, token counts, legacy completions and the Gemini JSON-array framer: golden
# transcripts under tests/data/translate/endpoints and the stream re-framers.
rg_test(translate_endpoints_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/endpoints_test.cc ${CMAKE_CURRENT_LIST_DIR}/json_equal.cc
  DEPS rg_translate)
target_compile_definitions(translate_endpoints_test PRIVATE
  RG_TRANSLATE_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data/translate")
# Allocation counting replaces operator new, which the sanitizers' allocator owns.
if(NOT RG_SANITIZE AND NOT RG_TSAN AND NOT RG_FUZZ)
  rg_test(translate_endpoints_no_alloc_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/endpoints_no_alloc_test.cc
      ${CMAKE_CURRENT_LIST_DIR}/json_equal.cc
    DEPS rg_translate rg_alloc_counter)
  target_compile_definitions(translate_endpoints_no_alloc_test PRIVATE
    RG_TRANSLATE_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data/translate")
endif()
