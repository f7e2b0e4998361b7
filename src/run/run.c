/*
 * run.c - one scan from start to end: load rules, discover files, then a pool
 * of worker threads reads, parses and matches each file (pass 1, which also
 * leaves a summary per file), the link stage joins the summaries into
 * cross-file "through a call" findings (pass 2), and the results are merged
 * and sorted so the output never depends on thread timing.
 *
 * This file orchestrates only: it must not know any parser, rule syntax or
 * output format. It never prints; problems become scl_diag or notices.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "config/config.h"
#include "discover/discover.h"
#include "engine/engine.h"
#include "engine/prefilter.h"
#include "engine/regex.h"
#include "frontend/dump.h"
#include "frontend/frontend.h"
#include "link/link.h"
#include "link/wanted.h"
#include "run/shard.h"
#include "scalint/scalint.h"
#include "suppress/suppress.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/litset.h"
#include "util/vec.h"

/* Upper bound on worker threads: beyond this, memory for per-worker parsers
 * costs more than the cores give back on any machine we target. */
#define MAX_JOBS 64

struct worker;

/*
 * run_result - the public result plus the memory behind it.
 *   arena     rule infos' strings
 *   workers   the scan's workers, whose out arenas hold the findings' and
 *             notices' strings (NULL for a rules-only result)
 */
typedef struct run_result {
  scl_result pub;
  scl_arena arena;
  struct worker *workers;
  unsigned worker_count;
} run_result;

void scl_run_opts_init(scl_run_opts *opts)
{
  memset(opts, 0, sizeof(*opts));
}

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ==== rules ============================================================= */

/*
 * settings - the configuration file (NULL when none) and the caller's
 * options merged with it (command-line select/ignore win, rule dirs add up).
 */
typedef struct settings {
  scl_config *cfg;
  scl_config_opts merged;
} settings;

static scl_status settings_load(settings *s, const scl_run_opts *opts, scl_error_fn on_error,
                                void *payload, scl_diag *diag)
{
  memset(s, 0, sizeof(*s));
  scl_status st = scl_config_resolve(&s->cfg, opts, on_error, payload, diag);
  if (st != SCL_OK)
    return st;
  scl_config_merge(&s->merged, s->cfg, opts, -1);
  return SCL_OK;
}

static void settings_dispose(settings *s)
{
  scl_config_opts_dispose(&s->merged);
  scl_config_free(s->cfg);
}

/* Discovery's exclude hook: the config's `exclude` globs. */
static bool config_excludes(const char *abs_path, bool is_dir, void *payload)
{
  char *rel = scl_config_rel_path(payload, abs_path);
  bool excluded = rel && *rel && scl_config_excluded(payload, rel, is_dir);
  free(rel);
  return excluded;
}

/* Drops the findings the config's per-path-ignores cover. */
static void apply_path_ignores(scl_result *res, const scl_config *cfg)
{
  if (!cfg || cfg->path_ignore_count == 0)
    return;
  size_t n = 0;
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *f = &res->findings[i];
    char *rel = scl_config_rel_path(cfg, f->path);
    bool drop = rel && scl_config_path_ignored(cfg, rel, f->rule_id, f->slug);
    free(rel);
    if (!drop)
      res->findings[n++] = *f;
  }
  res->finding_count = n;
}

static scl_status load_rules(scl_ruleset **out, const scl_run_opts *opts, const scl_config *cfg,
                             scl_error_fn on_error, void *payload, scl_diag *diag)
{
  scl_ruleset *rs = NULL;
  scl_status st = scl_frontends_init(diag);
  if (st != SCL_OK)
    return st;
  st = scl_ruleset_new(&rs, diag);
  if (st != SCL_OK)
    return st;

  scl_status load_st = SCL_OK;
  if (!opts->no_builtin) {
    st = scl_ruleset_add_builtin(rs, on_error, payload, diag);
    if (st != SCL_OK)
      load_st = st;
  }
  for (size_t i = 0; i < opts->rule_dir_count; i++) {
    scl_diag d;
    scl_diag_clear(&d);
    st = scl_ruleset_add_path(rs, opts->rule_dirs[i], on_error, payload, &d);
    if (st != SCL_OK && load_st == SCL_OK) {
      load_st = st;
      if (diag)
        *diag = d;
    }
    if (st == SCL_EIO && on_error)
      on_error(&d, payload);
  }
  if (load_st != SCL_OK) {
    st = load_st;
    goto cleanup;
  }
  st = scl_config_apply_rules(cfg, rs, on_error, payload, diag);
  if (st != SCL_OK)
    goto cleanup;
  st = scl_ruleset_filter(rs, opts->select, opts->select_count, opts->ignore,
                          opts->ignore_count, diag);
  if (st != SCL_OK)
    goto cleanup;
  st = scl_ruleset_compile(rs, on_error, payload, diag);

cleanup:
  if (st != SCL_OK) {
    scl_ruleset_free(rs);
    return st;
  }
  *out = rs;
  return SCL_OK;
}

static run_result *result_new(void)
{
  run_result *r = scl_xcalloc(1, sizeof(*r));
  scl_arena_init(&r->arena);
  return r;
}

