/*
 * suppress.c - the suppress stage's entry point and shared helpers.
 *
 * scl_suppress_apply() runs the steps in their fixed order (inline comments,
 * unused suppressions, baseline, changed lines and file list), fills missing
 * fingerprints, and keeps the result sorted. This file holds no comment,
 * JSON or git syntax: those live in inline.c, baseline.c and diff.c. It
 * never prints; problems become scl_diag or notices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suppress/suppress.h"
#include "suppress/suppress_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define FNV_PRIME 0x100000001b3ULL

/* ==== the meta rule ===================================================== */

static const scl_rule_info unused_rule = {
  SUPPRESS_RULE_ID,
  SUPPRESS_RULE_SLUG,
  SCL_LEVEL_WARNING,
  "py js ts c sql",
  "A `scalint: ignore` comment that suppresses nothing",
  "A stale suppression hides the next real finding on that line without anyone noticing.",
  "Remove the comment, or narrow it to the rule that still fires there.",
  "## What it catches\n\n"
  "A `scalint: ignore[...]` or `scalint: ignore-file[...]` comment that suppressed no finding "
  "in this run, for a rule that ran; a bare `scalint: ignore` that suppressed nothing; and "
  "comments that cannot work (a missing `]`, an `ignore-file` below the first 10 lines).\n\n"
  "## Why it hurts at 10K users\n\n"
  "Suppressions outlive the code they were written for. Once the query they excused is "
  "gone, the comment silently excuses whatever lands on that line next, such as a new "
  "`to_list(1000)` that drops user 1001.\n\n"
  "## Instead\n\n"
  "Delete the comment, or keep only the rule IDs that still fire on that line.\n\n"
  "## Known false positives\n\n"
  "A suppression for a rule that fires only on code the scan skipped (a file with syntax "
  "errors, a file past `--max-file-size`). Comments naming rules that did not run (not "
  "selected, or unknown) are never reported.\n\n"
  "## Parameters\n\n"
  "None. Turn the check off with `--no-unused-suppressions`.\n",
  NULL,
  "builtin",
  NULL,
};

const scl_rule_info *scl_suppress_rule_info(void)
{
  return &unused_rule;
}

void scl_suppress_opts_from_run(scl_suppress_opts *opts, const scl_run_opts *run)
{
  memset(opts, 0, sizeof(*opts));
  opts->baseline_path = run->baseline_path;
  opts->diff_base = run->diff_base;
  opts->only_files = run->only_files;
  opts->only_file_count = run->only_file_count;
  opts->no_unused_suppressions = run->no_unused_suppressions;
}

/* ==== helpers =========================================================== */

uint64_t scl_suppress__fnv(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

uint64_t scl_suppress__line_hash(const char *rule_id, const char *path, const char *line_text)
{
  uint64_t h = SUPPRESS_FNV_OFFSET;
  h = scl_suppress__fnv(h, rule_id ? rule_id : "", rule_id ? strlen(rule_id) + 1 : 1);
  h = scl_suppress__fnv(h, path ? path : "", path ? strlen(path) + 1 : 1);
  bool pending_space = false, seen = false;
  for (const char *s = line_text ? line_text : ""; *s; s++) {
    if (is_space(*s)) {
      pending_space = seen;
      continue;
    }
    if (pending_space)
      h = scl_suppress__fnv(h, " ", 1);
    pending_space = false;
    seen = true;
    h = scl_suppress__fnv(h, s, 1);
  }
  return h;
}

char *scl_suppress__norm_path(scl_arena *arena, const char *path, const char *cwd)
{
  size_t cl = cwd ? strlen(cwd) : 0;
  if (path[0] == '/' && cl > 1 && strncmp(path, cwd, cl) == 0 && (path[cl] == '/' || !path[cl]))
    path += cl + (path[cl] == '/');
  bool is_abs = path[0] == '/';
  size_t n = strlen(path);
  /* component k is comp[k] (comp_len[k] bytes); at most n / 2 + 1 of them */
  const char **comp = scl_arena_alloc(arena, (n / 2 + 1) * sizeof(char *));
  size_t *comp_len = scl_arena_alloc(arena, (n / 2 + 1) * sizeof(size_t));
  size_t depth = 0;
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    const char *e = p;
    while (*e && *e != '/')
      e++;
    size_t cn = (size_t)(e - p);
    bool is_up = cn == 2 && p[0] == '.' && p[1] == '.';
    bool top_is_up = depth && comp_len[depth - 1] == 2 && comp[depth - 1][0] == '.' &&
                     comp[depth - 1][1] == '.';
    if (cn == 0 || (cn == 1 && p[0] == '.')) {
      /* "a//b", "./a" */
    } else if (is_up && depth && !top_is_up) {
      depth--;
    } else if (!(is_up && is_abs)) { /* "/.." is "/" */
      comp[depth] = p;
      comp_len[depth++] = cn;
    }
    p = e;
  }
  char *out = scl_arena_alloc(arena, n + 2);
  size_t len = 0;
  if (is_abs)
    out[len++] = '/';
  for (size_t k = 0; k < depth; k++) {
    if (k)
      out[len++] = '/';
    memcpy(out + len, comp[k], comp_len[k]);
    len += comp_len[k];
  }
  out[len] = '\0';
  return out;
}

