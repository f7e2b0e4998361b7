/*
 * report.c - the reporter table, scl_report_write() and the helpers every
 * reporter shares (rule lookup, fingerprints, hashing, JSON strings, which
 * findings are shown, counts).
 *
 * It picks a reporter by name and drives it over a finished scl_result. It
 * must not format anything itself, print anywhere but the stream it is given,
 * or change the result: output order is the result's order, so the output is
 * deterministic whatever the scan's thread count.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

const scl_reporter scl_reporters[] = {
  { "text", scl_report__text_begin, scl_report__text_finding, scl_report__text_end },
  { "json", scl_report__json_begin, scl_report__json_finding, scl_report__json_end },
  { "sarif", scl_report__sarif_begin, scl_report__sarif_finding, scl_report__sarif_end },
  { "github", scl_report__github_begin, scl_report__github_finding, scl_report__github_end },
  { "gitlab", scl_report__gitlab_begin, scl_report__gitlab_finding, scl_report__gitlab_end },
  { NULL, NULL, NULL, NULL }
};

static const char *const format_names[] = { "text", "json", "sarif", "github", "gitlab", NULL };

const char *const *scl_report_formats(void)
{
  return format_names;
}

/* ---- rule lookup ---- */

/* qsort has no payload argument, so the order is built with an insertion
 * sort over indexes: rule lists are small (tens to hundreds of entries). */
static size_t *rule_order_new(const scl_result *result)
{
  size_t n = result->rule_count;
  size_t *order = scl_xmalloc((n ? n : 1) * sizeof(*order));
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    const char *id = result->rules[i].id ? result->rules[i].id : "";
    while (j > 0) {
      const char *prev = result->rules[order[j - 1]].id;
      if (strcmp(prev ? prev : "", id) <= 0)
        break;
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order;
}

const scl_rule_info *scl_report__rule(const scl_report_ctx *ctx, const char *id,
                                      size_t *index_out)
{
  const scl_result *r = ctx->result;
  if (!id)
    return NULL;
  size_t lo = 0, hi = r->rule_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *mid_id = r->rules[ctx->rule_order[mid]].id;
    int c = strcmp(mid_id ? mid_id : "", id);
    if (c == 0) {
      if (index_out)
        *index_out = ctx->rule_order[mid];
      return &r->rules[ctx->rule_order[mid]];
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* ---- hashing and occurrences ---- */

#define FNV_PRIME 0x100000001b3ULL
#define FP_HEX_LEN 16

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= FNV_PRIME;
  }
  return h;
}

uint64_t scl_report__hash_str(uint64_t h, const char *s)
{
  h = fnv1a(h, s ? s : "", s ? strlen(s) : 0);
  return fnv1a(h, "", 1); /* separator, so ("ab","c") differs from ("a","bc") */
}

/* Hash of the line with every ASCII whitespace byte dropped, so re-indenting
 * or re-spacing a line keeps its findings' identity. */
static uint64_t fnv1a_line(uint64_t h, const char *s)
{
  for (; s && *s; s++) {
    if (strchr(" \t\r\n\v\f", *s))
      continue;
    h ^= (unsigned char)*s;
    h *= FNV_PRIME;
  }
  return fnv1a(h, "", 1);
}

/* One key of an scl_report_occ. */
struct scl_report_occ_slot {
  uint64_t key;
  uint32_t count;
  bool is_used;
};

/* Power-of-two size at least twice the number of keys, so probes stay short
 * and the table never fills. */
void scl_report__occ_init(scl_report_occ *occ, size_t key_count)
{
  size_t cap = 16;
  while (cap < key_count * 2)
    cap *= 2;
  occ->slots = scl_xcalloc(cap, sizeof(*occ->slots));
  occ->mask = cap - 1;
}

uint32_t scl_report__occ_next(scl_report_occ *occ, uint64_t key)
{
  size_t i = (size_t)(key ^ (key >> 32)) & occ->mask;
  while (occ->slots[i].is_used && occ->slots[i].key != key)
    i = (i + 1) & occ->mask;
  if (!occ->slots[i].is_used) {
    occ->slots[i].is_used = true;
    occ->slots[i].key = key;
  }
  return occ->slots[i].count++;
}

void scl_report__occ_dispose(scl_report_occ *occ)
{
  free(occ->slots);
  occ->slots = NULL;
  occ->mask = 0;
}

/* ---- fingerprints ---- */

void scl_report__fingerprints(const char **fps, char **storage_out, const scl_result *result)
{
  size_t missing = 0;
  *storage_out = NULL;
  for (size_t i = 0; i < result->finding_count; i++) {
    const char *own = result->findings[i].fingerprint;
    fps[i] = own;
    if (!own || !*own)
      missing++;
  }
  if (missing == 0)
    return;

  scl_report_occ occ;
  scl_report__occ_init(&occ, missing);
  char *storage = scl_xmalloc(missing * (FP_HEX_LEN + 1));
  size_t used = 0;
  for (size_t i = 0; i < result->finding_count; i++) {
    const scl_finding *f = &result->findings[i];
    if (fps[i] && *fps[i])
      continue;
    uint64_t h = scl_report__hash_str(SCL_REPORT_FNV_OFFSET, f->rule_id);
    h = scl_report__hash_str(h, f->path);
    h = fnv1a_line(h, f->line_text);
    uint32_t n_seen = scl_report__occ_next(&occ, h);
    char occ_text[16];
    int n = snprintf(occ_text, sizeof(occ_text), "%u", (unsigned)n_seen);
    h = fnv1a(h, occ_text, (size_t)n);
    char *dst = storage + used * (FP_HEX_LEN + 1);
    snprintf(dst, FP_HEX_LEN + 1, "%016llx", (unsigned long long)h);
    fps[i] = dst;
    used++;
  }
  scl_report__occ_dispose(&occ);
  *storage_out = storage;
}

/* ---- JSON helpers ---- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *s)
{
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t n;
  unsigned cp;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1fu;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0fu;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

json_t *scl_report__jstr(const char *s)
{
  if (!s)
    return json_string("");
  json_t *j = json_string(s);
  if (j)
    return j;
  /* Not valid UTF-8 (e.g. a Latin-1 source line): repair it. */
  scl_buf b;
  scl_buf_init(&b, 0);
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t n = utf8_seq_len(p);
    if (n == 0) {
      scl_buf_puts(&b, "\xef\xbf\xbd");
      p++;
    } else {
      scl_buf_append(&b, (const char *)p, n);
      p += n;
    }
  }
  j = json_string(scl_buf_cstr(&b));
  scl_buf_dispose(&b);
  return j ? j : json_string("");
}

