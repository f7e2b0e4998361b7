/*
 * engine.c - the ruleset: loading entry points (text, files, directories,
 * the embedded rules), selection, compilation of every pattern against each
 * grammar's kinds, and the per-grammar dispatch tables the scan uses.
 * Matching itself is in match.c; YAML handling in rule_load.c.
 *
 * After scl_ruleset_compile the ruleset is never written again, so scans
 * on several threads can share it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/builtin.h"
#include "engine/rule.h"
#include "frontend/frontend.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- lifetime ---- */

scl_status scl_ruleset_new(scl_ruleset **out, scl_diag *diag)
{
  scl_ruleset *rs = scl_xcalloc(1, sizeof(*rs));
  scl_arena_init(&rs->arena);
  *out = rs;
  return SCL_OK;
}

void scl_ruleset_free(scl_ruleset *rs)
{
  if (!rs)
    return;
  for (size_t i = 0; i < rs->regexes.count; i++)
    scl_regex_free(rs->regexes.items[i]);
  SCL_VEC_FREE(&rs->regexes);
  SCL_VEC_FREE(&rs->rules);
  SCL_VEC_FREE(&rs->kept);
  for (int l = 0; l < SCL_LANG_COUNT; l++) {
    free(rs->dispatch[l].starts);
    free(rs->dispatch[l].entries);
    free(rs->dispatch[l].wild);
  }
  scl_arena_dispose(&rs->arena);
  free(rs);
}

static int cmp_rule_id(const void *a, const void *b)
{
  const scl_rule *ra = *(scl_rule *const *)a, *rb = *(scl_rule *const *)b;
  return strcmp(ra->info.id, rb->info.id);
}

void scl_ruleset__rebuild_kept(scl_ruleset *rs)
{
  rs->kept.count = 0;
  for (size_t i = 0; i < rs->rules.count; i++) {
    if (rs->rules.items[i]->is_kept)
      SCL_VEC_PUSH(&rs->kept, rs->rules.items[i]);
  }
  if (rs->kept.count > 1)
    qsort(rs->kept.items, rs->kept.count, sizeof(scl_rule *), cmp_rule_id);
}

/* ---- loading ---- */

scl_status scl_ruleset_add_text(scl_ruleset *rs, const char *origin, const char *text,
                                size_t len, bool is_builtin, scl_error_fn on_error,
                                void *payload, scl_diag *diag)
{
  return scl_rule__load(rs, origin, text, len, is_builtin, on_error, payload, diag);
}

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static scl_status read_file(char **out, size_t *len_out, const char *path, scl_diag *diag)
{
  scl_status st = SCL_OK;
  char *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read rule file: %s",
                           strerror(errno));
  scl_buf b;
  scl_buf_init(&b, SCL_MAX_FILE_BYTES);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    if (!scl_buf_append(&b, chunk, n))
      break;
  }
  if (ferror(f) || b.is_toobig) {
    st = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read rule file: %s",
                         b.is_toobig ? "file too large" : strerror(errno));
    goto cleanup;
  }
  *len_out = b.len;
  buf = scl_buf_detach(&b);
  if (!buf)
    buf = scl_xstrdup("");
  *out = buf;

cleanup:
  scl_buf_dispose(&b);
  fclose(f);
  return st;
}

static scl_status add_file(scl_ruleset *rs, const char *path, scl_error_fn on_error,
                           void *payload, scl_diag *diag)
{
  char *text = NULL;
  size_t len = 0;
  scl_status st = read_file(&text, &len, path, diag);
  if (st != SCL_OK)
    return st;
  st = scl_ruleset_add_text(rs, path, text, len, false, on_error, payload, diag);
  free(text);
  return st;
}