int scl_suppress__cmp_finding(const void *a, const void *b)
{
  const scl_finding *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  if (x->span.start_line != y->span.start_line)
    return x->span.start_line < y->span.start_line ? -1 : 1;
  if (x->span.start_col != y->span.start_col)
    return x->span.start_col < y->span.start_col ? -1 : 1;
  c = strcmp(x->rule_id, y->rule_id);
  if (c)
    return c;
  if (x->span.end_byte != y->span.end_byte)
    return x->span.end_byte < y->span.end_byte ? -1 : 1;
  return strcmp(x->message, y->message);
}

int scl_suppress__cmp_notice(const void *a, const void *b)
{
  const scl_notice *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  c = strcmp(x->kind, y->kind);
  return c ? c : strcmp(x->message, y->message);
}

void scl_suppress__add_notice(scl_result *res, const char *path, const char *kind,
                              const char *message)
{
  res->notices = scl_xrealloc(res->notices, (res->notice_count + 1) * sizeof(scl_notice));
  scl_notice *n = &res->notices[res->notice_count++];
  n->path = path;
  n->level = SCL_LEVEL_WARNING;
  n->kind = kind;
  n->message = message;
}

scl_status scl_suppress__read_file(char **out, size_t *len_out, const char *path, size_t max,
                                   scl_diag *diag)
{
  char *data = NULL;
  scl_status st = SCL_OK;
  *out = NULL;
  *len_out = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0) {
    st = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
    goto cleanup;
  }
  if ((size_t)sb.st_size > max) {
    st = scl_diag_set_at(diag, SCL_ELIMIT, path, 0, 0, "larger than %zu bytes", max);
    goto cleanup;
  }
  size_t size = (size_t)sb.st_size;
  data = scl_xmalloc(size + 1);
  size_t got = fread(data, 1, size, f);
  if (got != size && ferror(f)) {
    st = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    goto cleanup;
  }
  data[got] = '\0';
  *out = data;
  *len_out = got;
  data = NULL;

cleanup:
  free(data);
  fclose(f);
  return st;
}

/* ==== steps ============================================================= */

/* Gives findings without a fingerprint one: rule, path, normalised line and
 * its occurrence among earlier findings with the same three (findings are in
 * sorted order, so the occurrence index is deterministic). */
static void fill_fingerprints(scl_result *res, scl_arena *arena)
{
  for (size_t i = 0; i < res->finding_count; i++) {
    scl_finding *f = &res->findings[i];
    if (f->fingerprint && *f->fingerprint)
      continue;
    uint64_t base = scl_suppress__line_hash(f->rule_id, f->path, f->line_text);
    unsigned occ = 0;
    for (size_t j = i; j-- > 0 && strcmp(res->findings[j].path, f->path) == 0;)
      if (strcmp(res->findings[j].rule_id, f->rule_id) == 0 &&
          scl_suppress__line_hash(f->rule_id, f->path, res->findings[j].line_text) == base)
        occ++;
    char occs[16];
    int n = snprintf(occs, sizeof(occs), "%u", occ);
    uint64_t h = scl_suppress__fnv(base, occs, (size_t)n);
    f->fingerprint = scl_arena_printf(arena, "%016llx", (unsigned long long)h);
  }
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keeps only findings whose (normalised) path is in opts->only_files. */
static void filter_files(scl_result *res, scl_arena *arena, const scl_suppress_opts *opts)
{
  char cwd[4096];
  const char *cw = getcwd(cwd, sizeof(cwd)) ? cwd : NULL;
  const char **set = scl_arena_alloc(arena, (opts->only_file_count + 1) * sizeof(char *));
  for (size_t i = 0; i < opts->only_file_count; i++)
    set[i] = scl_suppress__norm_path(arena, opts->only_files[i], cw);
  if (opts->only_file_count)
    qsort(set, opts->only_file_count, sizeof(char *), cmp_str);
  size_t kept = 0;
  const char *last_path = NULL, *last_norm = NULL;
  for (size_t i = 0; i < res->finding_count; i++) {
    scl_finding *f = &res->findings[i];
    if (f->path != last_path) {
      last_path = f->path;
      last_norm = scl_suppress__norm_path(arena, f->path, cw);
    }
    if (opts->only_file_count &&
        bsearch(&last_norm, set, opts->only_file_count, sizeof(char *), cmp_str))
      res->findings[kept++] = *f;
  }
  res->finding_count = kept;
}

scl_status scl_suppress_apply(scl_result *res, scl_arena *arena, const scl_suppress_opts *opts,
                              const char *const *scanned_paths, size_t scanned_count,
                              scl_diag *diag)
{
  scl_status st = SCL_OK;
  scl_suppress__inline(res, arena, opts, scanned_paths, scanned_count);
  fill_fingerprints(res, arena);
  if (opts->baseline_path) {
    st = scl_suppress__baseline(res, opts->baseline_path, diag);
    if (st != SCL_OK)
      return st;
  }
  if (opts->diff_base) {
    st = scl_suppress__diff_filter(res, opts->diff_base, diag);
    if (st != SCL_OK)
      return st;
  }
  if (opts->only_files)
    filter_files(res, arena, opts);
  return SCL_OK;
}
