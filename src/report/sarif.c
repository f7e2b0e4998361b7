/*
 * sarif.c - the SARIF 2.1.0 reporter, for GitHub code scanning and other
 * SARIF viewers: one run, one reportingDescriptor per rule, one result per
 * finding (related locations also as a codeFlow), and one
 * toolExecutionNotification per notice.
 *
 * Unlike the other reporters it keeps suppressed findings: SARIF says so with
 * result.suppressions (inSource for a `scalint: ignore` comment, external for
 * the config or the baseline) and, when the run had a baseline, with
 * result.baselineState, so a viewer can choose what to show.
 *
 * Artifact URIs are relative to %SRCROOT%, which originalUriBaseIds maps to
 * the working directory; that absolute URI is the only part of the output
 * that depends on where the scan ran. The document is built with jansson and
 * dumped once, keys in insertion order, so the same result gives the same
 * bytes. This file must not escape JSON by hand, and must not emit a result
 * whose ruleId is missing from tool.driver.rules: findings of rules the result
 * does not describe get a minimal descriptor appended after the known ones.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "util/alloc.h"
#include "util/buf.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_INFO_URI "https://github.com/scalint/scalint"
#define SRCROOT "%SRCROOT%"

/* Longest working directory we record; a longer one leaves %SRCROOT% without
 * a uri (viewers then ask for the checkout root), it never fails the report. */
#define CWD_MAX 4096

/*
 * sarif_state - the log being built.
 *   root            owns every json_t below
 *   rules, results  borrowed from root
 *   cwd             working directory ("" if unknown), to relativise paths
 *   extra_ids       rule ids seen in findings but absent from result->rules,
 *                   in first-seen order; their descriptors follow the known ones
 */
typedef struct sarif_state {
  json_t *root;
  json_t *rules;
  json_t *results;
  char cwd[CWD_MAX];
  const char **extra_ids;
  size_t extra_count;
  size_t extra_cap;
} sarif_state;

/* ---- URIs ---- */

/* Appends s percent-encoded: only RFC 3986 unreserved bytes and '/' are kept,
 * so spaces, '%', ':' (a scheme look-alike) and non-ASCII are all encoded.
 * Backslashes become '/'. */
static void put_uri_path(scl_buf *b, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if (c == '\\')
      c = '/';
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      scl_buf_putc(b, (char)c);
    } else {
      char esc[3] = { '%', hex[c >> 4], hex[c & 0xf] };
      scl_buf_append(b, esc, 3);
    }
  }
}

/* artifactLocation for path: relative to %SRCROOT% when it can be, else an
 * absolute file URI without a base. */
static json_t *artifact_location(const sarif_state *st, const char *path)
{
  json_t *o = json_object();
  scl_buf b;
  scl_buf_init(&b, 0);
  const char *rel = path ? path : "";
  size_t cwd_len = strlen(st->cwd);
  while (rel[0] == '.' && rel[1] == '/')
    rel += 2;
  if (rel[0] == '/' && cwd_len && strncmp(rel, st->cwd, cwd_len) == 0 && rel[cwd_len] == '/')
    rel += cwd_len + 1;
  if (rel[0] == '/') {
    scl_buf_puts(&b, "file://");
    put_uri_path(&b, rel);
    json_object_set_new(o, "uri", scl_report__jstr(scl_buf_cstr(&b)));
  } else {
    put_uri_path(&b, rel[0] ? rel : ".");
    json_object_set_new(o, "uri", scl_report__jstr(scl_buf_cstr(&b)));
    json_object_set_new(o, "uriBaseId", json_string(SRCROOT));
  }
  scl_buf_dispose(&b);
  return o;
}

/* ---- locations ---- */

/* Message text with literal brackets escaped when they would otherwise read
 * as a SARIF embedded link ("[text](n)"); other text is kept as is. */
static json_t *message(const char *text)
{
  json_t *m = json_object();
  const char *s = text ? text : "";
  if (!strstr(s, "](")) {
    json_object_set_new(m, "text", scl_report__jstr(s));
    return m;
  }
  scl_buf b;
  scl_buf_init(&b, 0);
  for (; *s; s++) {
    if (*s == '[' || *s == ']' || *s == '\\')
      scl_buf_putc(&b, '\\');
    scl_buf_putc(&b, *s);
  }
  json_object_set_new(m, "text", scl_report__jstr(scl_buf_cstr(&b)));
  scl_buf_dispose(&b);
  return m;
}

