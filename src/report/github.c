/*
 * github.c - the GitHub Actions reporter: one workflow command per finding,
 * which the runner turns into an annotation on the pull request's diff:
 *
 *   ::error file=app/users.py,line=12,col=19,endLine=12,endColumn=50,title=SCL001 hard-result-cap::MESSAGE
 *
 * error, warning and note map to ::error, ::warning and ::notice (a level of
 * none to ::notice). Each notice (a file that was skipped or only partly
 * parsed) becomes a file-level command too. There is no summary line: it
 * would be one more annotation on every run, and the exit status already
 * says whether the job passed.
 *
 * The runner splits a command at "::" after the properties and the
 * properties at ',' and '=', so values are escaped as the workflow-command
 * syntax requires ('%', CR, LF; in property values also ':' and ','). This
 * file must not write anything but workflow commands, one per line.
 */
#include <string.h>

#include "report/report.h"

/* ---- escaping ---- */

/* Writes s with the escapes the workflow-command parser undoes; is_property
 * also escapes the characters that end a property (',') or the property list
 * (':'). */
static void put_escaped(FILE *out, const char *s, bool is_property)
{
  for (const char *p = s ? s : ""; *p; p++) {
    switch (*p) {
    case '%': fputs("%25", out); break;
    case '\r': fputs("%0D", out); break;
    case '\n': fputs("%0A", out); break;
    case ':':
      if (is_property)
        fputs("%3A", out);
      else
        fputc(':', out);
      break;
    case ',':
      if (is_property)
        fputs("%2C", out);
      else
        fputc(',', out);
      break;
    default: fputc(*p, out); break;
    }
  }
}

static const char *command_name(scl_level level)
{
  switch (level) {
  case SCL_LEVEL_ERROR: return "error";
  case SCL_LEVEL_WARNING: return "warning";
  case SCL_LEVEL_NOTE:
  case SCL_LEVEL_NONE: break;
  }
  return "notice";
}

/* ---- reporter ---- */

scl_status scl_report__github_begin(scl_report_ctx *ctx, scl_diag *diag)
{
  return SCL_OK;
}

scl_status scl_report__github_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag)
{
  const scl_finding *f = &ctx->result->findings[index];
  if (!scl_report__is_shown(ctx, f))
    return SCL_OK;
  FILE *out = ctx->out;
  uint32_t line = f->span.start_line ? f->span.start_line : 1;
  uint32_t end_line = f->span.end_line >= line ? f->span.end_line : line;
  uint32_t col = f->span.start_col ? f->span.start_col : 1;

  fprintf(out, "::%s file=", command_name(f->level));
  put_escaped(out, scl_report__display_path(f->path), true);
  fprintf(out, ",line=%u", (unsigned)line);
  /* GitHub ignores columns on an annotation that spans several lines */
  if (end_line == line) {
    fprintf(out, ",col=%u", (unsigned)col);
    fprintf(out, ",endLine=%u", (unsigned)end_line);
    if (f->span.end_col > col)
      fprintf(out, ",endColumn=%u", (unsigned)f->span.end_col);
  } else {
    fprintf(out, ",endLine=%u", (unsigned)end_line);
  }
  fputs(",title=", out);
  put_escaped(out, f->rule_id && *f->rule_id ? f->rule_id : "unknown", true);
  if (f->slug && *f->slug) {
    fputc(' ', out);
    put_escaped(out, f->slug, true);
  }
  fputs("::", out);
  put_escaped(out, f->message && *f->message ? f->message : "scalability problem", false);

  scl_report_kind kind = scl_report__kind(f);
  if (kind != SCL_REPORT_ACTIVE) {
    bool has_reason = f->justification && *f->justification;
    if (f->suppression != SCL_SUPPRESS_NONE && (kind == SCL_REPORT_SUPPRESSED || has_reason)) {
      fputs(" (suppressed: ", out);
      put_escaped(out,
                  has_reason                                   ? f->justification
                  : f->suppression == SCL_SUPPRESS_IN_SOURCE ? "in source"
                                                               : "by configuration",
                  false);
      fputc(')', out);
    }
    if (kind == SCL_REPORT_UNCHANGED)
      fputs(" (unchanged since baseline)", out);
  }
  fputc('\n', out);
  return SCL_OK;
}

scl_status scl_report__github_end(scl_report_ctx *ctx, scl_diag *diag)
{
  if (ctx->is_aborted)
    return SCL_OK;
  FILE *out = ctx->out;
  for (size_t i = 0; i < ctx->result->notice_count; i++) {
    const scl_notice *n = &ctx->result->notices[i];
    const char *kind = n->kind && *n->kind ? n->kind : "unknown";
    scl_level level = n->level == SCL_LEVEL_NONE ? SCL_LEVEL_NOTE : n->level;
    fprintf(out, "::%s file=", command_name(level));
    put_escaped(out, scl_report__display_path(n->path), true);
    fputs("::", out);
    if (level >= SCL_LEVEL_WARNING) {
      fputs("skipped (", out);
      put_escaped(out, kind, false);
      fputc(')', out);
    } else {
      put_escaped(out, kind, false);
    }
    if (n->message && *n->message) {
      fputs(": ", out);
      put_escaped(out, n->message, false);
    }
    fputc('\n', out);
  }
  return SCL_OK;
}
