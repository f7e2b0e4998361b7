/*
 * text.c - the human reporter: `path:line:col: level[ID] slug: message`, the
 * source line with a caret under the span, the rule's why/instead, related
 * locations, notices, and a one-line summary (in the manner of ruff and rustc).
 * Suppressed findings and those already in the baseline are left out unless
 * opts->show_suppressed (then tagged); the summary counts them apart, and
 * opts->statistics adds a per-rule table (as `ruff --statistics` does).
 *
 * Columns in findings count Unicode code points; here every code point takes
 * one terminal column except a tab, which is shown as TAB_WIDTH spaces in both
 * the source line and the caret line so the caret stays aligned. East Asian
 * wide characters are not measured (that would need the locale, which a
 * library must not set). Control characters in source lines are shown as '?',
 * so a scanned file cannot send escape sequences to the terminal.
 * This file must not emit any escape code when opts->color is false.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/alloc.h"
#include "util/buf.h"

/* rustc shows a tab as four spaces; a fixed width keeps caret math simple. */
#define TAB_WIDTH 4

#define ANSI_RESET "\x1b[0m"
#define ANSI_BOLD "\x1b[1m"
#define ANSI_RED "\x1b[1;31m"
#define ANSI_YELLOW "\x1b[1;33m"
#define ANSI_CYAN "\x1b[1;36m"
#define ANSI_BLUE "\x1b[1;34m"

/*
 * text_state - per-call state.
 *   has_output   something was printed, so the summary is set off by a blank line
 *   ends_blank   the last line printed was blank
 */
typedef struct text_state {
  bool has_output;
  bool ends_blank;
} text_state;

/* ---- colour ---- */

static const char *level_color(scl_level level)
{
  switch (level) {
  case SCL_LEVEL_ERROR: return ANSI_RED;
  case SCL_LEVEL_WARNING: return ANSI_YELLOW;
  case SCL_LEVEL_NOTE: return ANSI_CYAN;
  case SCL_LEVEL_NONE: break;
  }
  return ANSI_BOLD;
}

/* Writes s wrapped in color when colours are on. */
static void put_styled(const scl_report_ctx *ctx, const char *color, const char *s)
{
  if (ctx->opts->color)
    fprintf(ctx->out, "%s%s%s", color, s, ANSI_RESET);
  else
    fputs(s, ctx->out);
}

/* ---- source line and caret ---- */

static bool is_cont_byte(unsigned char c)
{
  return (c & 0xc0) == 0x80;
}

/* Appends the code point at *p (advancing *p) to line, as displayed; returns
 * its display width. */
static size_t put_display_cp(scl_buf *line, const char **p)
{
  const unsigned char *s = (const unsigned char *)*p;
  if (*s == '\t') {
    scl_buf_append(line, "        ", TAB_WIDTH);
    *p += 1;
    return TAB_WIDTH;
  }
  if (*s < 0x20 || *s == 0x7f) {
    scl_buf_putc(line, '?');
    *p += 1;
    return 1;
  }
  size_t n = 1;
  while (s[n] && is_cont_byte(s[n]))
    n++;
  scl_buf_append(line, *p, n);
  *p += n;
  return 1;
}

/*
 * Renders text into shown and computes the caret's display offset and width
 * for columns [start_col, end_col) (1-based code points; end_col 0 or a span
 * that goes on to later lines means "to the end of the line"). The caret is
 * at least one column wide.
 */
static void render_line(scl_buf *shown, size_t *pad_out, size_t *width_out, const char *text,
                        uint32_t start_col, uint32_t end_col, bool to_eol)
{
  size_t pad = 0, width = 0;
  uint32_t col = 1;
  const char *p = text;
  size_t len = strlen(text);
  while (len > 0 && (text[len - 1] == '\r' || text[len - 1] == '\n'))
    len--;
  while ((size_t)(p - text) < len) {
    size_t w = put_display_cp(shown, &p);
    if (col < start_col)
      pad += w;
    else if (to_eol || col < end_col)
      width += w;
    col++;
  }
  if (col < start_col)
    pad += start_col - col; /* span starts past the end of the line */
  *pad_out = pad;
  *width_out = width ? width : 1;
}

