/*
 * inline.c - `scalint: ignore[...]` comments: finding them in a file's text,
 * matching them to findings, and reporting the ones that matched nothing
 * (meta rule SCL000 unused-suppression).
 *
 * A comment counts when "scalint:" follows one of the language's comment
 * leaders (`#`, `//`, `/ *`, `--`), with only blanks between, and that
 * leader is not inside a string literal on the same line. Files are read
 * only when they have findings or were scanned, and parsed only when they
 * contain "scalint:" at all. This file never reads the rule engine's data.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "suppress/suppress_int.h"
#include "util/alloc.h"
#include "util/vec.h"

#define MARKER "scalint:"
#define MARKER_LEN 8

/* memmem is not POSIX: the first MARKER in text..end, or NULL. */
static const char *find_marker(const char *text, const char *end)
{
  while (end - text >= MARKER_LEN) {
    const char *s = memchr(text, MARKER[0], (size_t)(end - text) - (MARKER_LEN - 1));
    if (!s)
      return NULL;
    if (memcmp(s, MARKER, MARKER_LEN) == 0)
      return s;
    text = s + 1;
  }
  return NULL;
}

/* ==== leaders =========================================================== */

unsigned scl_suppress__leaders_for_path(const char *path)
{
  static const struct {
    const char *ext;
    unsigned leaders;
  } table[] = {
    { "py", SUPPRESS_LEADER_HASH },  { "pyi", SUPPRESS_LEADER_HASH },
    { "pyw", SUPPRESS_LEADER_HASH }, { "sh", SUPPRESS_LEADER_HASH },
    { "yml", SUPPRESS_LEADER_HASH }, { "yaml", SUPPRESS_LEADER_HASH },
    { "sql", SUPPRESS_LEADER_DASH | SUPPRESS_LEADER_BLOCK },
    { "js", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "mjs", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "cjs", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "jsx", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "ts", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "mts", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "cts", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "tsx", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "c", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
    { "h", SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK },
  };
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash + 1 : path, '.');
  if (!dot)
    return SUPPRESS_LEADER_ALL;
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    if (strcasecmp(dot + 1, table[i].ext) == 0)
      return table[i].leaders;
  return SUPPRESS_LEADER_ALL;
}

/* ==== parsing =========================================================== */

static bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The comment leader ending right before "scalint:" at hit (blanks between
 * allowed), or NULL. *is_block: the leader opens a block comment. */
static const char *leader_before(const char *ls, const char *hit, unsigned leaders, bool *is_block)
{
  const char *q = hit;
  *is_block = false;
  while (q > ls && is_blank(q[-1]))
    q--;
  if ((leaders & SUPPRESS_LEADER_HASH) && q > ls && q[-1] == '#') {
    while (q > ls && q[-1] == '#')
      q--;
    return q;
  }
  if ((leaders & SUPPRESS_LEADER_SLASH) && q - ls >= 2 && q[-1] == '/' && q[-2] == '/') {
    while (q > ls && q[-1] == '/')
      q--;
    return q;
  }
  if ((leaders & SUPPRESS_LEADER_DASH) && q - ls >= 2 && q[-1] == '-' && q[-2] == '-')
    return q - 2;
  if ((leaders & SUPPRESS_LEADER_BLOCK) && q > ls && q[-1] == '*') {
    while (q > ls && q[-1] == '*')
      q--;
    if (q > ls && q[-1] == '/') {
      *is_block = true;
      return q - 1;
    }
  }
  return NULL;
}

/* Does a comment leader start at p (p < end)? */
static bool leader_at(const char *p, const char *end, unsigned leaders)
{
  if ((leaders & SUPPRESS_LEADER_HASH) && *p == '#')
    return true;
  if (end - p < 2)
    return false;
  if ((leaders & SUPPRESS_LEADER_SLASH) && p[0] == '/' && p[1] == '/')
    return true;
  if ((leaders & SUPPRESS_LEADER_BLOCK) && p[0] == '/' && p[1] == '*')
    return true;
  return (leaders & SUPPRESS_LEADER_DASH) && p[0] == '-' && p[1] == '-';
}

/* Is lead inside a string literal of its line? Scans from the line start;
 * an earlier comment leader outside any string means we are in a comment. */