/* region for span, clamped to what SARIF accepts (lines and columns >= 1,
 * end not before start). snippet may be NULL. */
static json_t *region(const scl_span *span, const char *snippet)
{
  json_t *o = json_object();
  uint32_t sl = span->start_line ? span->start_line : 1;
  uint32_t sc = span->start_col ? span->start_col : 1;
  uint32_t el = span->end_line >= sl ? span->end_line : sl;
  uint32_t ec = span->end_col;
  if (el == sl && ec < sc)
    ec = sc;
  json_object_set_new(o, "startLine", json_integer(sl));
  json_object_set_new(o, "startColumn", json_integer(sc));
  json_object_set_new(o, "endLine", json_integer(el));
  if (ec >= 1)
    json_object_set_new(o, "endColumn", json_integer(ec));
  if (snippet) {
    json_t *sn = json_object();
    json_object_set_new(sn, "text", scl_report__jstr(snippet));
    json_object_set_new(o, "snippet", sn);
  }
  return o;
}

static json_t *physical_location(const sarif_state *st, const char *path, const scl_span *span,
                                 const char *snippet)
{
  json_t *o = json_object();
  json_object_set_new(o, "artifactLocation", artifact_location(st, path));
  json_object_set_new(o, "region", region(span, snippet));
  return o;
}

/* A location object; msg may be NULL (no message then). */
static json_t *location(const sarif_state *st, const char *path, const scl_span *span,
                        const char *snippet, const char *msg)
{
  json_t *o = json_object();
  json_object_set_new(o, "physicalLocation", physical_location(st, path, span, snippet));
  if (msg && *msg)
    json_object_set_new(o, "message", message(msg));
  return o;
}

/* ---- rules ---- */

static const char *language_tag(const char *key, size_t len)
{
  static const struct {
    const char *key, *tag;
  } tags[] = {
    { "py", "python" }, { "js", "javascript" }, { "jsx", "javascript" },
    { "ts", "typescript" }, { "tsx", "typescript" }, { "c", "c" }, { "sql", "sql" },
  };
  for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
    if (strlen(tags[i].key) == len && strncmp(tags[i].key, key, len) == 0)
      return tags[i].tag;
  }
  return NULL;
}

static void add_tag(json_t *tags, const char *tag, size_t len)
{
  size_t i;
  json_t *v;
  json_array_foreach(tags, i, v) {
    const char *have = json_string_value(v);
    if (strlen(have) == len && strncmp(have, tag, len) == 0)
      return;
  }
  json_array_append_new(tags, json_stringn(tag, len));
}

static json_t *rule_tags(const char *languages)
{
  json_t *tags = json_array();
  json_array_append_new(tags, json_string("scalability"));
  const char *p = languages ? languages : "";
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *start = p;
    while (*p && *p != ' ' && *p != ',')
      p++;
    size_t len = (size_t)(p - start);
    if (len == 0)
      continue;
    const char *tag = language_tag(start, len);
    if (tag)
      add_tag(tags, tag, strlen(tag));
    else
      add_tag(tags, start, len);
  }
  return tags;
}

static const char *problem_severity(scl_level level)
{
  switch (level) {
  case SCL_LEVEL_ERROR: return "error";
  case SCL_LEVEL_WARNING: return "warning";
  case SCL_LEVEL_NOTE:
  case SCL_LEVEL_NONE: break;
  }
  return "recommendation";
}

static bool has_text(const char *s)
{
  return s && *s;
}

static json_t *text_object(const char *key, const char *text)
{
  json_t *o = json_object();
  json_object_set_new(o, key, scl_report__jstr(text));
  return o;
}