scl_status scl_report__json_dump(json_t *root, FILE *out, scl_diag *diag)
{
  if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', out) == EOF)
    return scl_diag_set(diag, SCL_EIO, "cannot write report: %s", strerror(errno));
  return SCL_OK;
}

/* ---- visibility and counts ---- */

scl_report_kind scl_report__kind(const scl_finding *f)
{
  if (f->baseline_state == SCL_BASELINE_UNCHANGED)
    return SCL_REPORT_UNCHANGED;
  if (f->suppression != SCL_SUPPRESS_NONE)
    return SCL_REPORT_SUPPRESSED;
  return SCL_REPORT_ACTIVE;
}

bool scl_report__is_shown(const scl_report_ctx *ctx, const scl_finding *f)
{
  return ctx->opts->show_suppressed || scl_report__kind(f) == SCL_REPORT_ACTIVE;
}

void scl_report__count(scl_report_counts *out, const scl_result *result)
{
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < result->finding_count; i++) {
    const scl_finding *f = &result->findings[i];
    switch (scl_report__kind(f)) {
    case SCL_REPORT_SUPPRESSED: out->suppressed++; continue;
    case SCL_REPORT_UNCHANGED: out->unchanged++; continue;
    case SCL_REPORT_ACTIVE: break;
    }
    out->active++;
    switch (f->level) {
    case SCL_LEVEL_ERROR: out->errors++; break;
    case SCL_LEVEL_WARNING: out->warnings++; break;
    case SCL_LEVEL_NOTE: out->notes++; break;
    case SCL_LEVEL_NONE: out->others++; break;
    }
  }
  /* a warning-level notice means the file was not scanned; a note (syntax
   * errors the parser recovered from) means it was, with a caveat */
  const char *prev = NULL;
  for (size_t i = 0; i < result->notice_count; i++) {
    if (result->notices[i].level < SCL_LEVEL_WARNING)
      continue;
    const char *p = result->notices[i].path ? result->notices[i].path : "";
    if (!prev || strcmp(prev, p) != 0)
      out->skipped_files++;
    prev = p;
  }
}

const char *scl_report__display_path(const char *path)
{
  const char *p = path ? path : "";
  while (p[0] == '.' && p[1] == '/')
    p += 2;
  return p;
}

/* ---- entry point ---- */

/*
 * Writes result to out in the named format. Everything is borrowed; nothing
 * is kept after the call. SCL_EINVAL: unknown format or NULL argument;
 * SCL_EIO: the stream reported an error (diag says which).
 */
scl_status scl_report_write(FILE *out, const char *format, const scl_result *result,
                            const scl_report_opts *opts, scl_diag *diag)
{
  scl_status st = SCL_OK;
  const char **fps = NULL;
  char *fp_storage = NULL;
  size_t *order = NULL;

  if (!out || !result)
    return scl_diag_set(diag, SCL_EINVAL, "scl_report_write: no output stream or result");
  const scl_reporter *rep = NULL;
  for (const scl_reporter *r = scl_reporters; format && r->name; r++) {
    if (strcmp(r->name, format) == 0) {
      rep = r;
      break;
    }
  }
  if (!rep)
    return scl_diag_set(diag, SCL_EINVAL, "unknown format '%s' (expected text, json, sarif, github or gitlab)",
                        format ? format : "");

  errno = 0; /* so a stream error without errno is not blamed on an old one */
  scl_report_opts defaults = { .color = false, .show_source = true, .tool_version = NULL };
  if (!opts)
    opts = &defaults;
  fps = scl_xmalloc((result->finding_count ? result->finding_count : 1) * sizeof(*fps));
  scl_report__fingerprints(fps, &fp_storage, result);
  order = rule_order_new(result);

  scl_report_ctx ctx = {
    .out = out,
    .result = result,
    .opts = opts,
    .tool_version = opts->tool_version && *opts->tool_version ? opts->tool_version
                                                              : SCALINT_VERSION,
    .fingerprints = fps,
    .rule_order = order,
    .is_aborted = false,
    .state = NULL,
  };

  st = rep->begin(&ctx, diag);
  if (st != SCL_OK)
    goto cleanup;
  for (size_t i = 0; i < result->finding_count && st == SCL_OK; i++)
    st = rep->finding(&ctx, i, diag);
  ctx.is_aborted = st != SCL_OK;
  scl_status end_st = rep->end(&ctx, diag);
  if (st == SCL_OK)
    st = end_st;
  if (st != SCL_OK)
    goto cleanup;
  if (fflush(out) != 0 || ferror(out)) {
    st = scl_diag_set(diag, SCL_EIO, "cannot write %s report: %s", rep->name,
                      errno ? strerror(errno) : "stream error");
    goto cleanup;
  }

cleanup:
  free(order);
  free(fp_storage);
  free(fps);
  return st;
}