static bool in_string(const char *ls, const char *lead, unsigned leaders)
{
  char quote = 0;
  for (const char *p = ls; p < lead; p++) {
    if (quote) {
      if (*p == '\\' && p + 1 < lead)
        p++;
      else if (*p == quote)
        quote = 0;
    } else if (*p == '"' || *p == '\'' || *p == '`') {
      quote = *p;
    } else if (leader_at(p, lead, leaders)) {
      return false;
    }
  }
  return quote != 0;
}

static uint32_t code_points(const char *s, const char *e)
{
  uint32_t n = 0;
  for (; s < e; s++)
    if (((unsigned char)*s & 0xc0) != 0x80)
      n++;
  return n;
}

static const char *skip_blanks(const char *p, const char *end)
{
  while (p < end && is_blank(*p))
    p++;
  return p;
}

/* Splits "A, b  C" into d->names (arena). */
static void split_names(scl_supp_directive *d, scl_arena *arena, const char *p, const char *end)
{
  size_t cap = (size_t)(end - p) / 2 + 1, n = 0;
  d->names = scl_arena_alloc(arena, cap * sizeof(char *));
  while (p < end) {
    while (p < end && (is_blank(*p) || *p == ','))
      p++;
    const char *s = p;
    while (p < end && !is_blank(*p) && *p != ',')
      p++;
    if (p > s)
      d->names[n++] = scl_arena_strndup(arena, s, (size_t)(p - s));
  }
  d->name_count = n;
}

/* Parses what follows "scalint:" (p .. end, the comment's text). Returns
 * false when it is not an ignore directive at all. */
static bool parse_body(scl_supp_directive *d, scl_arena *arena, const char *p, const char *end)
{
  p = skip_blanks(p, end);
  if (end - p >= 11 && memcmp(p, "ignore-file", 11) == 0) {
    d->is_file_level = true;
    p += 11;
  } else if (end - p >= 6 && memcmp(p, "ignore", 6) == 0) {
    p += 6;
  } else {
    return false;
  }
  if (p < end && *p != '[' && !is_blank(*p))
    return false; /* "ignored", "ignore_x" */
  const char *kw = d->is_file_level ? "ignore-file" : "ignore";
  if (p < end && *p == '[') {
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close) {
      d->problem = scl_arena_printf(arena, "`scalint: %s[` has no closing `]`, so it "
                                    "suppresses nothing; close the list", kw);
      return true;
    }
    split_names(d, arena, p + 1, close);
    if (d->name_count == 0)
      d->problem = scl_arena_printf(arena, "`scalint: %s[]` names no rule, so it suppresses "
                                    "nothing; name a rule or remove it", kw);
    p = close + 1;
  } else {
    d->is_all = true;
  }
  p = skip_blanks(p, end);
  if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
    p = skip_blanks(p + 2, end);
    const char *e = end;
    while (e > p && is_blank(e[-1]))
      e--;
    if (e > p)
      d->reason = scl_arena_strndup(arena, p, (size_t)(e - p));
  }
  return true;
}

/* Fills d for "scalint:" at hit on the line ls..le; false if it is not a
 * directive (no leader, inside a string, another keyword). */
static bool parse_one(scl_supp_directive *d, scl_arena *arena, const char *text, const char *ls,
                      const char *le, const char *hit, uint32_t line, unsigned leaders)
{
  bool is_block;
  const char *lead = leader_before(ls, hit, leaders, &is_block);
  if (!lead || in_string(ls, lead, leaders))
    return false;
  memset(d, 0, sizeof(*d));
  const char *body = hit + MARKER_LEN, *end = le, *after = le;
  if (is_block) {
    for (const char *p = body; p + 1 < le; p++)
      if (p[0] == '*' && p[1] == '/') {
        end = p;
        after = p + 2;
        break;
      }
  }
  if (!parse_body(d, arena, body, end))
    return false;
  d->is_comment_only = skip_blanks(ls, lead) == lead && skip_blanks(after, le) == le;
  d->line = line;
  d->col = code_points(ls, lead) + 1;
  d->end_col = code_points(ls, after) + 1;
  d->start_byte = (uint32_t)(lead - text);
  d->end_byte = (uint32_t)(after - text);
  d->line_text = scl_arena_strndup(arena, ls, (size_t)(le - ls));
  d->is_used = scl_arena_alloc(arena, (d->name_count ? d->name_count : 1) * sizeof(bool));
  if (d->is_file_level && line > SUPPRESS_FILE_LEVEL_LINES && !d->problem)
    d->problem = scl_arena_printf(arena, "`scalint: ignore-file` counts only in a file's first "
                                  "%d lines, so it suppresses nothing here; move it up",
                                  SUPPRESS_FILE_LEVEL_LINES);
  return true;
}