static void copy_rule_infos(run_result *r, const scl_ruleset *rs)
{
  size_t n = scl_ruleset_count(rs);
  r->pub.rules = scl_arena_alloc(&r->arena, (n ? n : 1) * sizeof(scl_rule_info));
  r->pub.rule_count = n;
  for (size_t i = 0; i < n; i++) {
    const scl_rule_info *src = scl_ruleset_info(rs, i);
    scl_rule_info *dst = &r->pub.rules[i];
    dst->id = scl_arena_strdup(&r->arena, src->id);
    dst->slug = scl_arena_strdup(&r->arena, src->slug);
    dst->level = src->level;
    dst->languages = scl_arena_strdup(&r->arena, src->languages);
    dst->title = scl_arena_strdup(&r->arena, src->title);
    dst->why = scl_arena_strdup(&r->arena, src->why);
    dst->instead = scl_arena_strdup(&r->arena, src->instead);
    dst->doc = scl_arena_strdup(&r->arena, src->doc);
    dst->help_uri = scl_arena_strdup(&r->arena, src->help_uri);
    dst->origin = scl_arena_strdup(&r->arena, src->origin);
  }
}

/* Each rule's prefilter condition per language, for `scalint explain`. */
static void describe_prefilter(run_result *r, const scl_ruleset *rs)
{
  static const scl_lang langs[] = {SCL_LANG_PY, SCL_LANG_JS, SCL_LANG_TS, SCL_LANG_C,
                                   SCL_LANG_SQL};
  scl_prefilter *pf = NULL;
  if (scl_prefilter_new(&pf, rs, NULL) != SCL_OK)
    return;
  for (size_t i = 0; i < r->pub.rule_count; i++) {
    scl_buf b;
    scl_buf_init(&b, 1u << 20);
    for (size_t k = 0; k < sizeof(langs) / sizeof(langs[0]); k++) {
      const char *text = scl_prefilter_describe(pf, r->pub.rules[i].id, langs[k]);
      if (!text)
        continue;
      scl_buf_printf(&b, "%s%s: %s%s", b.len ? "\n" : "", scl_lang_name(langs[k]),
                     strcmp(text, "TRUE") ? text : "(none: every file is parsed)",
                     scl_prefilter_is_active(pf, langs[k]) ? ""
                                                           : " [not filtered: another rule "
                                                             "needs every file]");
    }
    r->pub.rules[i].prefilter = scl_arena_strdup(&r->arena, scl_buf_cstr(&b));
    scl_buf_dispose(&b);
  }
  scl_prefilter_free(pf);
}

scl_status scl_rules_list(scl_result **out, const scl_run_opts *opts, scl_error_fn on_error,
                          void *payload, scl_diag *diag)
{
  scl_ruleset *rs = NULL;
  settings set;
  *out = NULL;
  scl_status st = settings_load(&set, opts, on_error, payload, diag);
  if (st != SCL_OK)
    return st;
  st = load_rules(&rs, &set.merged.opts, set.cfg, on_error, payload, diag);
  settings_dispose(&set);
  if (st != SCL_OK)
    return st;
  run_result *r = result_new();
  copy_rule_infos(r, rs);
  describe_prefilter(r, rs);
  scl_ruleset_free(rs);
  if (!opts->no_unused_suppressions)
    scl_suppress_add_rule_info(&r->pub, &r->arena);
  *out = &r->pub;
  return SCL_OK;
}

/* ==== workers =========================================================== */

/*
 * scan_shared - what all workers read, plus the next-file counter.
 *   order   indices into sources, largest file first, so a big file picked
 *           last does not leave one core busy while the others idle
 *   pf      the prefilter, or NULL when this pass parses every file it gets
 */
typedef struct scan_shared {
  const scl_ruleset *rs;
  const scl_prefilter *pf;
  const scl_source_list *sources;
  const size_t *order;
  size_t order_count;
  size_t max_file_bytes;
  scl_cache *cache;      /* NULL: no incremental cache */
  bool parse_only;       /* parse and convert, match nothing (the benchmark's floor) */
  scl_c_mode c_mode;
  atomic_size_t next;
} scan_shared;

/* worker - one thread's state and its share of the output. */
typedef struct worker {
  pthread_t thread;
  scan_shared *shared;
  scl_arena out_arena;   /* findings' and notices' strings: run lifetime */
  scl_arena scratch;     /* one file's bytes-derived data: reset per file */
  scl_finding_vec findings;
  scl_notice_vec notices;
  SCL_VEC(scl_file_summary) summaries; /* files with calls, deferred or keyed findings */
  SCL_VEC(const char *) scanned; /* paths parsed and matched (borrowed from sources) */
  SCL_VEC(size_t) prefiltered;   /* indices into sources: read, not parsed (no rule wants them) */
  size_t files_scanned;
  size_t bytes_scanned;
  scl_status fatal;      /* a frontend could not be created */
  scl_diag fatal_diag;
} worker;

static void add_notice(worker *w, const char *path, scl_level level, const char *kind,
                       const char *message)
{
  scl_notice n;
  n.path = scl_arena_strdup(&w->out_arena, path);
  n.level = level;
  n.kind = scl_arena_strdup(&w->out_arena, kind);
  n.message = scl_arena_strdup(&w->out_arena, message);
  SCL_VEC_PUSH(&w->notices, n);
}

/* A cache hit stands in for parsing and matching src: the entry's
 * findings, notices, summary and counts, as scan_one would have left them.
 * Fills key either way (scan_one stores under it on a miss). */