static json_t *rule_descriptor(const scl_rule_info *rule)
{
  json_t *d = json_object();
  const char *id = has_text(rule->id) ? rule->id : "unknown";
  const char *title = has_text(rule->title) ? rule->title : has_text(rule->slug) ? rule->slug : id;
  json_object_set_new(d, "id", scl_report__jstr(id));
  if (has_text(rule->slug))
    json_object_set_new(d, "name", scl_report__jstr(rule->slug));
  json_object_set_new(d, "shortDescription", text_object("text", title));

  scl_buf b;
  scl_buf_init(&b, 0);
  scl_buf_puts(&b, title);
  if (has_text(rule->why))
    scl_buf_printf(&b, " %s", rule->why);
  json_object_set_new(d, "fullDescription", text_object("text", scl_buf_cstr(&b)));
  json_object_set_new(d, "defaultConfiguration",
                      text_object("level", scl_level_str(rule->level)));

  json_t *help = json_object();
  if (has_text(rule->doc)) {
    json_object_set_new(help, "text", scl_report__jstr(rule->doc));
    json_object_set_new(help, "markdown", scl_report__jstr(rule->doc));
  } else {
    /* no doc: text and markdown from the one-liners, as paragraphs in the
     * markdown (GitHub shows markdown when there is some) */
    scl_buf md;
    scl_buf_init(&md, 0);
    scl_buf_puts(&md, title);
    if (has_text(rule->why))
      scl_buf_printf(&md, "\n\n%s", rule->why);
    if (has_text(rule->instead)) {
      scl_buf_printf(&b, " Instead: %s", rule->instead);
      scl_buf_printf(&md, "\n\nInstead: %s", rule->instead);
    }
    json_object_set_new(help, "text", scl_report__jstr(scl_buf_cstr(&b)));
    json_object_set_new(help, "markdown", scl_report__jstr(scl_buf_cstr(&md)));
    scl_buf_dispose(&md);
  }
  scl_buf_dispose(&b);
  json_object_set_new(d, "help", help);
  if (has_text(rule->help_uri))
    json_object_set_new(d, "helpUri", scl_report__jstr(rule->help_uri));

  json_t *props = json_object();
  json_object_set_new(props, "tags", rule_tags(rule->languages));
  /* No rule declares its precision yet; error-level rules are the ones whose
   * patterns we trust enough to fail a build on. */
  json_object_set_new(props, "precision",
                      json_string(rule->level == SCL_LEVEL_ERROR ? "high" : "medium"));
  json_object_set_new(props, "problem.severity", json_string(problem_severity(rule->level)));
  json_object_set_new(d, "properties", props);
  return d;
}

/* Index of rule id in tool.driver.rules, appending a minimal descriptor for
 * an id the result does not describe. */
static size_t rule_index(scl_report_ctx *ctx, const scl_finding *f)
{
  sarif_state *st = ctx->state;
  size_t idx;
  const char *id = has_text(f->rule_id) ? f->rule_id : "unknown";
  if (scl_report__rule(ctx, id, &idx))
    return idx;
  for (size_t i = 0; i < st->extra_count; i++) {
    if (strcmp(st->extra_ids[i], id) == 0)
      return ctx->result->rule_count + i;
  }
  if (st->extra_count == st->extra_cap) {
    st->extra_cap = st->extra_cap ? st->extra_cap * 2 : 8;
    st->extra_ids = scl_xrealloc(st->extra_ids, st->extra_cap * sizeof(*st->extra_ids));
  }
  st->extra_ids[st->extra_count++] = id;
  scl_rule_info info = { .id = id, .slug = f->slug, .level = f->level };
  json_array_append_new(st->rules, rule_descriptor(&info));
  return ctx->result->rule_count + st->extra_count - 1;
}

/* ---- run ---- */

static json_t *driver(const scl_report_ctx *ctx, sarif_state *st)
{
  json_t *d = json_object();
  json_object_set_new(d, "name", json_string("scalint"));
  json_object_set_new(d, "version", scl_report__jstr(ctx->tool_version));
  json_object_set_new(d, "semanticVersion", scl_report__jstr(ctx->tool_version));
  json_object_set_new(d, "informationUri", json_string(SARIF_INFO_URI));
  st->rules = json_array();
  for (size_t i = 0; i < ctx->result->rule_count; i++)
    json_array_append_new(st->rules, rule_descriptor(&ctx->result->rules[i]));
  json_object_set_new(d, "rules", st->rules);
  return d;
}