static void put_gutter(const scl_report_ctx *ctx, int gutter, const char *lineno)
{
  if (ctx->opts->color)
    fputs(ANSI_BLUE, ctx->out);
  fprintf(ctx->out, "%*s |", gutter, lineno);
  if (ctx->opts->color)
    fputs(ANSI_RESET, ctx->out);
}

static void put_repeat(FILE *out, char c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fputc(c, out);
}

static void put_source(const scl_report_ctx *ctx, const scl_finding *f, int gutter)
{
  char lineno[16];
  snprintf(lineno, sizeof(lineno), "%u", (unsigned)f->span.start_line);
  bool to_eol = f->span.end_line > f->span.start_line;
  scl_buf shown;
  scl_buf_init(&shown, 0);
  size_t pad = 0, width = 1;
  render_line(&shown, &pad, &width, f->line_text, f->span.start_col ? f->span.start_col : 1,
              f->span.end_col, to_eol);

  put_gutter(ctx, gutter, "");
  fputc('\n', ctx->out);
  put_gutter(ctx, gutter, lineno);
  if (shown.len)
    fprintf(ctx->out, " %s", scl_buf_cstr(&shown));
  fputc('\n', ctx->out);
  put_gutter(ctx, gutter, "");
  fputc(' ', ctx->out);
  put_repeat(ctx->out, ' ', pad);
  if (ctx->opts->color)
    fputs(level_color(f->level), ctx->out);
  put_repeat(ctx->out, '^', width);
  if (ctx->opts->color)
    fputs(ANSI_RESET, ctx->out);
  fputc('\n', ctx->out);
  scl_buf_dispose(&shown);
}

/* ---- findings ---- */

static void put_note_line(const scl_report_ctx *ctx, int gutter, const char *label,
                          const char *text)
{
  fprintf(ctx->out, "%*s ", gutter, "");
  put_styled(ctx, ANSI_BOLD, "=");
  fprintf(ctx->out, " %s: %s\n", label, text);
}

static void put_location(const scl_report_ctx *ctx, const char *path, const scl_span *span)
{
  put_styled(ctx, ANSI_BOLD, path ? path : "");
  fprintf(ctx->out, ":%u:%u:", (unsigned)span->start_line, (unsigned)span->start_col);
}

/* " (suppressed: reason)" / " (unchanged since baseline)" after the message
 * of a finding shown only because of show_suppressed. */
static void put_hidden_tag(const scl_report_ctx *ctx, const scl_finding *f)
{
  scl_report_kind kind = scl_report__kind(f);
  if (kind == SCL_REPORT_ACTIVE)
    return;
  bool has_reason = f->justification && *f->justification;
  if (f->suppression != SCL_SUPPRESS_NONE && (kind == SCL_REPORT_SUPPRESSED || has_reason)) {
    const char *reason = has_reason ? f->justification
                         : f->suppression == SCL_SUPPRESS_IN_SOURCE ? "in source"
                                                                    : "by configuration";
    fputc(' ', ctx->out);
    put_styled(ctx, ANSI_BOLD, "(suppressed: ");
    fputs(reason, ctx->out);
    put_styled(ctx, ANSI_BOLD, ")");
  }
  if (kind == SCL_REPORT_UNCHANGED) {
    fputc(' ', ctx->out);
    put_styled(ctx, ANSI_BOLD, "(unchanged since baseline)");
  }
}

scl_status scl_report__text_begin(scl_report_ctx *ctx, scl_diag *diag)
{
  ctx->state = scl_xcalloc(1, sizeof(text_state));
  return SCL_OK;
}