static bool cache_replay(worker *w, scl_cache_key *key, const scl_source *src, const char *data,
                         size_t len)
{
  scl_cache_entry e;
  scl_cache_key_file(key, w->shared->cache, src->path, src->lang, data, len);
  if (!scl_cache_get(&e, &w->findings, &w->notices, w->shared->cache, key, &w->out_arena))
    return false;
  if (e.has_summary)
    SCL_VEC_PUSH(&w->summaries, e.summary);
  if (e.is_scanned)
    SCL_VEC_PUSH(&w->scanned, src->path);
  if (e.is_counted) {
    w->files_scanned++;
    w->bytes_scanned += len;
  }
  return true;
}

/* --parse-only: what scan_one does up to the tree, with the same reads,
 * front-ends and notices, then nothing: no engine, no cache, no summary. */
static void parse_one(worker *w, scl_frontend *fe, const scl_source *src)
{
  char *data = NULL;
  size_t len = 0;
  scl_diag d;
  scl_diag_clear(&d);

  if (src->skip_kind) {
    add_notice(w, src->path, SCL_LEVEL_WARNING, src->skip_kind,
               src->skip_message ? src->skip_message : src->skip_kind);
    return;
  }
  if (!scl_ruleset_wants(w->shared->rs, src->lang))
    return;
  scl_status st = scl_discover_read(&data, &len, src->path, w->shared->max_file_bytes, &d);
  if (st != SCL_OK) {
    const char *kind = st == SCL_EIO ? "unreadable" : strstr(d.msg, "binary") ? "binary"
                                                                             : "too-large";
    add_notice(w, src->path, SCL_LEVEL_WARNING, kind, d.msg);
    return;
  }
  scl_arena_reset(&w->scratch);
  scl_tree tree;
  st = scl_frontend_parse(&tree, fe, src->lang, src->path, data, len, &w->scratch, &d);
  if (st != SCL_OK)
    add_notice(w, src->path, SCL_LEVEL_WARNING, st == SCL_ELIMIT ? "limit" : "parse-error",
               d.msg);
  else {
    w->files_scanned++;
    w->bytes_scanned += len;
  }
  free(data);
}

static void scan_one(worker *w, scl_frontend *fe, const scl_source *src)
{
  scan_shared *sh = w->shared;
  char *data = NULL;
  size_t len = 0;
  scl_diag d;
  scl_diag_clear(&d);

  if (src->skip_kind) {
    add_notice(w, src->path, SCL_LEVEL_WARNING, src->skip_kind,
               src->skip_message ? src->skip_message : src->skip_kind);
    return;
  }
  if (!scl_ruleset_wants(sh->rs, src->lang))
    return;
  scl_status st = scl_discover_read(&data, &len, src->path, sh->max_file_bytes, &d);
  if (st != SCL_OK) {
    const char *kind = st == SCL_EIO ? "unreadable" : strstr(d.msg, "binary") ? "binary"
                                                                             : "too-large";
    add_notice(w, src->path, SCL_LEVEL_WARNING, kind, d.msg);
    return;
  }
  if (sh->pf && !scl_prefilter_wants(sh->pf, src->lang, data, len)) {
    SCL_VEC_PUSH(&w->prefiltered, (size_t)(src - sh->sources->items));
    free(data);
    return;
  }

  scl_cache_key key;
  if (sh->cache && cache_replay(w, &key, src, data, len)) {
    free(data);
    return;
  }
  size_t findings_before = w->findings.count, notices_before = w->notices.count;
  size_t summaries_before = w->summaries.count, scanned_before = w->scanned.count;
  size_t files_before = w->files_scanned;

  scl_arena_reset(&w->scratch);
  scl_tree tree;
  st = scl_frontend_parse(&tree, fe, src->lang, src->path, data, len, &w->scratch, &d);
  if (st != SCL_OK) {
    add_notice(w, src->path, SCL_LEVEL_WARNING, st == SCL_ELIMIT ? "limit" : "parse-error",
               d.msg);
    goto cleanup;
  }
  if (tree.has_errors && src->lang != SCL_LANG_C)
    add_notice(w, src->path, SCL_LEVEL_NOTE, "syntax-error",
               "the file has syntax errors; findings in the broken parts may be missing");

  scl_file_summary sum;
  st = scl_engine_scan(&w->findings, &w->notices, &sum, &w->out_arena, sh->rs, &tree, src->lang,
                       src->path, &w->scratch, &d);
  if (st != SCL_OK)
    add_notice(w, src->path, SCL_LEVEL_WARNING, "engine", d.msg);
  else if (sum.call_count || sum.deferred_count || sum.keyed_count || sum.cancel_key_count)
    SCL_VEC_PUSH(&w->summaries, sum);
  if (st == SCL_OK)
    SCL_VEC_PUSH(&w->scanned, src->path);
  w->files_scanned++;
  w->bytes_scanned += len;

cleanup:
  if (sh->cache && data) {
    scl_cache_entry e = {w->files_scanned > files_before, w->scanned.count > scanned_before,
                         w->summaries.count > summaries_before, {0}};
    if (e.has_summary)
      e.summary = w->summaries.items[summaries_before];
    scl_cache_put(sh->cache, &key, w->findings.items + findings_before,
                  w->findings.count - findings_before, w->notices.items + notices_before,
                  w->notices.count - notices_before, &e);
  }
  free(data);
}

