/*
 * fuzz_frontend_javascript.c - libFuzzer target: arbitrary bytes as a .js file,
 * through the front-end, the engine with every built-in rule and the link
 * stage, as a scan would take them (fuzz_common.c).
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_builtin_rules();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_scan_bytes(fuzz_builtin_rules(), SCL_LANG_JS, "fuzz/input.js", data, size);
  return 0;
}
