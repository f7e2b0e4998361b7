/*
 * fuzz_common.c - set-up and the parse-scan-link helper shared by the
 * fuzz targets (contract in fuzz_common.h).
 *
 * Must not print except on a set-up failure, and must not touch the file
 * system per input: the C front-end is given an in-memory buffer under a
 * path in a directory that holds no compile_commands.json.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"
#include "link/link.h"
#include "util/arena.h"

static scl_frontend *frontend;
static scl_ruleset *builtin;

/* Per-input memory, reset (not freed) between inputs so the fuzzer's own
 * leak check sees a steady state. */
static scl_arena tree_arena, scratch, out_arena;

static void die(const char *what, const scl_diag *d)
{
  fprintf(stderr, "fuzz set-up: %s: %s\n", what, d ? d->msg : "");
  abort();
}

static void report_rule_error(const scl_diag *d, void *payload)
{
  (void)payload;
  fprintf(stderr, "built-in rule error: %s:%u:%u: %s\n", d->path, d->line, d->col, d->msg);
}

void fuzz_init_frontends(void)
{
  scl_diag d;
  static int ready;

  if (ready)
    return;
  scl_diag_clear(&d);
  if (scl_frontends_init(&d) != SCL_OK)
    die("scl_frontends_init", &d);
  if (scl_frontend_new(&frontend, &d) != SCL_OK)
    die("scl_frontend_new", &d);
  scl_arena_init(&tree_arena);
  scl_arena_init(&scratch);
  scl_arena_init(&out_arena);
  ready = 1;
}

const scl_ruleset *fuzz_builtin_rules(void)
{
  scl_diag d;

  if (builtin)
    return builtin;
  fuzz_init_frontends();
  scl_diag_clear(&d);
  if (scl_ruleset_new(&builtin, &d) != SCL_OK)
    die("scl_ruleset_new", &d);
  /* a rule file being edited in the tree must not stop fuzzing the others:
   * the loader keeps every rule that loaded, so go on with those */
  if (scl_ruleset_add_builtin(builtin, report_rule_error, NULL, &d) != SCL_OK)
    fprintf(stderr, "fuzz set-up: some built-in rules did not load; fuzzing with the rest\n");
  if (scl_ruleset_compile(builtin, report_rule_error, NULL, &d) != SCL_OK)
    die("the built-in rules do not compile", &d);
  return builtin;
}

int fuzz_parse_text(scl_tree *out, scl_lang lang, const char *path, const char *text,
                    scl_arena *arena)
{
  scl_diag d;

  fuzz_init_frontends();
  scl_diag_clear(&d);
  return scl_frontend_parse(out, frontend, lang, path, text, strlen(text), arena, &d) == SCL_OK
           ? 0
           : -1;
}

void fuzz_scan_tree(const scl_ruleset *rs, const scl_tree *tree, scl_lang lang, const char *path)
{
  scl_finding_vec findings = { 0 };
  scl_notice_vec notices = { 0 };
  scl_file_summary sum;
  scl_link_result lr;
  scl_diag d;

  scl_diag_clear(&d);
  scl_arena_reset(&scratch);
  scl_arena_reset(&out_arena);
  if (scl_engine_scan(&findings, &notices, &sum, &out_arena, rs, tree, lang, path, &scratch,
                      &d) == SCL_OK) {
    /* pass 2 on this one file: its deferred findings meet its own calls */
    const scl_file_summary *sums[1] = { &sum };
    memset(&lr, 0, sizeof(lr));
    scl_link(&lr, &out_arena, sums, 1, NULL);
    scl_link_result_dispose(&lr);
  }
  free(findings.items);
  free(notices.items);
}

void fuzz_scan_bytes(const scl_ruleset *rs, scl_lang lang, const char *path, const uint8_t *data,
                     size_t size)
{
  scl_tree tree;
  scl_diag d;
  char *buf;

  fuzz_init_frontends();
  buf = malloc(size + 1);
  if (!buf)
    abort();
  if (size)
    memcpy(buf, data, size);
  buf[size] = '\0';
  scl_diag_clear(&d);
  scl_arena_reset(&tree_arena);
  if (scl_frontend_parse(&tree, frontend, lang, path, buf, size, &tree_arena, &d) == SCL_OK)
    fuzz_scan_tree(rs, &tree, lang, path);
  free(buf);
}