static void *worker_main(void *arg)
{
  worker *w = arg;
  scl_frontend *fe = NULL;
  w->fatal = scl_frontend_new(&fe, &w->fatal_diag);
  if (w->fatal == SCL_OK) {
    size_t n = w->shared->order_count;
    scl_frontend_set_c_mode(fe, w->shared->c_mode);
    for (;;) {
      size_t i = atomic_fetch_add(&w->shared->next, 1);
      if (i >= n)
        break;
      const scl_source *src = &w->shared->sources->items[w->shared->order[i]];
      if (w->shared->parse_only)
        parse_one(w, fe, src);
      else
        scan_one(w, fe, src);
    }
  }
  scl_frontend_free(fe);
  scl_arena_dispose(&w->scratch);
  scl_regex_thread_cleanup();
  return NULL;
}

/* Runs the workers over sh's order (worker 0 on this thread, so a one-job
 * scan starts no thread at all); a worker that could not start its
 * front-ends fails the run. */
static scl_status run_pass(run_result *r, scan_shared *sh, unsigned jobs, scl_diag *diag)
{
  atomic_store(&sh->next, 0);
  if (jobs > r->worker_count)
    jobs = r->worker_count;
  unsigned started = 1;
  for (unsigned i = 1; i < jobs; i++, started++)
    if (pthread_create(&r->workers[i].thread, NULL, worker_main, &r->workers[i]) != 0)
      break;
  worker_main(&r->workers[0]);
  for (unsigned i = 1; i < started; i++)
    pthread_join(r->workers[i].thread, NULL);
  for (unsigned i = 0; i < r->worker_count; i++)
    if (r->workers[i].fatal != SCL_OK) {
      if (diag)
        *diag = r->workers[i].fatal_diag;
      return r->workers[i].fatal;
    }
  return SCL_OK;
}

/* Whether the file at path mentions one of names' literals. A file that can
 * no longer be read is left out (it was read a moment ago; its notice, if
 * it vanished, is not this pass's to give). */
static bool mentions(const scl_litset *names, uint8_t *hit, const char *path, size_t max_bytes)
{
  char *data = NULL;
  size_t len = 0;
  if (scl_discover_read(&data, &len, path, max_bytes, NULL) != SCL_OK)
    return false;
  memset(hit, 0, scl_litset_count(names));
  bool found = scl_litset_scan(names, data, len, hit) > 0;
  free(data);
  return found;
}

/*
 * The prefilter's second pass (prefilter.h, link/wanted.h): files that no
 * rule wanted can still hold the caller, in a loop or a handler, of a
 * function another file's rule found doing the work. Parse the skipped files
 * that mention such a function (or its module), then ask again with what
 * they add, until no skipped file mentions a wanted name.
 */
static scl_status prefiltered_pass(run_result *r, scan_shared *sh, size_t max_bytes,
                                   scl_diag *diag)
{
  SCL_VEC(size_t) pending = {0};
  SCL_VEC(size_t) next = {0};
  scl_status st = SCL_OK;
  if (!max_bytes)
    max_bytes = SCL_MAX_FILE_BYTES;
  for (unsigned i = 0; i < r->worker_count; i++) {
    worker *w = &r->workers[i];
    for (size_t j = 0; j < w->prefiltered.count; j++)
      SCL_VEC_PUSH(&pending, w->prefiltered.items[j]);
    SCL_VEC_FREE(&w->prefiltered);
  }
  sh->pf = NULL; /* from here on every file handed out is parsed */
  for (int round = 0; round <= SCL_MAX_CALL_DEPTH && pending.count && st == SCL_OK; round++) {
    size_t count = 0, k = 0;
    for (unsigned i = 0; i < r->worker_count; i++)
      count += r->workers[i].summaries.count;
    const scl_file_summary **sums = scl_xmalloc((count ? count : 1) * sizeof(*sums));
    for (unsigned i = 0; i < r->worker_count; i++)
      for (size_t j = 0; j < r->workers[i].summaries.count; j++)
        sums[k++] = &r->workers[i].summaries.items[j];
    const char **names = NULL;
    size_t name_count = scl_link_wanted(&names, &r->arena, sums, count);
    free(sums);
    scl_litset *ls = scl_litset_new();
    for (size_t i = 0; i < name_count; i++)
      scl_litset_add(ls, names[i], strlen(names[i]), SCL_LIT_WORD_START | SCL_LIT_WORD_END);
    free(names);
    scl_litset_build(ls);
    next.count = 0;
    if (name_count) {
      uint8_t *hit = scl_xmalloc(name_count);
      size_t keep = 0;
      for (size_t i = 0; i < pending.count; i++) {
        const scl_source *src = &sh->sources->items[pending.items[i]];
        if (mentions(ls, hit, src->path, max_bytes))
          SCL_VEC_PUSH(&next, pending.items[i]);
        else
          pending.items[keep++] = pending.items[i];
      }
      pending.count = keep;
      free(hit);
    }
    scl_litset_free(ls);
    if (!next.count)
      break;
    sh->order = next.items;
    sh->order_count = next.count;
    st = run_pass(r, sh, (unsigned)(next.count < r->worker_count ? next.count : r->worker_count),
                  diag);
  }
  /* a file the prefilter ruled out was still scanned, by its bytes */
  r->pub.files_prefiltered = pending.count;
  for (size_t i = 0; i < pending.count; i++) {
    r->workers[0].files_scanned++;
    r->workers[0].bytes_scanned += sh->sources->items[pending.items[i]].size;
  }
  SCL_VEC_FREE(&pending);
  SCL_VEC_FREE(&next);
  return st;
}

/* ==== merge ============================================================= */

static int cmp_finding(const void *a, const void *b)
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

