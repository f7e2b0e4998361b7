/*
 * baseline.c - baseline files: writing today's findings, and marking a later
 * scan's findings new or unchanged against them.
 *
 * Format (JSON, read and written only through jansson):
 *   {"version": 1, "tool": "scalint",
 *    "findings": [{"rule_id", "path", "fingerprint", "line", "message",
 *                  "line_hash"}, ...]}
 * sorted by (path, rule_id, fingerprint, line, message), so regenerating a
 * baseline for the same code gives the same bytes.
 *
 * Matching, in two passes so that each baseline entry is used at most once:
 *   1. (rule_id, path, fingerprint): the engine's fingerprint hashes the rule,
 *      path and whitespace-normalised line text plus the line's occurrence
 *      index, so it survives lines moving and edits elsewhere;
 *   2. for findings still unmatched, (rule_id, path, line_hash), where
 *      line_hash is the same hash without the occurrence index: this catches
 *      the index shifting when an identical line is added above. Counts are
 *      preserved: two identical old lines plus a third identical new one give
 *      two unchanged findings and one new.
 * Entries without line_hash (hand-written files) match by fingerprint only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scalint/scalint.h"
#include "suppress/suppress_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define BASELINE_VERSION 1
#define UNCHANGED_JUSTIFICATION "in the baseline"

/* ==== entries =========================================================== */

/*
 * entry - one baseline record, or a probe built from a finding.
 *   path        normalised (no "./")
 *   line_hash   scl_suppress__line_hash() of rule, path and line text
 */
typedef struct entry {
  const char *rule_id;
  const char *path;
  const char *fingerprint;
  uint64_t line_hash;
  bool has_line_hash;
  bool is_used;
  uint32_t line;
  const char *message;
} entry;

static int cmp_by_fp(const entry *x, const entry *y)
{
  int c = strcmp(x->rule_id, y->rule_id);
  if (c == 0)
    c = strcmp(x->path, y->path);
  return c ? c : strcmp(x->fingerprint, y->fingerprint);
}

static int cmp_by_lh(const entry *x, const entry *y)
{
  int c = strcmp(x->rule_id, y->rule_id);
  if (c == 0)
    c = strcmp(x->path, y->path);
  if (c == 0 && x->has_line_hash != y->has_line_hash)
    c = x->has_line_hash ? 1 : -1;
  if (c == 0 && x->line_hash != y->line_hash)
    c = x->line_hash < y->line_hash ? -1 : 1;
  return c;
}

static int qcmp_by_fp(const void *a, const void *b)
{
  return cmp_by_fp(*(const entry *const *)a, *(const entry *const *)b);
}

static int qcmp_by_lh(const void *a, const void *b)
{
  return cmp_by_lh(*(const entry *const *)a, *(const entry *const *)b);
}

/* The first unused entry equal to probe in sorted, or NULL. */
static entry *find_unused(entry **sorted, size_t n, const entry *probe,
                          int (*cmp)(const entry *, const entry *))
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp(sorted[mid], probe) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < n && cmp(sorted[lo], probe) == 0; lo++)
    if (!sorted[lo]->is_used)
      return sorted[lo];
  return NULL;
}

/* A finding as an entry; strings in scratch. */
static entry probe_of(const scl_finding *f, scl_arena *scratch)
{
  entry e;
  memset(&e, 0, sizeof(e));
  e.rule_id = f->rule_id;
  e.path = scl_suppress__norm_path(scratch, f->path, NULL);
  e.line_hash = scl_suppress__line_hash(f->rule_id, e.path, f->line_text);
  e.has_line_hash = true;
  e.fingerprint = f->fingerprint && *f->fingerprint
                    ? f->fingerprint
                    : scl_arena_printf(scratch, "%016" PRIx64, e.line_hash);
  e.line = f->span.start_line;
  e.message = f->message ? f->message : "";
  return e;
}

/* ==== writing =========================================================== */

/* A JSON string of s; bytes that are not UTF-8 become U+FFFD, as the
 * reporters do, so a Latin-1 source line cannot fail the write. */
static json_t *jstr(const char *s)
{
  json_t *j = json_string(s ? s : "");
  if (j)
    return j;
  scl_buf b;
  scl_buf_init(&b, 0);
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
                             : (*p & 0xf8) == 0xf0 ? 4 : 0;
    for (size_t k = 1; k < n; k++)
      if ((p[k] & 0xc0) != 0x80)
        n = 0; /* truncated sequence (also stops at the NUL) */
    json_t *one = n ? json_stringn((const char *)p, n) : NULL;
    if (one) {
      scl_buf_append(&b, (const char *)p, n);
      json_decref(one);
      p += n;
    } else {
      scl_buf_puts(&b, "\xef\xbf\xbd");
      p++;
    }
  }
  j = json_string(scl_buf_cstr(&b));
  scl_buf_dispose(&b);
  return j;
}

static int qcmp_write(const void *a, const void *b)
{
  const entry *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c == 0)
    c = strcmp(x->rule_id, y->rule_id);
  if (c == 0)
    c = strcmp(x->fingerprint, y->fingerprint);
  if (c == 0 && x->line != y->line)
    c = x->line < y->line ? -1 : 1;
  return c ? c : strcmp(x->message, y->message);
}