size_t scl_suppress__parse(scl_supp_directive **out, scl_arena *arena, const char *text,
                           size_t len, unsigned leaders)
{
  SCL_VEC(scl_supp_directive) v = {0};
  const char *end = text + len, *p = text, *ls = text;
  uint32_t line = 1;
  *out = NULL;
  for (;;) {
    const char *hit = find_marker(p, end);
    if (!hit)
      break;
    for (const char *nl = memchr(ls, '\n', (size_t)(hit - ls)); nl;
         nl = memchr(ls, '\n', (size_t)(hit - ls))) {
      line++;
      ls = nl + 1;
    }
    const char *le = memchr(hit, '\n', (size_t)(end - hit));
    if (!le)
      le = end;
    if (le > ls && le[-1] == '\r')
      le--;
    scl_supp_directive d;
    if (parse_one(&d, arena, text, ls, le, hit, line, leaders))
      SCL_VEC_PUSH(&v, d);
    p = hit + MARKER_LEN;
  }
  if (v.count) {
    *out = scl_arena_alloc(arena, v.count * sizeof(scl_supp_directive));
    memcpy(*out, v.items, v.count * sizeof(scl_supp_directive));
  }
  size_t n = v.count;
  SCL_VEC_FREE(&v);
  return n;
}

/* ==== matching ========================================================== */

bool scl_suppress__names_rule(const char *name, const char *rule_id, const char *slug)
{
  return (rule_id && strcasecmp(name, rule_id) == 0) || (slug && strcasecmp(name, slug) == 0);
}

/* Does d cover f's line, and does it name f's rule? Marks what it used. */
static bool covers(scl_supp_directive *d, const scl_finding *f)
{
  uint32_t line = f->span.start_line;
  if (d->problem)
    return false;
  if (!d->is_file_level && d->line != line && !(d->is_comment_only && d->line + 1 == line))
    return false;
  if (d->is_all) {
    if (strcmp(f->rule_id, SUPPRESS_RULE_ID) == 0)
      return false; /* only a comment naming SCL000 silences the meta rule */
    d->is_used[0] = true;
    return true;
  }
  bool hit = false;
  for (size_t k = 0; k < d->name_count; k++)
    if (scl_suppress__names_rule(d->names[k], f->rule_id, f->slug)) {
      d->is_used[k] = true;
      hit = true;
    }
  return hit;
}

/* Index of the first directive with line >= line (dirs sorted by line). */
static size_t first_at(const scl_supp_directive *dirs, size_t n, uint32_t line)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (dirs[mid].line < line)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Marks f suppressed by d (the first directive that covers it wins the
 * justification; a later one with a reason fills a missing one). */
static void suppress_by(scl_finding *f, const scl_supp_directive *d, scl_arena *keep)
{
  if (f->suppression == SCL_SUPPRESS_NONE)
    f->suppression = SCL_SUPPRESS_IN_SOURCE;
  if (f->suppression == SCL_SUPPRESS_IN_SOURCE && !f->justification && d->reason)
    f->justification = scl_arena_strdup(keep, d->reason);
}

void scl_suppress__match(scl_finding *findings, size_t count, scl_supp_directive *dirs,
                         size_t dir_count, scl_arena *keep)
{
  for (size_t i = 0; i < count; i++) {
    scl_finding *f = &findings[i];
    uint32_t line = f->span.start_line;
    for (size_t j = 0; j < dir_count && dirs[j].line <= SUPPRESS_FILE_LEVEL_LINES; j++)
      if (dirs[j].is_file_level && covers(&dirs[j], f))
        suppress_by(f, &dirs[j], keep);
    for (size_t j = first_at(dirs, dir_count, line > 1 ? line - 1 : 1);
         j < dir_count && dirs[j].line <= line; j++)
      if (!dirs[j].is_file_level && covers(&dirs[j], f))
        suppress_by(f, &dirs[j], keep);
  }
}