static bool has_yaml_ext(const char *name)
{
  size_t n = strlen(name);
  return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
         (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

scl_status scl_ruleset_add_path(scl_ruleset *rs, const char *path, scl_error_fn on_error,
                                void *payload, scl_diag *diag)
{
  struct stat sb;
  if (stat(path, &sb) != 0)
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read rules: %s", strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return add_file(rs, path, on_error, payload, diag);

  DIR *dir = opendir(path);
  if (!dir)
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read rules: %s", strerror(errno));
  SCL_VEC(char *) names = {0};
  struct dirent *de;
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] != '.' && has_yaml_ext(de->d_name))
      SCL_VEC_PUSH(&names, scl_xstrdup(de->d_name));
  }
  closedir(dir);
  if (names.count > 1)
    qsort(names.items, names.count, sizeof(char *), cmp_str);

  scl_status st = SCL_OK;
  scl_diag first;
  scl_diag_clear(&first);
  size_t plen = strlen(path);
  bool slash = plen > 0 && path[plen - 1] == '/';
  for (size_t i = 0; i < names.count; i++) {
    char *full = scl_xmalloc(plen + strlen(names.items[i]) + 2);
    memcpy(full, path, plen);
    full[plen] = '/';
    memcpy(full + plen + (slash ? 0 : 1), names.items[i], strlen(names.items[i]) + 1);
    scl_diag d;
    scl_diag_clear(&d);
    scl_status s = add_file(rs, full, on_error, payload, &d);
    if (s != SCL_OK && st == SCL_OK) {
      st = s;
      first = d;
    }
    free(full);
    free(names.items[i]);
  }
  SCL_VEC_FREE(&names);
  if (st != SCL_OK && diag)
    *diag = first;
  return st;
}

scl_status scl_ruleset_add_builtin(scl_ruleset *rs, scl_error_fn on_error, void *payload,
                                   scl_diag *diag)
{
  scl_status st = SCL_OK;
  for (const scl_builtin_rule *b = scl_builtin_rules; b->origin; b++) {
    scl_diag d;
    scl_diag_clear(&d);
    scl_status s = scl_ruleset_add_text(rs, b->origin, b->text, b->len, true, on_error, payload,
                                        &d);
    if (s != SCL_OK && st == SCL_OK) {
      st = s;
      if (diag)
        *diag = d;
    }
  }
  return st;
}

/* ---- selection ---- */

static scl_rule *find_rule(const scl_ruleset *rs, const char *name)
{
  for (size_t i = 0; i < rs->rules.count; i++) {
    scl_rule *r = rs->rules.items[i];
    if (strcmp(r->info.id, name) == 0 || strcmp(r->info.slug, name) == 0)
      return r;
  }
  return NULL;
}

scl_status scl_ruleset_filter(scl_ruleset *rs, const char *const *select, size_t select_count,
                              const char *const *ignore, size_t ignore_count, scl_diag *diag)
{
  const char *const *lists[2] = {select, ignore};
  size_t counts[2] = {select_count, ignore_count};
  for (int l = 0; l < 2; l++) {
    for (size_t i = 0; i < counts[l]; i++) {
      if (!find_rule(rs, lists[l][i]))
        return scl_diag_set(diag, SCL_EINVAL, "unknown rule '%s' (see `scalint rules`)",
                            lists[l][i]);
    }
  }
  for (size_t i = 0; i < rs->rules.count; i++)
    rs->rules.items[i]->is_kept = select_count == 0;
  for (size_t i = 0; i < select_count; i++)
    find_rule(rs, select[i])->is_kept = true;
  for (size_t i = 0; i < ignore_count; i++)
    find_rule(rs, ignore[i])->is_kept = false;
  scl_ruleset__rebuild_kept(rs);
  return SCL_OK;
}

size_t scl_ruleset_count(const scl_ruleset *rs)
{
  return rs->kept.count;
}

const scl_rule_info *scl_ruleset_info(const scl_ruleset *rs, size_t index)
{
  return index < rs->kept.count ? &rs->kept.items[index]->info : NULL;
}