scl_status scl_report__text_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag)
{
  text_state *st = ctx->state;
  const scl_finding *f = &ctx->result->findings[index];
  if (!scl_report__is_shown(ctx, f))
    return SCL_OK;
  const scl_rule_info *rule = scl_report__rule(ctx, f->rule_id, NULL);
  FILE *out = ctx->out;

  put_location(ctx, f->path, &f->span);
  fputc(' ', out);
  put_styled(ctx, level_color(f->level), scl_level_str(f->level));
  fputc('[', out);
  put_styled(ctx, ANSI_BOLD, f->rule_id ? f->rule_id : "");
  fputc(']', out);
  if (f->slug && *f->slug)
    fprintf(out, " %s", f->slug);
  fprintf(out, ": %s", f->message ? f->message : "");
  put_hidden_tag(ctx, f);
  fputc('\n', out);

  char lineno[16];
  int gutter = snprintf(lineno, sizeof(lineno), "%u", (unsigned)f->span.start_line);
  bool has_source = ctx->opts->show_source && f->line_text;
  if (has_source)
    put_source(ctx, f, gutter);
  if (rule && rule->why && *rule->why)
    put_note_line(ctx, gutter, "why", rule->why);
  if (rule && rule->instead && *rule->instead)
    put_note_line(ctx, gutter, "instead", rule->instead);
  for (size_t i = 0; i < f->related_count; i++) {
    const scl_location *loc = &f->related[i];
    fprintf(out, "%*s ", gutter, "");
    put_styled(ctx, ANSI_BOLD, "=");
    fputs(" related: ", out);
    put_location(ctx, loc->path, &loc->span);
    if (loc->message && *loc->message)
      fprintf(out, " %s", loc->message);
    fputc('\n', out);
  }
  if (ctx->opts->show_source) {
    fputc('\n', out);
    st->ends_blank = true;
  } else {
    st->ends_blank = false;
  }
  st->has_output = true;
  return SCL_OK;
}

/* ---- notices and summary ---- */

static void put_plural(FILE *out, size_t n, const char *one, const char *many)
{
  fprintf(out, "%zu %s", n, n == 1 ? one : many);
}

static void put_summary(const scl_report_ctx *ctx)
{
  FILE *out = ctx->out;
  const scl_result *r = ctx->result;
  scl_report_counts c;
  scl_report__count(&c, r);

  if (c.active == 0) {
    fputs("No problems found in ", out);
  } else {
    fputs("Found ", out);
    put_plural(out, c.active, "problem", "problems");
    const char *sep = " (";
    struct {
      size_t n;
      const char *one, *many;
    } parts[] = {
      { c.errors, "error", "errors" },
      { c.warnings, "warning", "warnings" },
      { c.notes, "note", "notes" },
      { c.others, "other", "others" },
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
      if (parts[i].n == 0)
        continue;
      fputs(sep, out);
      put_plural(out, parts[i].n, parts[i].one, parts[i].many);
      sep = ", ";
    }
    fputs(") in ", out);
  }
  put_plural(out, r->files_scanned, "file", "files");
  if (c.skipped_files) {
    fputs("; ", out);
    put_plural(out, c.skipped_files, "file", "files");
    fputs(" skipped", out);
  }
  if (r->has_baseline)
    fprintf(out, "; %zu new, %zu unchanged (baseline)", c.active, c.unchanged);
  if (c.suppressed)
    fprintf(out, "; %zu suppressed", c.suppressed);
  fputs(".\n", out);
}

/* ---- statistics ---- */

/*
 * rule_stat - one row of the --statistics table.
 *   level   the highest level among the rule's findings (a config override
 *           can make it differ from the rule's default)
 */
typedef struct rule_stat {
  const char *id;
  const char *slug;
  scl_level level;
  size_t count;
} rule_stat;

static int stat_cmp(const void *a, const void *b)
{
  const rule_stat *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp(x->id, y->id);
}

static int stat_id_cmp(const void *a, const void *b)
{
  const rule_stat *x = a, *y = b;
  return strcmp(x->id, y->id);
}

/* Counts ACTIVE findings per rule id into *out (caller frees). One row per
 * finding is sorted by id and merged, so this is O(n log n) whatever the
 * number of rules. */
