/*
 * fuzz_common.h - what the libFuzzer entry points in tests/fuzz/ share: the
 * one-time set-up of the front-ends and the built-in rules, and a helper
 * that parses bytes as one language and runs the engine and the link stage
 * on the tree exactly as a scan does (run.c's scan_one), minus the file I/O.
 *
 * Every entry point must leave no state behind between inputs except what
 * its initialiser built once; memory of one input is reset before the next.
 */
#ifndef SCL_TESTS_FUZZ_COMMON_H
#define SCL_TESTS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "syntax/lang.h"
#include "syntax/tree.h"
#include "util/arena.h"

/* libFuzzer's interface (also called by standalone.c). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Initialises the front-ends once; aborts with a message if they fail
 * (a broken build, not a finding). */
void fuzz_init_frontends(void);

/* A ruleset with every built-in rule, compiled; built once, never freed. */
const scl_ruleset *fuzz_builtin_rules(void);

/*
 * Parses data (size bytes, copied into a NUL-terminated buffer, as
 * scl_discover_read() hands files to the front-ends) as lang under the name
 * path, then, when a tree came out, scans it with rs and links the file's
 * summary. Every outcome a real file can have is acceptable; only crashes,
 * sanitizer reports and hangs are findings.
 */
void fuzz_scan_bytes(const scl_ruleset *rs, scl_lang lang, const char *path, const uint8_t *data,
                     size_t size);

/* Parses text (NUL-terminated, borrowed: it must outlive the tree) as lang
 * into out, nodes in arena; 0 on success. For trees built once at start-up. */
int fuzz_parse_text(scl_tree *out, scl_lang lang, const char *path, const char *text,
                    scl_arena *arena);

/* Scans tree with rs and links the file's summary, as fuzz_scan_bytes does
 * after parsing; findings and scratch memory are reset per call. */
void fuzz_scan_tree(const scl_ruleset *rs, const scl_tree *tree, scl_lang lang, const char *path);

#endif