/* ==== unused suppressions =============================================== */

typedef SCL_VEC(scl_finding) finding_vec;

static bool rule_ran(const scl_result *res, const char *name)
{
  for (size_t i = 0; i < res->rule_count; i++)
    if (scl_suppress__names_rule(name, res->rules[i].id, res->rules[i].slug))
      return true;
  return false;
}

static void add_unused(finding_vec *out, scl_arena *arena, const char *path,
                       const scl_supp_directive *d, const char *message)
{
  scl_finding f;
  memset(&f, 0, sizeof(f));
  f.rule_id = SUPPRESS_RULE_ID;
  f.slug = SUPPRESS_RULE_SLUG;
  f.level = SCL_LEVEL_WARNING;
  f.path = path;
  f.span.start_line = f.span.end_line = d->line;
  f.span.start_col = d->col;
  f.span.end_col = d->end_col;
  f.span.start_byte = d->start_byte;
  f.span.end_byte = d->end_byte;
  f.message = message;
  f.line_text = scl_arena_strdup(arena, d->line_text);
  SCL_VEC_PUSH(out, f);
}

/* Appends an SCL000 finding for each unused part of dirs. */
static void report_unused(finding_vec *out, scl_arena *arena, const scl_result *res,
                          const char *path, const scl_supp_directive *dirs, size_t n)
{
  for (size_t j = 0; j < n; j++) {
    const scl_supp_directive *d = &dirs[j];
    const char *kw = d->is_file_level ? "ignore-file" : "ignore";
    const char *where = d->is_file_level ? "in this file" : "here";
    if (d->problem) {
      add_unused(out, arena, path, d, scl_arena_strdup(arena, d->problem));
    } else if (d->is_all) {
      if (!d->is_used[0] && res->rule_count)
        add_unused(out, arena, path, d,
                   scl_arena_printf(arena, "`scalint: %s` suppresses nothing %s; remove it", kw,
                                    where));
    } else {
      for (size_t k = 0; k < d->name_count; k++)
        if (!d->is_used[k] && rule_ran(res, d->names[k]))
          add_unused(out, arena, path, d,
                     scl_arena_printf(arena, "`scalint: %s[%s]` suppresses nothing %s; "
                                      "remove it", kw, d->names[k], where));
    }
  }
}

/* ==== driver ============================================================ */

/* file_job - one file to read: its path and its findings' index range. */
typedef struct file_job {
  const char *path;
  size_t first, count;
} file_job;

static int cmp_job(const void *a, const void *b)
{
  return strcmp(((const file_job *)a)->path, ((const file_job *)b)->path);
}

/* One job per file with findings (findings are sorted by path), plus one per
 * scanned file without findings. Returns the count; *out is malloc'ed. */
static size_t collect_jobs(file_job **out, const scl_result *res, const char *const *scanned,
                           size_t scanned_count)
{
  SCL_VEC(file_job) v = {0};
  for (size_t i = 0; i < res->finding_count;) {
    size_t j = i + 1;
    while (j < res->finding_count && strcmp(res->findings[j].path, res->findings[i].path) == 0)
      j++;
    file_job job = { res->findings[i].path, i, j - i };
    SCL_VEC_PUSH(&v, job);
    i = j;
  }
  size_t with_findings = v.count;
  for (size_t i = 0; i < scanned_count; i++) {
    file_job key = { scanned[i], 0, 0 };
    if (!with_findings || !bsearch(&key, v.items, with_findings, sizeof(file_job), cmp_job))
      SCL_VEC_PUSH(&v, key);
  }
  /* scanned paths may repeat; the first of equal paths has the findings */
  if (v.count)
    qsort(v.items, v.count, sizeof(file_job), cmp_job);
  size_t n = 0;
  for (size_t i = 0; i < v.count; i++) {
    if (n && strcmp(v.items[n - 1].path, v.items[i].path) == 0) {
      if (v.items[i].count)
        v.items[n - 1] = v.items[i];
      continue;
    }
    v.items[n++] = v.items[i];
  }
  *out = v.items;
  return n;
}

