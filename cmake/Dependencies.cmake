# Imports every external library from Debian's packages (tools/setup.sh installs them).
# Nothing is vendored or downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(SQLite3 REQUIRED)

if(RG_USE_MIMALLOC)
  find_package(mimalloc CONFIG REQUIRED)
endif()

# BoringSSL from android-libboringssl-dev: headers under /usr/include/android, shared libs
# under .../android with no loader path, hence the RUNPATH. Never find_package(OpenSSL):
# OpenSSL 3 and BoringSSL must not share a process (shared/notes/platform.md section 3).
find_path(BORINGSSL_INCLUDE_DIR openssl/base.h PATHS /usr/include/android NO_DEFAULT_PATH REQUIRED)
find_library(BORINGSSL_SSL_LIBRARY NAMES ssl
  PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android NO_DEFAULT_PATH REQUIRED)
find_library(BORINGSSL_CRYPTO_LIBRARY NAMES crypto
  PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android NO_DEFAULT_PATH REQUIRED)
add_library(BoringSSL::crypto SHARED IMPORTED)
set_target_properties(BoringSSL::crypto PROPERTIES IMPORTED_LOCATION ${BORINGSSL_CRYPTO_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR})
add_library(BoringSSL::ssl SHARED IMPORTED)
set_target_properties(BoringSSL::ssl PROPERTIES IMPORTED_LOCATION ${BORINGSSL_SSL_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR} INTERFACE_LINK_LIBRARIES BoringSSL::crypto)

# llhttp: Debian's node-llhttp ships the generated C sources, not a library.
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp NO_DEFAULT_PATH REQUIRED)
find_path(LLHTTP_SOURCE_DIR llhttp.c PATHS /usr/share/llhttp NO_DEFAULT_PATH REQUIRED)
add_library(llhttp STATIC ${LLHTTP_SOURCE_DIR}/llhttp.c ${LLHTTP_SOURCE_DIR}/api.c
  ${LLHTTP_SOURCE_DIR}/http.c)
target_include_directories(llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
set_target_properties(llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
# Strict mode (llhttp 8.x compiles both state machines and picks one with this macro): it
# rejects bare LF after chunk data, tabs and bytes >= 0x80 in the target, spaces before the
# colon and data after "Connection: close". PUBLIC so every includer sees the same value.
target_compile_definitions(llhttp PUBLIC LLHTTP_STRICT_MODE=1)

if(RG_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(RG_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
