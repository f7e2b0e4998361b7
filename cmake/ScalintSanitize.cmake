# SCALINT_SANITIZE=address,undefined builds everything (ours and the grammars)
# with those sanitizers; UBSan findings abort so tests fail on them.
if(SCALINT_SANITIZE)
  add_compile_options(-fsanitize=${SCALINT_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SCALINT_SANITIZE})
endif()
