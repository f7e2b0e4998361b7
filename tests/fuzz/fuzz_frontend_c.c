/*
 * fuzz_frontend_c.c - libFuzzer target: arbitrary bytes as a .c file,
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
  /* an absolute path in a directory that does not exist: libclang reads the
   * in-memory buffer and finds no compile_commands.json above it */
  fuzz_scan_bytes(fuzz_builtin_rules(), SCL_LANG_C, "/nonexistent-scalint-fuzz/input.c", data,
                  size);
  return 0;
}