static int cmp_notice(const void *a, const void *b)
{
  const scl_notice *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  c = strcmp(x->kind, y->kind);
  return c ? c : strcmp(x->message, y->message);
}

/* Pass 2: the link stage over every worker's summaries. Its findings'
 * strings stay in the workers' out arenas; new ones go to r's arena. */
static void link_summaries(scl_link_result *lr, run_result *r, worker *ws, unsigned n)
{
  size_t count = 0, k = 0;
  for (unsigned i = 0; i < n; i++)
    count += ws[i].summaries.count;
  const scl_file_summary **sums = scl_xmalloc((count ? count : 1) * sizeof(*sums));
  for (unsigned i = 0; i < n; i++)
    for (size_t j = 0; j < ws[i].summaries.count; j++)
      sums[k++] = &ws[i].summaries.items[j];
  scl_link(lr, &r->arena, sums, count, NULL);
  free(sums);
  for (unsigned i = 0; i < n; i++)
    SCL_VEC_FREE(&ws[i].summaries);
}

/* Moves every worker's findings and notices, and the link stage's, into r;
 * their strings stay in the workers' out arenas and r's arena, which r keeps
 * until scl_result_free(). */
static void merge(run_result *r, worker *ws, unsigned n, scl_link_result *lr)
{
  size_t nf = lr->finding_count, nn = lr->notice_count;
  for (unsigned i = 0; i < n; i++) {
    nf += ws[i].findings.count;
    nn += ws[i].notices.count;
  }
  r->pub.findings = scl_xcalloc(nf ? nf : 1, sizeof(scl_finding));
  r->pub.notices = scl_xcalloc(nn ? nn : 1, sizeof(scl_notice));
  for (unsigned i = 0; i < n; i++) {
    if (ws[i].findings.count)
      memcpy(r->pub.findings + r->pub.finding_count, ws[i].findings.items,
             ws[i].findings.count * sizeof(scl_finding));
    r->pub.finding_count += ws[i].findings.count;
    if (ws[i].notices.count)
      memcpy(r->pub.notices + r->pub.notice_count, ws[i].notices.items,
             ws[i].notices.count * sizeof(scl_notice));
    r->pub.notice_count += ws[i].notices.count;
    r->pub.files_scanned += ws[i].files_scanned;
    r->pub.bytes_scanned += ws[i].bytes_scanned;
    free(ws[i].findings.items);
    free(ws[i].notices.items);
    ws[i].findings.items = NULL;
    ws[i].notices.items = NULL;
  }
  if (lr->finding_count)
    memcpy(r->pub.findings + r->pub.finding_count, lr->findings,
           lr->finding_count * sizeof(scl_finding));
  r->pub.finding_count += lr->finding_count;
  if (lr->notice_count)
    memcpy(r->pub.notices + r->pub.notice_count, lr->notices,
           lr->notice_count * sizeof(scl_notice));
  r->pub.notice_count += lr->notice_count;
  qsort(r->pub.findings, r->pub.finding_count, sizeof(scl_finding), cmp_finding);
  qsort(r->pub.notices, r->pub.notice_count, sizeof(scl_notice), cmp_notice);
}

/* The suppress stage over the merged result: inline comments, unused
 * suppressions, baseline, changed lines (src/suppress/suppress.h). */
static scl_status suppress(run_result *r, const scl_run_opts *opts, scl_diag *diag)
{
  size_t n = 0, k = 0;
  for (unsigned i = 0; i < r->worker_count; i++)
    n += r->workers[i].scanned.count;
  const char **paths = scl_xmalloc((n ? n : 1) * sizeof(char *));
  for (unsigned i = 0; i < r->worker_count; i++) {
    for (size_t j = 0; j < r->workers[i].scanned.count; j++)
      paths[k++] = r->workers[i].scanned.items[j];
    SCL_VEC_FREE(&r->workers[i].scanned);
  }
  scl_suppress_opts so;
  scl_suppress_opts_from_run(&so, opts);
  scl_status st = scl_suppress_apply(&r->pub, &r->arena, &so, paths, n, diag);
  free(paths);
  return st;
}

static int cmp_summary_path(const void *a, const void *b)
{
  return strcmp(((const scl_file_summary *)a)->path, ((const scl_file_summary *)b)->path);
}

