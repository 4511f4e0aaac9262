# rg_library(NAME SOURCES ... DEPS ... [EXCEPTIONS])
# One CMake library per src/ module, named rg_<NAME>, with its allowed dependencies spelled
# out. Data-path modules build without exceptions and RTTI; a control-plane module that
# wraps a throwing library opts in with EXCEPTIONS.
function(rg_library name)
  cmake_parse_arguments(ARG "EXCEPTIONS" "" "SOURCES;DEPS" ${ARGN})
  add_library(rg_${name} STATIC ${ARG_SOURCES})
  target_include_directories(rg_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(rg_${name} PRIVATE ${RG_WARNINGS})
  if(NOT ARG_EXCEPTIONS)
    target_compile_options(rg_${name} PRIVATE -fno-exceptions -fno-rtti)
  endif()
  target_link_libraries(rg_${name} PUBLIC ${ARG_DEPS})
endfunction()
