# scalint_warnings(<target>): the project's warning set, per target.
function(scalint_warnings tgt)
  target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wno-unused-parameter)
  if(SCALINT_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
  target_compile_definitions(${tgt} PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
  if(SCALINT_DEBUG_ARENA)
    target_compile_definitions(${tgt} PRIVATE SCALINT_DEBUG_ARENA)
  endif()
endfunction()