static int cmp_str_ptr(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static unsigned pick_jobs(const scl_run_opts *opts, size_t files)
{
  unsigned jobs = opts->jobs;
  if (jobs == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    jobs = n > 0 ? (unsigned)n : 1;
  }
  if (jobs > MAX_JOBS)
    jobs = MAX_JOBS;
  if (jobs > files)
    jobs = files ? (unsigned)files : 1;
  return jobs;
}

static const scl_source_list *sort_sources_by_size;

static int cmp_size_desc(const void *a, const void *b)
{
  const scl_source *s = sort_sources_by_size->items;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  if (s[x].size != s[y].size)
    return s[x].size > s[y].size ? -1 : 1;
  return x < y ? -1 : (x > y);
}

static size_t *largest_first(const scl_source_list *sources)
{
  size_t *order = scl_xmalloc((sources->count ? sources->count : 1) * sizeof(size_t));
  for (size_t i = 0; i < sources->count; i++)
    order[i] = i;
  /* qsort has no payload argument; the run is single-threaded here */
  sort_sources_by_size = sources;
  qsort(order, sources->count, sizeof(size_t), cmp_size_desc);
  sort_sources_by_size = NULL;
  return order;
}

/* ==== cache and shards (src/cache/cache.h, shard.h) ==================== */

/* Most shards one split may have: far more machines than any CI matrix. */
#define MAX_SHARDS 4096

/* Keeps only the sources of shard opts->shard_index of opts->shard_count. */
static void shard_filter(scl_source_list *sources, const scl_run_opts *opts)
{
  if (opts->shard_count == 0)
    return;
  size_t n = 0;
  for (size_t i = 0; i < sources->count; i++) {
    scl_source *s = &sources->items[i];
    if (scl_shard_selects(s->path, opts->shard_index, opts->shard_count)) {
      sources->items[n++] = *s;
    } else {
      free(s->path);
      free(s->skip_message);
    }
  }
  sources->count = n;
}

/* The run's settings key (shards must agree on it) and, when the caller
 * asked for one, the cache (a cache that cannot be opened is a notice). */
static scl_cache *cache_start(scl_cache_key *shard_key, worker *w0, const scl_run_opts *opts,
                              const scl_ruleset *rs, const settings *set)
{
  const char *cfg_path = set->cfg ? set->cfg->path : NULL;
  scl_cache_run_key(shard_key, rs, !set->merged.opts.no_builtin, cfg_path, opts->max_file_bytes,
                    false);
  if (opts->no_cache || !opts->cache_dir)
    return NULL;
  scl_cache_key key;
  scl_cache_run_key(&key, rs, !set->merged.opts.no_builtin, cfg_path, opts->max_file_bytes,
                    true);
  scl_cache *cache = NULL;
  scl_diag d;
  scl_diag_clear(&d);
  if (scl_cache_open(&cache, opts->cache_dir, &key, &d) != SCL_OK)
    add_notice(w0, opts->cache_dir, SCL_LEVEL_WARNING, "cache", d.msg);
  return cache;
}

static void cache_finish(scl_cache *cache, scl_result *res)
{
  if (!cache)
    return;
  size_t write_errors = 0;
  scl_cache_stats(cache, &res->cache_hits, &res->cache_misses, &write_errors);
  scl_cache_gc(cache, SCL_CACHE_DEFAULT_MAX_BYTES, false);
  scl_cache_free(cache);
}

/* Writes the workers' pass-1 output (before link and suppress) as a shard. */
static scl_status write_shard(run_result *r, const scl_run_opts *opts, const scl_cache_key *key,
                              scl_diag *diag)
{
  scl_shard_data d;
  memset(&d, 0, sizeof(d));
  d.index = opts->shard_index;
  d.count = opts->shard_count;
  d.run_key = *key;
  d.rules = r->pub.rules;
  d.rule_count = r->pub.rule_count;
  size_t nf = 0, nn = 0, ns = 0, np = 0;
  for (unsigned i = 0; i < r->worker_count; i++) {
    nf += r->workers[i].findings.count;
    nn += r->workers[i].notices.count;
    ns += r->workers[i].summaries.count;
    np += r->workers[i].scanned.count;
  }
  d.findings = scl_xmalloc((nf ? nf : 1) * sizeof(*d.findings));
  d.notices = scl_xmalloc((nn ? nn : 1) * sizeof(*d.notices));
  d.summaries = scl_xmalloc((ns ? ns : 1) * sizeof(*d.summaries));
  d.scanned = scl_xmalloc((np ? np : 1) * sizeof(*d.scanned));
  for (unsigned i = 0; i < r->worker_count; i++) {
    worker *w = &r->workers[i];
    for (size_t j = 0; j < w->findings.count; j++)
      d.findings[d.finding_count++] = w->findings.items[j];
    for (size_t j = 0; j < w->notices.count; j++)
      d.notices[d.notice_count++] = w->notices.items[j];
    for (size_t j = 0; j < w->summaries.count; j++)
      d.summaries[d.summary_count++] = w->summaries.items[j];
    for (size_t j = 0; j < w->scanned.count; j++)
      d.scanned[d.scanned_count++] = w->scanned.items[j];
    d.files_scanned += w->files_scanned;
    d.bytes_scanned += w->bytes_scanned;
  }
  /* the file's content must not depend on -j: sort what has an order */
  qsort(d.findings, d.finding_count, sizeof(scl_finding), cmp_finding);
  qsort(d.notices, d.notice_count, sizeof(scl_notice), cmp_notice);
  qsort(d.summaries, d.summary_count, sizeof(scl_file_summary), cmp_summary_path);
  qsort(d.scanned, d.scanned_count, sizeof(char *), cmp_str_ptr);
  scl_status st = scl_shard_write(opts->shard_output, &d, diag);
  free(d.findings);
  free(d.notices);
  free(d.summaries);
  free(d.scanned);
  return st;
}

scl_status scl_run(scl_result **out, const scl_run_opts *opts, scl_error_fn on_error,
                   void *payload, scl_diag *diag)
{
  double t0 = now_seconds();
  scl_ruleset *rs = NULL;
  scl_source_list sources = {0};
  size_t *order = NULL;
  run_result *r = NULL;
  scl_cache *cache = NULL;
  scl_prefilter *pf = NULL;
  scl_cache_key shard_key;
  settings set;
  *out = NULL;

  scl_status st = settings_load(&set, opts, on_error, payload, diag);
  if (st != SCL_OK)
    return st;
  const scl_run_opts *eff = &set.merged.opts;
  st = load_rules(&rs, eff, set.cfg, on_error, payload, diag);
  if (st != SCL_OK)
    goto cleanup;
  /* shards cannot see each other's summaries, so a shard parses all its
   * files; the benchmark's floor parses all by definition */
  if (!opts->no_prefilter && !opts->parse_only && !opts->shard_count) {
    st = scl_prefilter_new(&pf, rs, diag);
    if (st != SCL_OK)
      goto cleanup;
  }

  scl_discover_opts dopts = {0};
  dopts.max_file_bytes = opts->max_file_bytes;
  dopts.no_default_excludes = opts->no_default_excludes;
  dopts.no_gitignore = opts->no_gitignore;
  if (set.cfg && set.cfg->exclude_count) {
    dopts.is_excluded = config_excludes;
    dopts.exclude_payload = set.cfg;
  }
  st = scl_discover(&sources, opts->paths, opts->path_count, &dopts, diag);
  if (st != SCL_OK)
    goto cleanup;
  if (opts->shard_count && (opts->shard_index < 1 || opts->shard_index > opts->shard_count ||
                            opts->shard_count > MAX_SHARDS || !opts->shard_output)) {
    st = scl_diag_set(diag, SCL_EINVAL, "--shard K/N needs 1 <= K <= N <= %d and an output file",
                      MAX_SHARDS);
    goto cleanup;
  }
  shard_filter(&sources, opts);

  r = result_new();
  copy_rule_infos(r, rs);
  r->pub.fail_on = set.cfg ? set.cfg->fail_on : -1;
  r->pub.config_path = set.cfg ? scl_arena_strdup(&r->arena, set.cfg->path) : NULL;

  order = largest_first(&sources);
  scan_shared shared;
  memset(&shared, 0, sizeof(shared));
  shared.rs = rs;
  shared.pf = pf;
  shared.sources = &sources;
  shared.order = order;
  shared.order_count = sources.count;
  shared.max_file_bytes = opts->max_file_bytes ? opts->max_file_bytes : SCL_MAX_FILE_BYTES;
  shared.parse_only = opts->parse_only;
  shared.c_mode = opts->c_mode;
  atomic_init(&shared.next, 0);

  unsigned jobs = pick_jobs(opts, sources.count);
  r->workers = scl_xcalloc(jobs, sizeof(worker));
  r->worker_count = jobs;
  for (unsigned i = 0; i < jobs; i++) {
    worker *w = &r->workers[i];
    w->shared = &shared;
    scl_arena_init(&w->out_arena);
    scl_arena_init(&w->scratch);
  }
  shared.cache = cache = cache_start(&shard_key, &r->workers[0], opts, rs, &set);
  st = run_pass(r, &shared, jobs, diag);
  if (st == SCL_OK && shared.pf)
    st = prefiltered_pass(r, &shared, opts->max_file_bytes, diag);
  shared.order = order;
  if (st != SCL_OK)
    goto cleanup;

  cache_finish(cache, &r->pub);
  cache = NULL;
  scl_link_result lr;
  memset(&lr, 0, sizeof(lr));
  if (opts->shard_count) {
    /* the link and suppress stages run at merge time, over every shard */
    st = write_shard(r, opts, &shard_key, diag);
    if (st != SCL_OK)
      goto cleanup;
    merge(r, r->workers, jobs, &lr);
  } else {
    link_summaries(&lr, r, r->workers, jobs);
    merge(r, r->workers, jobs, &lr);
    scl_link_result_dispose(&lr);
    apply_path_ignores(&r->pub, set.cfg);
    st = suppress(r, opts, diag);
    if (st != SCL_OK)
      goto cleanup;
  }
  r->pub.seconds = now_seconds() - t0;
  *out = &r->pub;
  r = NULL;

cleanup:
  scl_cache_free(cache);
  if (r)
    scl_result_free(&r->pub);
  free(order);
  scl_source_list_dispose(&sources);
  scl_prefilter_free(pf);
  scl_ruleset_free(rs);
  settings_dispose(&set);
  return st;
}

scl_status scl_config_print(FILE *out, const scl_run_opts *opts, scl_diag *diag)
{
  scl_config *cfg = NULL;
  scl_status st = scl_config_resolve(&cfg, opts, NULL, NULL, diag);
  if (st == SCL_OK)
    st = scl_config_print_effective(out, cfg, opts, -1, diag);
  scl_config_free(cfg);
  return st;
}

void scl_result_free(scl_result *result)
{
  if (!result)
    return;
  run_result *r = (run_result *)result;
  free(result->findings);
  free(result->notices);
  for (unsigned i = 0; i < r->worker_count; i++) {
    free(r->workers[i].findings.items);
    free(r->workers[i].notices.items);
    free(r->workers[i].summaries.items);
    free(r->workers[i].scanned.items);
    free(r->workers[i].prefiltered.items);
    scl_arena_dispose(&r->workers[i].out_arena);
    scl_arena_dispose(&r->workers[i].scratch);
  }
  free(r->workers);
  scl_arena_dispose(&r->arena);
  free(r);
}

/* ==== merge of shards (scalint merge) =================================== */

/* Moves one read shard into w (its arrays become w's vectors). */
static void shard_to_worker(worker *w, scl_shard_data *d)
{
  w->findings.items = d->findings;
  w->findings.count = w->findings.cap = d->finding_count;
  w->notices.items = d->notices;
  w->notices.count = w->notices.cap = d->notice_count;
  w->summaries.items = d->summaries;
  w->summaries.count = w->summaries.cap = d->summary_count;
  w->scanned.items = d->scanned;
  w->scanned.count = w->scanned.cap = d->scanned_count;
  w->files_scanned = d->files_scanned;
  w->bytes_scanned = d->bytes_scanned;
  d->findings = NULL;
  d->notices = NULL;
  d->summaries = NULL;
  d->scanned = NULL;
}

/* Reads every shard into its own worker slot of r and checks that they
 * make one whole split. */
static scl_status load_shards(run_result *r, const char *const *paths, size_t n, scl_diag *diag)
{
  scl_status st = SCL_OK;
  unsigned count = 0;
  scl_cache_key key;
  bool *seen = NULL;
  memset(&key, 0, sizeof(key));
  for (size_t i = 0; i < n && st == SCL_OK; i++) {
    worker *w = &r->workers[i];
    scl_shard_data d;
    st = scl_shard_read(&d, &w->out_arena, paths[i], diag);
    if (st != SCL_OK)
      break;
    if (i == 0) {
      count = d.count;
      key = d.run_key;
      seen = scl_xcalloc(count + 1, sizeof(bool));
      r->pub.rules = scl_arena_alloc(&r->arena, (d.rule_count ? d.rule_count : 1) *
                                                    sizeof(scl_rule_info));
      if (d.rule_count)
        memcpy(r->pub.rules, d.rules, d.rule_count * sizeof(scl_rule_info));
      r->pub.rule_count = d.rule_count;
    }
    if (d.count != count || count > MAX_SHARDS)
      st = scl_diag_set_at(diag, SCL_EINVAL, paths[i], 0, 0,
                           "shard %u/%u is not from the same split as %s (N = %u)", d.index,
                           d.count, paths[0], count);
    else if (memcmp(d.run_key.bytes, key.bytes, sizeof(key.bytes)) != 0)
      st = scl_diag_set_at(diag, SCL_EINVAL, paths[i], 0, 0,
                           "shard %u/%u ran other rules or another config than %s", d.index,
                           d.count, paths[0]);
    else if (seen[d.index])
      st = scl_diag_set_at(diag, SCL_EINVAL, paths[i], 0, 0, "shard %u/%u given twice",
                           d.index, d.count);
    if (st == SCL_OK) {
      seen[d.index] = true;
      shard_to_worker(w, &d);
    }
    scl_shard_data_dispose(&d);
  }
  for (unsigned k = 1; st == SCL_OK && k <= count; k++)
    if (!seen[k])
      st = scl_diag_set(diag, SCL_EINVAL, "merge: shard %u/%u is missing", k, count);
  free(seen);
  return st;
}

scl_status scl_merge(scl_result **out, const scl_run_opts *opts, const char *const *shard_paths,
                     size_t shard_path_count, scl_error_fn on_error, void *payload,
                     scl_diag *diag)
{
  double t0 = now_seconds();
  settings set;
  *out = NULL;
  if (shard_path_count == 0 || shard_path_count > MAX_SHARDS)
    return scl_diag_set(diag, SCL_EINVAL, "merge takes 1 to %d shard files", MAX_SHARDS);
  scl_status st = settings_load(&set, opts, on_error, payload, diag);
  if (st != SCL_OK)
    return st;
  run_result *r = result_new();
  r->pub.fail_on = set.cfg ? set.cfg->fail_on : -1;
  r->pub.config_path = set.cfg ? scl_arena_strdup(&r->arena, set.cfg->path) : NULL;
  r->workers = scl_xcalloc(shard_path_count, sizeof(worker));
  r->worker_count = (unsigned)shard_path_count;
  for (size_t i = 0; i < shard_path_count; i++) {
    scl_arena_init(&r->workers[i].out_arena);
    scl_arena_init(&r->workers[i].scratch);
  }
  st = load_shards(r, shard_paths, shard_path_count, diag);
  if (st != SCL_OK)
    goto cleanup;
  scl_link_result lr;
  link_summaries(&lr, r, r->workers, r->worker_count);
  merge(r, r->workers, r->worker_count, &lr);
  scl_link_result_dispose(&lr);
  apply_path_ignores(&r->pub, set.cfg);
  st = suppress(r, opts, diag);
  if (st != SCL_OK)
    goto cleanup;
  r->pub.seconds = now_seconds() - t0;
  *out = &r->pub;
  r = NULL;

cleanup:
  if (r)
    scl_result_free(&r->pub);
  settings_dispose(&set);
  return st;
}

/* ==== dump ============================================================== */

scl_status scl_dump_file(FILE *out, const char *path, scl_diag *diag)
{
  scl_frontend *fe = NULL;
  scl_arena arena;
  char *data = NULL;
  size_t len = 0;
  scl_arena_init(&arena);

  scl_lang lang = scl_lang_from_path(path);
  if (lang == SCL_LANG_NONE)
    return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "unknown language (by extension)");
  scl_status st = scl_frontends_init(diag);
  if (st != SCL_OK)
    return st;
  st = scl_discover_read(&data, &len, path, SCL_MAX_FILE_BYTES, diag);
  if (st != SCL_OK)
    goto cleanup;
  st = scl_frontend_new(&fe, diag);
  if (st != SCL_OK)
    goto cleanup;
  scl_tree tree;
  st = scl_frontend_parse(&tree, fe, lang, path, data, len, &arena, diag);
  if (st == SCL_OK)
    scl_tree_dump(out, &tree);

cleanup:
  scl_frontend_free(fe);
  scl_arena_dispose(&arena);
  free(data);
  return st;
}