static json_t *srcroot(const sarif_state *st)
{
  json_t *base = json_object();
  if (st->cwd[0] == '/') {
    scl_buf b;
    scl_buf_init(&b, 0);
    scl_buf_puts(&b, "file://");
    put_uri_path(&b, st->cwd);
    if (b.len == 0 || b.data[b.len - 1] != '/')
      scl_buf_putc(&b, '/');
    json_object_set_new(base, "uri", scl_report__jstr(scl_buf_cstr(&b)));
    scl_buf_dispose(&b);
  }
  json_object_set_new(base, "description", text_object("text", "The directory scalint ran in."));
  json_t *ids = json_object();
  json_object_set_new(ids, SRCROOT, base);
  return ids;
}

static json_t *invocation(const sarif_state *st, const scl_result *r)
{
  json_t *inv = json_object();
  json_object_set_new(inv, "executionSuccessful", json_true());
  if (r->notice_count == 0)
    return inv;
  json_t *notes = json_array();
  for (size_t i = 0; i < r->notice_count; i++) {
    const scl_notice *n = &r->notices[i];
    const char *kind = has_text(n->kind) ? n->kind : "unknown";
    scl_level level = n->level == SCL_LEVEL_NONE ? SCL_LEVEL_NOTE : n->level;
    json_t *o = json_object();
    json_object_set_new(o, "level", json_string(scl_level_str(level)));
    scl_buf b;
    scl_buf_init(&b, 0);
    scl_buf_printf(&b, "%s: %s", kind, n->message ? n->message : "");
    json_object_set_new(o, "message", message(scl_buf_cstr(&b)));
    scl_buf_dispose(&b);
    json_t *pl = json_object();
    json_object_set_new(pl, "artifactLocation", artifact_location(st, n->path));
    json_t *loc = json_object();
    json_object_set_new(loc, "physicalLocation", pl);
    json_t *locs = json_array();
    json_array_append_new(locs, loc);
    json_object_set_new(o, "locations", locs);
    json_object_set_new(o, "descriptor", text_object("id", kind));
    json_array_append_new(notes, o);
  }
  json_object_set_new(inv, "toolExecutionNotifications", notes);
  return inv;
}

scl_status scl_report__sarif_begin(scl_report_ctx *ctx, scl_diag *diag)
{
  sarif_state *st = scl_xcalloc(1, sizeof(*st));
  if (!getcwd(st->cwd, sizeof(st->cwd)))
    st->cwd[0] = '\0';
  ctx->state = st;

  st->root = json_object();
  json_object_set_new(st->root, "$schema", json_string(SARIF_SCHEMA));
  json_object_set_new(st->root, "version", json_string("2.1.0"));
  json_t *runs = json_array();
  json_t *run = json_object();
  json_t *tool = json_object();
  json_object_set_new(tool, "driver", driver(ctx, st));
  json_object_set_new(run, "tool", tool);
  if (has_text(ctx->opts->automation_id)) {
    json_t *automation = json_object();
    json_object_set_new(automation, "id", scl_report__jstr(ctx->opts->automation_id));
    json_object_set_new(run, "automationDetails", automation);
  }
  json_object_set_new(run, "originalUriBaseIds", srcroot(st));
  json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
  json_t *invocations = json_array();
  json_array_append_new(invocations, invocation(st, ctx->result));
  json_object_set_new(run, "invocations", invocations);
  st->results = json_array();
  json_object_set_new(run, "results", st->results);
  json_array_append_new(runs, run);
  json_object_set_new(st->root, "runs", runs);
  return SCL_OK;
}

/* ---- results ---- */

