# Every third-party dependency is resolved here; the rest of the build sees
# targets only. Debian packages: see scripts/setup.sh.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(TS REQUIRED IMPORTED_TARGET tree-sitter)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
find_package(Threads REQUIRED)

# libclang: Debian ships it under /usr/lib/llvm-N; take the newest present.
if(NOT Clang_DIR)
  file(GLOB _scl_clang_dirs LIST_DIRECTORIES true "/usr/lib/llvm-*/lib/cmake/clang")
  if(_scl_clang_dirs)
    list(SORT _scl_clang_dirs COMPARE NATURAL ORDER DESCENDING)
    list(GET _scl_clang_dirs 0 Clang_DIR)
  endif()
endif()
find_package(Clang CONFIG REQUIRED)
add_library(scalint_clang INTERFACE)   # the libclang target carries no include dir on Debian
target_link_libraries(scalint_clang INTERFACE libclang)
target_include_directories(scalint_clang SYSTEM INTERFACE ${CLANG_INCLUDE_DIRS})

if(SCALINT_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()

# The tree-sitter grammars fetched by scripts/setup.sh (pinned npm versions,
# integrity checked). Generated C, so warnings are off and includes SYSTEM.
set(_scl_grammars python javascript typescript tsx)
set(_scl_grammar_srcs)
foreach(g IN LISTS _scl_grammars)
  set(_d "${SCALINT_GRAMMAR_DIR}/${g}/src")
  if(NOT EXISTS "${_d}/parser.c")
    message(FATAL_ERROR "tree-sitter grammar '${g}' not found in ${_d}: run scripts/setup.sh first")
  endif()
  list(APPEND _scl_grammar_srcs "${_d}/parser.c" "${_d}/scanner.c")
endforeach()
add_library(scalint_grammars STATIC ${_scl_grammar_srcs})
set_target_properties(scalint_grammars PROPERTIES C_STANDARD 11 C_EXTENSIONS ON
                      POSITION_INDEPENDENT_CODE ON)
target_compile_options(scalint_grammars PRIVATE -w -O2)
target_include_directories(scalint_grammars SYSTEM PRIVATE
  "${SCALINT_GRAMMAR_DIR}/python/src")
# typescript and tsx share common/scanner.h; each scanner.c includes it relatively
target_link_libraries(scalint_grammars PRIVATE PkgConfig::TS)