/* Reads one file's directives into scratch; 0 when it has none. A file that
 * cannot be read becomes a notice. */
static size_t file_directives(scl_supp_directive **out, scl_result *res, scl_arena *arena,
                              scl_arena *scratch, const char *path)
{
  char *data = NULL;
  size_t len = 0;
  scl_diag d;
  scl_diag_clear(&d);
  *out = NULL;
  scl_status st = scl_suppress__read_file(&data, &len, path, SUPPRESS_MAX_FILE_BYTES, &d);
  if (st != SCL_OK) {
    scl_suppress__add_notice(res, scl_arena_strdup(arena, path),
                             st == SCL_ELIMIT ? "limit" : "unreadable",
                             scl_arena_printf(arena, "`scalint: ignore` comments not read: %s",
                                              d.msg));
    return 0;
  }
  size_t n = 0;
  if (find_marker(data, data + len))
    n = scl_suppress__parse(out, scratch, data, len, scl_suppress__leaders_for_path(path));
  free(data);
  return n;
}

void scl_suppress_add_rule_info(scl_result *res, scl_arena *arena)
{
  if (rule_ran(res, SUPPRESS_RULE_ID))
    return;
  scl_rule_info *rules = scl_arena_alloc(arena, (res->rule_count + 1) * sizeof(scl_rule_info));
  size_t at = 0;
  while (at < res->rule_count && strcmp(res->rules[at].id, SUPPRESS_RULE_ID) < 0)
    at++;
  if (at)
    memcpy(rules, res->rules, at * sizeof(scl_rule_info));
  rules[at] = *scl_suppress_rule_info();
  if (res->rule_count > at)
    memcpy(rules + at + 1, res->rules + at, (res->rule_count - at) * sizeof(scl_rule_info));
  res->rules = rules;
  res->rule_count++;
}

void scl_suppress__inline(scl_result *res, scl_arena *arena, const scl_suppress_opts *opts,
                          const char *const *scanned_paths, size_t scanned_count)
{
  /* a second pass over the same result must not report everything twice */
  bool want_unused = !opts->no_unused_suppressions && res->rule_count > 0 &&
                     !rule_ran(res, SUPPRESS_RULE_ID);
  file_job *jobs = NULL;
  size_t job_count = collect_jobs(&jobs, res, scanned_paths, want_unused ? scanned_count : 0);
  finding_vec unused = {0};
  scl_arena scratch;
  scl_arena_init(&scratch);
  for (size_t i = 0; i < job_count; i++) {
    scl_arena_reset(&scratch);
    scl_supp_directive *dirs;
    size_t n = file_directives(&dirs, res, arena, &scratch, jobs[i].path);
    if (n == 0)
      continue;
    scl_suppress__match(res->findings + jobs[i].first, jobs[i].count, dirs, n, arena);
    if (!want_unused)
      continue;
    const char *path = jobs[i].count ? jobs[i].path : scl_arena_strdup(arena, jobs[i].path);
    size_t before = unused.count;
    report_unused(&unused, arena, res, path, dirs, n);
    /* `ignore[SCL000]` silences the meta rule itself */
    scl_suppress__match(unused.items + before, unused.count - before, dirs, n, arena);
  }
  scl_arena_dispose(&scratch);
  free(jobs);

  if (want_unused)
    scl_suppress_add_rule_info(res, arena);
  if (unused.count) {
    res->findings = scl_xrealloc(res->findings,
                                 (res->finding_count + unused.count) * sizeof(scl_finding));
    memcpy(res->findings + res->finding_count, unused.items, unused.count * sizeof(scl_finding));
    res->finding_count += unused.count;
    qsort(res->findings, res->finding_count, sizeof(scl_finding), scl_suppress__cmp_finding);
  }
  SCL_VEC_FREE(&unused);
  if (res->notice_count)
    qsort(res->notices, res->notice_count, sizeof(scl_notice), scl_suppress__cmp_notice);
}