scl_key scl_engine__lang_key(scl_lang lang)
{
  switch (lang) {
  case SCL_LANG_PY: return SCL_KEY_PY;
  case SCL_LANG_JS: return SCL_KEY_JS;
  case SCL_LANG_TS:
  case SCL_LANG_TSX: return SCL_KEY_TS;
  case SCL_LANG_C: return SCL_KEY_C;
  case SCL_LANG_SQL: return SCL_KEY_SQL;
  case SCL_LANG_NONE:
  case SCL_LANG_COUNT: break;
  }
  return SCL_KEY_COUNT;
}

bool scl_ruleset_wants(const scl_ruleset *rs, scl_lang lang)
{
  scl_key key = scl_engine__lang_key(lang);
  if (key == SCL_KEY_COUNT)
    return false;
  for (size_t i = 0; i < rs->kept.count; i++) {
    if (rs->kept.items[i]->match[key])
      return true;
  }
  return false;
}

/* ---- compile ---- */

typedef struct compile_ctx {
  scl_ruleset *rs;
  const char *origin;
  scl_error_fn on_error;
  void *payload;
  scl_diag *diag;
  unsigned error_count;
} compile_ctx;

/* Maps a pattern-relative position to the rule file. Plain and quoted
 * single-line scalars shift by the scalar's column (plus the opening quote);
 * block scalars start on the line after the indicator, at the content's
 * indentation. Escapes in quoted scalars and folded (>) blocks make this an
 * approximation; it is exact for plain, single-quoted without '' and |
 * blocks, which is what rule files use. */
static void pattern_pos(const scl_matcher *m, const scl_diag *d, unsigned *line, unsigned *col)
{
  unsigned pl = d->line ? d->line : 1, pc = d->col ? d->col : 1;
  if (m->pat_block) {
    *line = m->pat_line + pl;
    *col = m->pat_indent + pc;
  } else {
    *line = m->pat_line + pl - 1;
    *col = pl > 1 ? pc : m->pat_col + (m->pat_quoted ? 1u : 0u) + pc - 1;
  }
}

static void compile_error(compile_ctx *cx, const scl_matcher *m, const scl_diag *d, scl_lang lang)
{
  unsigned line, col;
  pattern_pos(m, d, &line, &col);
  const char *lname = scl_lang_name(lang);
  size_t ml = strlen(d->msg), nl = strlen(lname);
  bool named = ml >= nl && strcmp(d->msg + ml - nl, lname) == 0;
  scl_diag e;
  scl_diag_set_at(&e, SCL_ERULE, cx->origin, line, col, "%s%s%s", d->msg, named ? "" : " for ",
                  named ? "" : lname);
  if (cx->on_error)
    cx->on_error(&e, cx->payload);
  if (cx->error_count++ == 0 && cx->diag)
    *cx->diag = e;
}

static void compile_matcher(compile_ctx *cx, scl_matcher *m, scl_lang lang, unsigned depth);

/* Names a file-has result depends on: capture names anywhere in it. */
#define MAX_DEPS 64
typedef struct dep_set {
  const char *names[MAX_DEPS];
  size_t count;
} dep_set;

static void dep_add(dep_set *ds, const char *name)
{
  if (!name || ds->count >= MAX_DEPS)
    return;
  for (size_t i = 0; i < ds->count; i++) {
    if (strcmp(ds->names[i], name) == 0)
      return;
  }
  ds->names[ds->count++] = name;
}

static void deps_matcher(dep_set *ds, const scl_matcher *m, scl_lang lang, unsigned depth);

static void deps_constraint(dep_set *ds, const scl_constraint *c, scl_lang lang, unsigned depth)
{
  if (depth > SCL_MAX_RULE_NESTING)
    return;
  dep_add(ds, c->capture);
  if (c->sub)
    deps_matcher(ds, c->sub, lang, depth + 1);
  for (size_t i = 0; i < c->kid_count; i++)
    deps_constraint(ds, &c->kids[i], lang, depth + 1);
}