static size_t collect_stats(rule_stat **out, const scl_result *r)
{
  rule_stat *rows = scl_xmalloc((r->finding_count ? r->finding_count : 1) * sizeof(*rows));
  size_t n = 0;
  for (size_t i = 0; i < r->finding_count; i++) {
    const scl_finding *f = &r->findings[i];
    if (scl_report__kind(f) != SCL_REPORT_ACTIVE)
      continue;
    rows[n].id = f->rule_id ? f->rule_id : "";
    rows[n].slug = f->slug ? f->slug : "";
    rows[n].level = f->level;
    rows[n].count = 1;
    n++;
  }
  qsort(rows, n, sizeof(*rows), stat_id_cmp);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m > 0 && strcmp(rows[m - 1].id, rows[i].id) == 0) {
      rows[m - 1].count++;
      if (rows[i].level > rows[m - 1].level)
        rows[m - 1].level = rows[i].level;
      if (!*rows[m - 1].slug)
        rows[m - 1].slug = rows[i].slug;
      continue;
    }
    rows[m++] = rows[i];
  }
  qsort(rows, m, sizeof(*rows), stat_cmp);
  *out = rows;
  return m;
}

static void put_statistics(const scl_report_ctx *ctx)
{
  rule_stat *rows = NULL;
  size_t n = collect_stats(&rows, ctx->result);
  size_t w_count = 1, w_id = 0, w_slug = 0;
  for (size_t i = 0; i < n; i++) {
    char num[24];
    size_t len = (size_t)snprintf(num, sizeof(num), "%zu", rows[i].count);
    if (len > w_count)
      w_count = len;
    if (strlen(rows[i].id) > w_id)
      w_id = strlen(rows[i].id);
    if (strlen(rows[i].slug) > w_slug)
      w_slug = strlen(rows[i].slug);
  }
  for (size_t i = 0; i < n; i++) {
    fprintf(ctx->out, "%*zu  ", (int)w_count, rows[i].count);
    put_styled(ctx, ANSI_BOLD, rows[i].id);
    fprintf(ctx->out, "%*s  %-*s  ", (int)(w_id - strlen(rows[i].id)), "", (int)w_slug,
            rows[i].slug);
    put_styled(ctx, level_color(rows[i].level), scl_level_str(rows[i].level));
    fputc('\n', ctx->out);
  }
  free(rows);
}

scl_status scl_report__text_end(scl_report_ctx *ctx, scl_diag *diag)
{
  text_state *st = ctx->state;
  FILE *out = ctx->out;
  if (ctx->is_aborted)
    goto cleanup;

  if (ctx->opts->statistics) {
    scl_report_counts c;
    scl_report__count(&c, ctx->result);
    if (c.active > 0) {
      if (st->has_output && !st->ends_blank)
        fputc('\n', out);
      put_statistics(ctx);
      fputc('\n', out);
      st->has_output = true;
      st->ends_blank = true;
    }
    if (ctx->result->files_prefiltered) {
      fprintf(out, "%zu of %zu files not parsed: no rule can match them (--no-prefilter parses "
                   "all)\n\n",
              ctx->result->files_prefiltered, ctx->result->files_scanned);
      st->has_output = true;
      st->ends_blank = true;
    }
  }

  for (size_t i = 0; i < ctx->result->notice_count; i++) {
    const scl_notice *n = &ctx->result->notices[i];
    scl_level level = n->level == SCL_LEVEL_NONE ? SCL_LEVEL_NOTE : n->level;
    put_styled(ctx, level_color(level), scl_level_str(level));
    fputs(": ", out);
    put_styled(ctx, ANSI_BOLD, n->path ? n->path : "");
    if (level >= SCL_LEVEL_WARNING)
      fprintf(out, ": skipped (%s)", n->kind && *n->kind ? n->kind : "unknown");
    else
      fprintf(out, ": %s", n->kind && *n->kind ? n->kind : "unknown");
    if (n->message && *n->message)
      fprintf(out, ": %s", n->message);
    fputc('\n', out);
    st->has_output = true;
    st->ends_blank = false;
  }
  if (st->has_output && !st->ends_blank)
    fputc('\n', out);
  put_summary(ctx);

cleanup:
  free(st);
  ctx->state = NULL;
  return SCL_OK;
}
