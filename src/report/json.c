/*
 * json.c - the machine-readable reporter: one JSON document with the
 * findings (and their related locations), the notices and a summary.
 *
 * The document is built with jansson and dumped once at the end, with keys in
 * insertion order and a 2-space indent, so the same result gives the same
 * bytes. It must never build JSON by hand or escape strings itself.
 *
 *   {"version", "findings": [{"rule_id", "slug", "level", "path", "line",
 *    "column", "end_line", "end_column", "message", "fingerprint",
 *    "suppressed", "suppression", "justification", "baseline_state",
 *    "related": [{"path", "line", "column", "end_line", "end_column",
 *    "message"}]}], "notices": [{"path", "level", "kind", "message"}],
 *    "summary": {"files", "findings", "errors", "warnings", "notes",
 *    "skipped_files", "suppressed", "new", "unchanged"}}
 *
 * Suppressed findings, and those already in the baseline, are listed only
 * with opts->show_suppressed; the summary counts them either way, and its
 * "findings" and per-level counts are the unsuppressed, new ones only.
 * "new" and "unchanged" are null when the run had no baseline.
 */
#include <stdlib.h>

#include "report/report.h"
#include "util/alloc.h"

/*
 * json_state - the document being built.
 *   root       owns everything below it
 *   findings   borrowed from root
 */
typedef struct json_state {
  json_t *root;
  json_t *findings;
} json_state;

static void set_span(json_t *obj, const scl_span *span)
{
  json_object_set_new(obj, "line", json_integer(span->start_line));
  json_object_set_new(obj, "column", json_integer(span->start_col));
  json_object_set_new(obj, "end_line", json_integer(span->end_line));
  json_object_set_new(obj, "end_column", json_integer(span->end_col));
}

/* "in-source" / "external", or null. */
static json_t *suppression_name(scl_suppression s)
{
  switch (s) {
  case SCL_SUPPRESS_IN_SOURCE: return json_string("in-source");
  case SCL_SUPPRESS_EXTERNAL: return json_string("external");
  case SCL_SUPPRESS_NONE: break;
  }
  return json_null();
}

/* "new" / "unchanged" with a baseline (a finding without a state is new),
 * null without one. */
static json_t *baseline_name(const scl_result *r, const scl_finding *f)
{
  if (!r->has_baseline)
    return json_null();
  return json_string(f->baseline_state == SCL_BASELINE_UNCHANGED ? "unchanged" : "new");
}

scl_status scl_report__json_begin(scl_report_ctx *ctx, scl_diag *diag)
{
  json_state *st = scl_xcalloc(1, sizeof(*st));
  st->root = json_object();
  st->findings = json_array();
  json_object_set_new(st->root, "version", json_string(ctx->tool_version));
  json_object_set_new(st->root, "findings", st->findings);
  ctx->state = st;
  return SCL_OK;
}

scl_status scl_report__json_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag)
{
  json_state *st = ctx->state;
  const scl_finding *f = &ctx->result->findings[index];
  if (!scl_report__is_shown(ctx, f))
    return SCL_OK;
  json_t *o = json_object();
  json_object_set_new(o, "rule_id", scl_report__jstr(f->rule_id));
  json_object_set_new(o, "slug", scl_report__jstr(f->slug));
  json_object_set_new(o, "level", json_string(scl_level_str(f->level)));
  json_object_set_new(o, "path", scl_report__jstr(f->path));
  set_span(o, &f->span);
  json_object_set_new(o, "message", scl_report__jstr(f->message));
  json_object_set_new(o, "fingerprint", scl_report__jstr(ctx->fingerprints[index]));
  json_object_set_new(o, "suppressed", json_boolean(f->suppression != SCL_SUPPRESS_NONE));
  json_object_set_new(o, "suppression", suppression_name(f->suppression));
  json_object_set_new(o, "justification", f->justification && *f->justification
                                            ? scl_report__jstr(f->justification)
                                            : json_null());
  json_object_set_new(o, "baseline_state", baseline_name(ctx->result, f));
  json_t *related = json_array();
  for (size_t i = 0; i < f->related_count; i++) {
    const scl_location *loc = &f->related[i];
    json_t *r = json_object();
    json_object_set_new(r, "path", scl_report__jstr(loc->path));
    set_span(r, &loc->span);
    json_object_set_new(r, "message", scl_report__jstr(loc->message));
    json_array_append_new(related, r);
  }
  json_object_set_new(o, "related", related);
  json_array_append_new(st->findings, o);
  return SCL_OK;
}

scl_status scl_report__json_end(scl_report_ctx *ctx, scl_diag *diag)
{
  json_state *st = ctx->state;
  const scl_result *r = ctx->result;
  scl_status status = SCL_OK;
  if (ctx->is_aborted)
    goto cleanup;

  json_t *notices = json_array();
  for (size_t i = 0; i < r->notice_count; i++) {
    const scl_notice *n = &r->notices[i];
    json_t *o = json_object();
    json_object_set_new(o, "path", scl_report__jstr(n->path));
    json_object_set_new(o, "level", json_string(scl_level_str(n->level)));
    json_object_set_new(o, "kind", scl_report__jstr(n->kind));
    json_object_set_new(o, "message", scl_report__jstr(n->message));
    json_array_append_new(notices, o);
  }
  json_object_set_new(st->root, "notices", notices);

  scl_report_counts c;
  scl_report__count(&c, r);
  json_t *sum = json_object();
  json_object_set_new(sum, "files", json_integer((json_int_t)r->files_scanned));
  json_object_set_new(sum, "findings", json_integer((json_int_t)c.active));
  json_object_set_new(sum, "errors", json_integer((json_int_t)c.errors));
  json_object_set_new(sum, "warnings", json_integer((json_int_t)c.warnings));
  json_object_set_new(sum, "notes", json_integer((json_int_t)c.notes));
  json_object_set_new(sum, "skipped_files", json_integer((json_int_t)c.skipped_files));
  json_object_set_new(sum, "suppressed", json_integer((json_int_t)c.suppressed));
  json_object_set_new(sum, "new", r->has_baseline ? json_integer((json_int_t)c.active) : json_null());
  json_object_set_new(sum, "unchanged",
                      r->has_baseline ? json_integer((json_int_t)c.unchanged) : json_null());
  json_object_set_new(st->root, "summary", sum);

  status = scl_report__json_dump(st->root, ctx->out, diag);

cleanup:
  json_decref(st->root);
  free(st);
  ctx->state = NULL;
  return status;
}