static void deps_matcher(dep_set *ds, const scl_matcher *m, scl_lang lang, unsigned depth)
{
  if (depth > SCL_MAX_RULE_NESTING)
    return;
  dep_add(ds, m->of);
  for (size_t i = 0; i < m->alt_count; i++)
    deps_matcher(ds, &m->alts[i], lang, depth + 1);
  if (m->compiled[lang]) {
    const char *const *names = NULL;
    size_t n = scl_pattern_capture_names(m->compiled[lang], &names);
    for (size_t i = 0; i < n; i++)
      dep_add(ds, names[i]);
  }
  for (size_t i = 0; i < m->where_count; i++)
    deps_constraint(ds, &m->where[i], lang, depth + 1);
}

static void compile_constraint(compile_ctx *cx, scl_constraint *c, scl_lang lang, unsigned depth)
{
  if (depth > SCL_MAX_RULE_NESTING)
    return;
  if (c->sub)
    compile_matcher(cx, c->sub, lang, depth + 1);
  for (size_t i = 0; i < c->kid_count; i++)
    compile_constraint(cx, &c->kids[i], lang, depth + 1);
  if ((c->kind == SCL_C_FILE_HAS || c->kind == SCL_C_NOT_FILE_HAS) && !c->deps) {
    /* capture names are the same text in every grammar, so one is enough */
    dep_set ds = {{NULL}, 0};
    deps_matcher(&ds, c->sub, lang, depth + 1);
    if (ds.count >= MAX_DEPS)
      return;  /* too many to key a cache on: the scan evaluates it each time */
    c->deps = scl_arena_alloc(&cx->rs->arena, sizeof(char *) * (ds.count + 1));
    memcpy(c->deps, ds.names, sizeof(char *) * ds.count);
    c->dep_count = ds.count;
  }
}

/* Compiles m's patterns (and nested ones) for lang. A matcher shared by
 * two keys through a YAML alias was loaded twice, so each copy is written
 * once per grammar. */
static void compile_matcher(compile_ctx *cx, scl_matcher *m, scl_lang lang, unsigned depth)
{
  if (depth > SCL_MAX_RULE_NESTING)
    return;
  for (size_t i = 0; i < m->alt_count; i++)
    compile_matcher(cx, &m->alts[i], lang, depth + 1);
  if (m->pattern && !m->compiled[lang]) {
    scl_diag d;
    scl_diag_clear(&d);
    const scl_kinds *kinds = scl_frontend_kinds(lang);
    if (!kinds) {
      d.line = d.col = 1;
      scl_diag_set(&d, SCL_ERULE, "no node kinds are known (front-ends not initialised)");
      compile_error(cx, m, &d, lang);
    } else if (scl_pattern_compile(&m->compiled[lang], m->pattern, kinds, &cx->rs->arena, &d) !=
               SCL_OK) {
      m->compiled[lang] = NULL;
      compile_error(cx, m, &d, lang);
    }
  }
  for (size_t i = 0; i < m->where_count; i++)
    compile_constraint(cx, &m->where[i], lang, depth + 1);
}

static void compile_rule(compile_ctx *cx, scl_rule *rule)
{
  static const scl_lang grammars[SCL_KEY_COUNT][2] = {
    {SCL_LANG_PY, SCL_LANG_NONE},
    {SCL_LANG_JS, SCL_LANG_NONE},
    {SCL_LANG_TS, SCL_LANG_TSX},
    {SCL_LANG_C, SCL_LANG_NONE},
    {SCL_LANG_SQL, SCL_LANG_NONE},
  };
  cx->origin = rule->path;
  for (int k = 0; k < SCL_KEY_COUNT; k++) {
    if (!rule->match[k])
      continue;
    for (int g = 0; g < 2 && grammars[k][g] != SCL_LANG_NONE; g++) {
      unsigned before = cx->error_count;
      compile_matcher(cx, rule->match[k], grammars[k][g], 0);
      if (cx->error_count != before)
        break;  /* TSX would repeat TypeScript's errors */
    }
  }
}

/* ---- dispatch tables ---- */

/* Calls fn on each leaf alternative (a matcher with a pattern) of m. */
typedef void (*leaf_fn)(scl_dispatch *dt, const scl_dispatch_entry *proto, size_t *fill);