static json_t *code_flow(const sarif_state *st, const scl_finding *f)
{
  json_t *locs = json_array();
  for (size_t i = 0; i < f->related_count; i++) {
    const scl_location *rl = &f->related[i];
    json_t *tfl = json_object();
    json_object_set_new(tfl, "location", location(st, rl->path, &rl->span, NULL, rl->message));
    json_array_append_new(locs, tfl);
  }
  json_t *tfl = json_object();
  json_object_set_new(tfl, "location", location(st, f->path, &f->span, NULL, f->message));
  json_array_append_new(locs, tfl);

  json_t *thread = json_object();
  json_object_set_new(thread, "locations", locs);
  json_t *threads = json_array();
  json_array_append_new(threads, thread);
  json_t *flow = json_object();
  json_object_set_new(flow, "threadFlows", threads);
  json_t *flows = json_array();
  json_array_append_new(flows, flow);
  return flows;
}

/* result.suppressions for f, or NULL when it is not suppressed. The
 * justification is the comment's reason, or a note of the suppression's
 * origin when there is none. */
static json_t *suppressions(const scl_finding *f)
{
  const char *kind;
  switch (f->suppression) {
  case SCL_SUPPRESS_IN_SOURCE: kind = "inSource"; break;
  case SCL_SUPPRESS_EXTERNAL: kind = "external"; break;
  case SCL_SUPPRESS_NONE:
  default: return NULL;
  }
  /* A suppression without a reason still says where it came from, so a
   * viewer never shows a bare "suppressed". */
  const char *why = f->justification;
  if (!has_text(why)) {
    if (f->suppression == SCL_SUPPRESS_IN_SOURCE)
      why = "scalint: ignore comment (no reason given)";
    else if (f->baseline_state == SCL_BASELINE_UNCHANGED)
      why = "already in the baseline";
    else
      why = "ignored by the configuration";
  }
  json_t *s = json_object();
  json_object_set_new(s, "kind", json_string(kind));
  json_object_set_new(s, "justification", scl_report__jstr(why));
  json_t *arr = json_array();
  json_array_append_new(arr, s);
  return arr;
}

scl_status scl_report__sarif_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag)
{
  sarif_state *st = ctx->state;
  const scl_finding *f = &ctx->result->findings[index];
  json_t *res = json_object();
  json_object_set_new(res, "ruleId", scl_report__jstr(has_text(f->rule_id) ? f->rule_id
                                                                            : "unknown"));
  json_object_set_new(res, "ruleIndex", json_integer((json_int_t)rule_index(ctx, f)));
  json_object_set_new(res, "level", json_string(scl_level_str(f->level)));
  json_object_set_new(res, "message",
                      message(has_text(f->message) ? f->message
                              : has_text(f->slug) ? f->slug : "scalability problem"));
  json_t *locs = json_array();
  json_array_append_new(locs, location(st, f->path, &f->span, f->line_text, NULL));
  json_object_set_new(res, "locations", locs);

  json_t *fps = json_object();
  json_object_set_new(fps, "primaryLocationLineHash", scl_report__jstr(ctx->fingerprints[index]));
  json_object_set_new(fps, "scalint/v1", scl_report__jstr(ctx->fingerprints[index]));
  json_object_set_new(res, "partialFingerprints", fps);

  if (f->related_count > 0) {
    json_t *related = json_array();
    for (size_t i = 0; i < f->related_count; i++) {
      const scl_location *rl = &f->related[i];
      json_t *loc = location(st, rl->path, &rl->span, NULL, rl->message);
      json_object_set_new(loc, "id", json_integer((json_int_t)(i + 1)));
      json_array_append_new(related, loc);
    }
    json_object_set_new(res, "relatedLocations", related);
    json_object_set_new(res, "codeFlows", code_flow(st, f));
  }
  json_t *sup = suppressions(f);
  if (sup)
    json_object_set_new(res, "suppressions", sup);
  if (ctx->result->has_baseline)
    json_object_set_new(res, "baselineState",
                        json_string(f->baseline_state == SCL_BASELINE_UNCHANGED ? "unchanged"
                                                                                : "new"));
  json_array_append_new(st->results, res);
  return SCL_OK;
}

scl_status scl_report__sarif_end(scl_report_ctx *ctx, scl_diag *diag)
{
  sarif_state *st = ctx->state;
  scl_status status = SCL_OK;
  if (!ctx->is_aborted)
    status = scl_report__json_dump(st->root, ctx->out, diag);
  json_decref(st->root);
  free(st->extra_ids);
  free(st);
  ctx->state = NULL;
  return status;
}
