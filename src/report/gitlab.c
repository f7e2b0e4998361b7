/*
 * gitlab.c - the GitLab Code Quality reporter: a JSON array with one issue
 * per finding, for `artifacts: reports: codequality:` in .gitlab-ci.yml.
 *
 *   [{"description", "check_name", "fingerprint", "severity",
 *     "location": {"path", "lines": {"begin"}}}]
 *
 * Only the fields GitLab documents as used are written. check_name is the
 * rule id. severity maps error -> "major", warning -> "minor", note and none
 * -> "info"; "critical" and "blocker" are left for tools whose findings are
 * outages or vulnerabilities. GitLab keeps one issue per fingerprint, so each
 * issue's fingerprint is a hash of the rule id, the path and the finding's
 * own fingerprint, plus an occurrence number when two findings share those
 * three, which keeps every issue in one report distinct.
 *
 * Suppressed and baseline findings are left out unless
 * opts->show_suppressed (the format has no way to mark them). Notices have
 * no place in the format and are not written. The array is built with
 * jansson and dumped once; this file must not write JSON by hand.
 */
#include <stdlib.h>

#include "report/report.h"
#include "util/alloc.h"

/*
 * gitlab_state - the report being built.
 *   issues   owns every json_t of the report
 *   seen     occurrences of each (rule, path, fingerprint) hash
 */
typedef struct gitlab_state {
  json_t *issues;
  scl_report_occ seen;
} gitlab_state;

static const char *severity(scl_level level)
{
  switch (level) {
  case SCL_LEVEL_ERROR: return "major";
  case SCL_LEVEL_WARNING: return "minor";
  case SCL_LEVEL_NOTE:
  case SCL_LEVEL_NONE: break;
  }
  return "info";
}

scl_status scl_report__gitlab_begin(scl_report_ctx *ctx, scl_diag *diag)
{
  gitlab_state *st = scl_xcalloc(1, sizeof(*st));
  st->issues = json_array();
  scl_report__occ_init(&st->seen, ctx->result->finding_count);
  ctx->state = st;
  return SCL_OK;
}

scl_status scl_report__gitlab_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag)
{
  gitlab_state *st = ctx->state;
  const scl_finding *f = &ctx->result->findings[index];
  if (!scl_report__is_shown(ctx, f))
    return SCL_OK;
  const char *path = scl_report__display_path(f->path);
  const char *rule_id = f->rule_id && *f->rule_id ? f->rule_id : "unknown";

  uint64_t h = scl_report__hash_str(SCL_REPORT_FNV_OFFSET, rule_id);
  h = scl_report__hash_str(h, path);
  h = scl_report__hash_str(h, ctx->fingerprints[index]);
  uint32_t n_seen = scl_report__occ_next(&st->seen, h);
  if (n_seen > 0) {
    char occ_text[16];
    snprintf(occ_text, sizeof(occ_text), "%u", (unsigned)n_seen);
    h = scl_report__hash_str(h, occ_text);
  }
  char fp[17];
  snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)h);

  json_t *issue = json_object();
  json_object_set_new(issue, "description",
                      scl_report__jstr(f->message && *f->message ? f->message
                                                                 : "scalability problem"));
  json_object_set_new(issue, "check_name", scl_report__jstr(rule_id));
  json_object_set_new(issue, "fingerprint", json_string(fp));
  json_object_set_new(issue, "severity", json_string(severity(f->level)));
  json_t *lines = json_object();
  json_object_set_new(lines, "begin", json_integer(f->span.start_line ? f->span.start_line : 1));
  json_t *location = json_object();
  json_object_set_new(location, "path", scl_report__jstr(path));
  json_object_set_new(location, "lines", lines);
  json_object_set_new(issue, "location", location);
  json_array_append_new(st->issues, issue);
  return SCL_OK;
}

scl_status scl_report__gitlab_end(scl_report_ctx *ctx, scl_diag *diag)
{
  gitlab_state *st = ctx->state;
  scl_status status = SCL_OK;
  if (!ctx->is_aborted)
    status = scl_report__json_dump(st->issues, ctx->out, diag);
  json_decref(st->issues);
  scl_report__occ_dispose(&st->seen);
  free(st);
  ctx->state = NULL;
  return status;
}