static void each_leaf(scl_dispatch *dt, const scl_rule *rule, uint32_t index,
                      const scl_matcher *m, scl_lang lang, unsigned depth, leaf_fn fn,
                      size_t *fill)
{
  if (depth > SCL_MAX_RULE_NESTING)
    return;
  for (size_t i = 0; i < m->alt_count; i++)
    each_leaf(dt, rule, index, &m->alts[i], lang, depth + 1, fn, fill);
  if (m->pattern && m->compiled[lang]) {
    scl_dispatch_entry e = {rule, index, m, m->compiled[lang]};
    fn(dt, &e, fill);
  }
}

/* First pass: count entries per kind (in starts[k + 1]) and wildcards. */
static void count_leaf(scl_dispatch *dt, const scl_dispatch_entry *e, size_t *fill)
{
  const uint16_t *kinds = NULL;
  size_t n = scl_pattern_root_kinds(e->pattern, &kinds);
  if (n == 0) {
    dt->wild_count++;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (kinds[i] < dt->kind_count)
      dt->starts[kinds[i] + 1]++;
  }
}

/* Second pass: place entries; fill[k] is the next slot of kind k. */
static void place_leaf(scl_dispatch *dt, const scl_dispatch_entry *e, size_t *fill)
{
  const uint16_t *kinds = NULL;
  size_t n = scl_pattern_root_kinds(e->pattern, &kinds);
  if (n == 0) {
    dt->wild[dt->wild_count++] = *e;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (kinds[i] < dt->kind_count)
      dt->entries[fill[kinds[i]]++] = *e;
  }
}

static void build_dispatch(scl_ruleset *rs, scl_lang lang)
{
  scl_dispatch *dt = &rs->dispatch[lang];
  free(dt->starts);
  free(dt->entries);
  free(dt->wild);
  memset(dt, 0, sizeof(*dt));
  const scl_kinds *kinds = scl_frontend_kinds(lang);
  scl_key key = scl_engine__lang_key(lang);
  if (!kinds || key == SCL_KEY_COUNT)
    return;
  dt->kind_count = (uint32_t)kinds->kind_count + 1;
  dt->starts = scl_xcalloc((size_t)dt->kind_count + 1, sizeof(uint32_t));
  for (size_t i = 0; i < rs->kept.count; i++) {
    const scl_rule *r = rs->kept.items[i];
    if (r->match[key])
      each_leaf(dt, r, (uint32_t)i, r->match[key], lang, 0, count_leaf, NULL);
  }
  for (size_t k = 0; k < dt->kind_count; k++)
    dt->starts[k + 1] += dt->starts[k];
  size_t total = dt->starts[dt->kind_count];
  dt->entries = scl_xcalloc(total ? total : 1, sizeof(scl_dispatch_entry));
  dt->wild = scl_xcalloc(dt->wild_count ? dt->wild_count : 1, sizeof(scl_dispatch_entry));
  dt->wild_count = 0;
  size_t *fill = scl_xcalloc(dt->kind_count ? dt->kind_count : 1, sizeof(size_t));
  for (size_t k = 0; k < dt->kind_count; k++)
    fill[k] = dt->starts[k];
  for (size_t i = 0; i < rs->kept.count; i++) {
    const scl_rule *r = rs->kept.items[i];
    if (r->match[key])
      each_leaf(dt, r, (uint32_t)i, r->match[key], lang, 0, place_leaf, fill);
  }
  free(fill);
}

scl_status scl_ruleset_compile(scl_ruleset *rs, scl_error_fn on_error, void *payload,
                               scl_diag *diag)
{
  compile_ctx cx = {rs, NULL, on_error, payload, diag, 0};
  for (size_t i = 0; i < rs->kept.count; i++)
    compile_rule(&cx, rs->kept.items[i]);
  for (int l = SCL_LANG_NONE + 1; l < SCL_LANG_COUNT; l++)
    build_dispatch(rs, (scl_lang)l);
  rs->is_compiled = cx.error_count == 0;
  return cx.error_count ? SCL_ERULE : SCL_OK;
}