scl_status scl_baseline_write(FILE *out, const scl_result *result, scl_diag *diag)
{
  scl_arena scratch;
  scl_arena_init(&scratch);
  size_t n = result->finding_count;
  entry *es = scl_xmalloc((n ? n : 1) * sizeof(entry));
  for (size_t i = 0; i < n; i++)
    es[i] = probe_of(&result->findings[i], &scratch);
  qsort(es, n, sizeof(entry), qcmp_write);

  json_t *root = json_object();
  json_t *list = json_array();
  json_object_set_new(root, "version", json_integer(BASELINE_VERSION));
  json_object_set_new(root, "tool", json_string("scalint"));
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "rule_id", jstr(es[i].rule_id));
    json_object_set_new(o, "path", jstr(es[i].path));
    json_object_set_new(o, "fingerprint", jstr(es[i].fingerprint));
    json_object_set_new(o, "line", json_integer(es[i].line));
    json_object_set_new(o, "message", jstr(es[i].message));
    char lh[20];
    snprintf(lh, sizeof(lh), "%016" PRIx64, es[i].line_hash);
    json_object_set_new(o, "line_hash", json_string(lh));
    json_array_append_new(list, o);
  }
  json_object_set_new(root, "findings", list);

  scl_status st = SCL_OK;
  if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', out) == EOF ||
      ferror(out))
    st = scl_diag_set(diag, SCL_EIO, "writing the baseline: %s", strerror(errno));
  json_decref(root);
  free(es);
  scl_arena_dispose(&scratch);
  return st;
}

/* ==== reading =========================================================== */

/* Fills *es from the parsed document; strings borrowed from root. */
static scl_status load_entries(entry **es_out, size_t *n_out, json_t *root, const char *path,
                               scl_arena *scratch, scl_diag *diag)
{
  *es_out = NULL;
  *n_out = 0;
  if (!json_is_object(root))
    return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "not a baseline: not a JSON object");
  json_t *version = json_object_get(root, "version");
  if (!json_is_integer(version) || json_integer_value(version) != BASELINE_VERSION)
    return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0,
                           "unsupported baseline: \"version\" must be %d", BASELINE_VERSION);
  json_t *list = json_object_get(root, "findings");
  if (!json_is_array(list))
    return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0,
                           "not a baseline: \"findings\" must be an array");
  size_t n = json_array_size(list);
  entry *es = scl_arena_alloc(scratch, (n ? n : 1) * sizeof(entry));
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(list, i);
    const char *rule = json_string_value(json_object_get(o, "rule_id"));
    const char *p = json_string_value(json_object_get(o, "path"));
    const char *fp = json_string_value(json_object_get(o, "fingerprint"));
    if (!json_is_object(o) || !rule || !p || !fp)
      return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0,
                             "findings[%zu]: needs string \"rule_id\", \"path\" and "
                             "\"fingerprint\"", i);
    es[i].rule_id = rule;
    es[i].path = scl_suppress__norm_path(scratch, p, NULL);
    es[i].fingerprint = fp;
    const char *lh = json_string_value(json_object_get(o, "line_hash"));
    char *end = NULL;
    if (lh && *lh) {
      es[i].line_hash = strtoull(lh, &end, 16);
      es[i].has_line_hash = *end == '\0';
    }
  }
  *es_out = es;
  *n_out = n;
  return SCL_OK;
}

/* Marks res's findings against es (see the file comment). */
static void mark(scl_result *res, entry *es, size_t n, scl_arena *scratch)
{
  entry **by_fp = scl_arena_alloc(scratch, (n ? n : 1) * sizeof(entry *));
  entry **by_lh = scl_arena_alloc(scratch, (n ? n : 1) * sizeof(entry *));
  for (size_t i = 0; i < n; i++)
    by_fp[i] = by_lh[i] = &es[i];
  qsort(by_fp, n, sizeof(entry *), qcmp_by_fp);
  qsort(by_lh, n, sizeof(entry *), qcmp_by_lh);

  size_t fc = res->finding_count;
  entry *probes = scl_arena_alloc(scratch, (fc ? fc : 1) * sizeof(entry));
  for (size_t i = 0; i < fc; i++) {
    probes[i] = probe_of(&res->findings[i], scratch);
    entry *e = find_unused(by_fp, n, &probes[i], cmp_by_fp);
    if (e)
      e->is_used = probes[i].is_used = true;
  }
  for (size_t i = 0; i < fc; i++) {
    if (probes[i].is_used)
      continue;
    entry *e = find_unused(by_lh, n, &probes[i], cmp_by_lh);
    if (e)
      e->is_used = probes[i].is_used = true;
  }
  for (size_t i = 0; i < fc; i++) {
    scl_finding *f = &res->findings[i];
    f->baseline_state = probes[i].is_used ? SCL_BASELINE_UNCHANGED : SCL_BASELINE_NEW;
    if (probes[i].is_used && f->suppression == SCL_SUPPRESS_NONE) {
      f->suppression = SCL_SUPPRESS_EXTERNAL;
      f->justification = UNCHANGED_JUSTIFICATION;
    }
  }
  res->has_baseline = true;
}

scl_status scl_suppress__baseline(scl_result *res, const char *path, scl_diag *diag)
{
  scl_arena scratch;
  scl_arena_init(&scratch);
  json_t *root = NULL;
  entry *es = NULL;
  size_t n = 0;
  scl_status st = SCL_OK;

  FILE *f = fopen(path, "rb");
  if (!f) {
    st = scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "cannot read the baseline: %s",
                         strerror(errno));
    goto cleanup;
  }
  json_error_t err;
  root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
  fclose(f);
  if (!root) {
    st = scl_diag_set_at(diag, SCL_EINVAL, path, err.line > 0 ? (unsigned)err.line : 0,
                         err.column > 0 ? (unsigned)err.column : 0, "malformed baseline: %s",
                         err.text);
    goto cleanup;
  }
  st = load_entries(&es, &n, root, path, &scratch, diag);
  if (st != SCL_OK)
    goto cleanup;
  mark(res, es, n, &scratch);

cleanup:
  json_decref(root);
  scl_arena_dispose(&scratch);
  return st;
}
