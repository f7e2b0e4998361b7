/*
 * link.c - cross-file "through a call" findings from the per-file summaries.
 *
 * Every call site of the scan is first resolved, once, to what it can call:
 *   - same file: `f()` with no import binding `f`, `self.f()` / `this.f()`
 *     (only methods);
 *   - another module: `f()` / `s()` bound by `from m import f [as s]`,
 *     `import { f [as s] } from "./m"`, `const { f } = require("./m")`, a
 *     default import (the module's default export), or `m.f()` where `m` is
 *     bound to a module (`import m`, `import a.m as m`, `from a import m`,
 *     `import * as m from`, `const m = require()`). Python modules match a
 *     file when the dotted path is a suffix of its path without `.py` (or of
 *     its package directory, for `__init__.py`); relative imports resolve
 *     against the importing file's directory. JS specifiers starting with
 *     `./` or `../` resolve against the importing file's directory, trying
 *     the extensions and index files in js_suffixes[]; package imports do not
 *     resolve (their code is not part of the scan);
 *   - C: `f()` calls the one C file that defines f; a name defined in more
 *     than one file links only within its own file.
 * The resolved sites are sorted by (name, path, position) once, so finding
 * the callers of a function is a binary search, and every search below is a
 * breadth-first walk over callers with a visited mark per function: the
 * shortest chain wins, ties go to the first site in that order, and
 * recursion terminates. Results are shared by every deferred finding of the
 * same function, so the stage is O(sites log sites + reachable callers).
 *
 * Must not print or exit, and must not depend on the order of the summaries
 * (they come from threads): everything is sorted by path first.
 */
#include "link/link.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/vec.h"

/* ==== files and paths =================================================== */

typedef enum family { FAM_NONE, FAM_PY, FAM_JS, FAM_C } family;

/*
 * lfile - one summary as the link stage sees it.
 *   norm    the path with `.` and `..` segments folded
 *   dir     norm's directory ("" for none)
 *   pymod   Python: norm without `.py`/`.pyi`; pypkg: without `/__init__.py`
 *   seen    per function: the search generation that visited it
 */
typedef struct lfile {
  const scl_file_summary *sum;
  family fam;
  const char *norm;
  const char *dir;
  const char *pymod;
  const char *pypkg;
  uint32_t *seen;
} lfile;

static family family_of(scl_lang lang)
{
  switch (lang) {
  case SCL_LANG_PY: return FAM_PY;
  case SCL_LANG_JS:
  case SCL_LANG_TS:
  case SCL_LANG_TSX: return FAM_JS;
  case SCL_LANG_C: return FAM_C;
  default: return FAM_NONE;
  }
}

static bool ends_with(const char *s, const char *suffix)
{
  size_t sl = strlen(s), xl = strlen(suffix);
  return sl >= xl && memcmp(s + sl - xl, suffix, xl) == 0;
}

/*
 * rel joined to dir (unless rel is absolute), with empty and `.` segments
 * dropped and `..` folded into the segment before it (kept at the start of
 * a relative path). In arena.
 */
static const char *path_norm(scl_arena *arena, const char *dir, const char *rel)
{
  const char *joined = rel;
  if (rel[0] != '/' && dir && dir[0])
    joined = scl_arena_printf(arena, "%s/%s", dir, rel);
  size_t len = strlen(joined), o = 0, count = 0, ups = 0;
  char *out = scl_arena_alloc(arena, len + 2);
  size_t *starts = scl_arena_alloc(arena, (len + 1) * sizeof(size_t));
  bool is_abs = joined[0] == '/';

  if (is_abs)
    out[o++] = '/';
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && joined[j] != '/')
      j++;
    size_t sl = j - i;
    if (sl == 2 && joined[i] == '.' && joined[i + 1] == '.' && count > ups) {
      o = starts[--count];
    } else if (sl > 0 && !(sl == 1 && joined[i] == '.') &&
               !(sl == 2 && joined[i] == '.' && joined[i + 1] == '.' && is_abs)) {
      if (sl == 2 && joined[i] == '.' && joined[i + 1] == '.')
        ups++;
      starts[count++] = o;
      if (o > (is_abs ? 1u : 0u))
        out[o++] = '/';
      memcpy(out + o, joined + i, sl);
      o += sl;
    }
    i = j + 1;
  }
  out[o] = '\0';
  return out;
}

static const char *dir_of(scl_arena *arena, const char *path)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    return "";
  if (slash == path)
    return "/";
  return scl_arena_strndup(arena, path, (size_t)(slash - path));
}

static void file_init(lfile *f, const scl_file_summary *sum, scl_arena *tmp)
{
  memset(f, 0, sizeof(*f));
  f->sum = sum;
  f->fam = family_of(sum->lang);
  f->norm = path_norm(tmp, NULL, sum->path);
  f->dir = dir_of(tmp, f->norm);
  f->seen = scl_arena_alloc(tmp, (sum->fn_count + 1) * sizeof(uint32_t));
  memset(f->seen, 0, (sum->fn_count + 1) * sizeof(uint32_t));
  if (f->fam != FAM_PY)
    return;
  size_t nl = strlen(f->norm);
  if (ends_with(f->norm, ".py"))
    f->pymod = scl_arena_strndup(tmp, f->norm, nl - 3);
  else if (ends_with(f->norm, ".pyi"))
    f->pymod = scl_arena_strndup(tmp, f->norm, nl - 4);
  if (ends_with(f->norm, "/__init__.py"))
    f->pypkg = scl_arena_strndup(tmp, f->norm, nl - 12);
  else if (!strcmp(f->norm, "__init__.py"))
    f->pypkg = "";
}

/* ==== call sites ======================================================== */

typedef enum site_mode {
  SITE_LOCAL,   /* the site's own file */
  SITE_MODULE,  /* the module `module` names */
  SITE_GLOBAL   /* C: any file, by name */
} site_mode;

/*
 * site - one call site resolved to what it may call.
 *   target      the function name looked up (the imported name for an alias)
 *   is_default  a JS default import: calls the module's default export
 *   module      SITE_MODULE: a Python dotted name (is_path false) or a
 *               folded path without extension (is_path true)
 */
typedef struct site {
  const char *target;
  site_mode mode;
  bool is_default;
  bool is_path;
  const char *module;
  uint32_t file;
  uint32_t call;
  uint32_t pos;   /* the call's start byte, for the order */
} site;

typedef SCL_VEC(site) site_vec;

/* The binding of local in f (the last one in source order), or NULL. */
static const scl_sum_binding *binding_of(const lfile *f, const char *local)
{
  const scl_sum_binding *found = NULL;
  for (size_t i = 0; i < f->sum->binding_count; i++)
    if (!strcmp(f->sum->bindings[i].local, local))
      found = &f->sum->bindings[i];
  return found;
}

/* A Python module as written (`jobs`, `app.jobs`, `.jobs`, `..`) into
 * s->module; relative ones become a path. */
static void py_module(site *s, const lfile *from, const char *spec, scl_arena *tmp)
{
  size_t dots = 0;
  while (spec[dots] == '.')
    dots++;
  if (dots == 0) {
    s->module = spec;
    s->is_path = false;
    return;
  }
  scl_buf rel;
  scl_buf_init(&rel, 0);
  for (size_t i = 1; i < dots; i++)
    scl_buf_puts(&rel, "../");
  for (const char *p = spec + dots; *p; p++)
    scl_buf_putc(&rel, *p == '.' ? '/' : *p);
  s->module = path_norm(tmp, from->dir, scl_buf_cstr(&rel));
  s->is_path = true;
  scl_buf_dispose(&rel);
}

static const char *py_join(scl_arena *tmp, const char *module, const char *name)
{
  size_t ml = strlen(module);
  if (ml && module[ml - 1] == '.')
    return scl_arena_printf(tmp, "%s%s", module, name);
  return scl_arena_printf(tmp, "%s.%s", module, name);
}

/* Fills s's target and module from the file's bindings; false when the
 * call cannot be resolved (a method of some object, a package import, a
 * module called as a function). */
static bool resolve_call(site *s, const lfile *f, const scl_sum_call *c, scl_arena *tmp)
{
  const scl_sum_binding *b;
  const char *spec;

  s->target = c->name;
  s->mode = f->fam == FAM_C ? SITE_GLOBAL : SITE_LOCAL;
  if (f->fam == FAM_C || c->is_member)
    return !c->qual;
  b = binding_of(f, c->qual ? c->qual : c->name);
  if (!b)
    return !c->qual; /* f() of the file's own f */
  s->mode = SITE_MODULE;
  spec = b->module;
  if (c->qual && f->fam == FAM_PY && b->imported) {
    spec = py_join(tmp, b->module, b->imported); /* from app import jobs; jobs.f() */
  } else if (c->qual && b->imported && strcmp(b->imported, "default") != 0) {
    return false; /* a named import used as an object */
  } else if (!c->qual) {
    if (!b->imported)
      return false; /* the module itself, called */
    s->target = b->imported;
    s->is_default = f->fam == FAM_JS && !strcmp(b->imported, "default");
  }
  if (f->fam == FAM_PY) {
    py_module(s, f, spec, tmp);
    return true;
  }
  if (strncmp(spec, "./", 2) != 0 && strncmp(spec, "../", 3) != 0)
    return false; /* a package: not part of the scan */
  s->module = path_norm(tmp, f->dir, spec);
  s->is_path = true;
  return true;
}

static int cmp_site(const void *pa, const void *pb)
{
  const site *a = pa, *b = pb;
  int c = strcmp(a->target, b->target);
  if (c)
    return c;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  if (a->pos != b->pos)
    return a->pos < b->pos ? -1 : 1;
  return a->call < b->call ? -1 : (a->call > b->call);
}

/* ==== matching a site to a function ===================================== */

/* The file's extensions and index files a JS specifier may leave out. */
static const char *const js_suffixes[] = {
  "", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs", ".mts", ".cts",
  "/index.js", "/index.ts", "/index.tsx", "/index.jsx", "/index.mjs", NULL,
};

static bool js_module_is(const char *module, const char *path)
{
  size_t ml = strlen(module);
  if (strncmp(path, module, ml) == 0) {
    for (const char *const *x = js_suffixes; *x; x++)
      if (!strcmp(path + ml, *x))
        return true;
  }
  /* TypeScript's ESM style: import "./jobs.js" of jobs.ts */
  if (ends_with(module, ".js") && strncmp(path, module, ml - 3) == 0)
    return !strcmp(path + ml - 3, ".ts") || !strcmp(path + ml - 3, ".tsx");
  return false;
}

/* Is dotted (`app.jobs`) a suffix of path (`src/app/jobs`) at a '/'? */
static bool dotted_suffix(const char *path, const char *dotted)
{
  size_t pl, dl = strlen(dotted);
  if (!path)
    return false;
  pl = strlen(path);
  if (dl > pl || (dl < pl && path[pl - dl - 1] != '/'))
    return false;
  for (size_t i = 0; i < dl; i++)
    if (path[pl - dl + i] != (dotted[i] == '.' ? '/' : dotted[i]))
      return false;
  return true;
}

static bool module_is(const site *s, const lfile *a)
{
  if (a->fam == FAM_JS)
    return js_module_is(s->module, a->norm);
  if (s->is_path)
    return (a->pymod && !strcmp(a->pymod, s->module)) ||
           (a->pypkg && !strcmp(a->pypkg, s->module));
  return dotted_suffix(a->pymod, s->module) || dotted_suffix(a->pypkg, s->module);
}

/* c_defs - (name, file) for every C function definition, sorted, so a name
 * defined in exactly one file is found by binary search. */
typedef struct c_def {
  const char *name;
  uint32_t file;
} c_def;

typedef SCL_VEC(c_def) c_def_vec;

static int cmp_c_def(const void *pa, const void *pb)
{
  const c_def *a = pa, *b = pb;
  int c = strcmp(a->name, b->name);
  return c ? c : (a->file > b->file) - (a->file < b->file);
}

/* Is name defined in C file a and in no other C file? */
static bool c_unique(const c_def_vec *defs, const char *name, uint32_t a)
{
  size_t lo = 0, hi = defs->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(defs->items[mid].name, name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo >= defs->count || strcmp(defs->items[lo].name, name) != 0 || defs->items[lo].file != a)
    return false;
  for (size_t i = lo + 1; i < defs->count && !strcmp(defs->items[i].name, name); i++)
    if (defs->items[i].file != a)
      return false;
  return true;
}

/* link_ctx - the joined scan. */
typedef struct link_ctx {
  lfile *files;          /* sorted by path */
  size_t file_count;
  site_vec sites;        /* sorted by cmp_site */
  c_def_vec c_defs;
  scl_arena *out;        /* the caller's arena */
  scl_arena tmp;         /* everything else, freed at the end */
  uint32_t gen;          /* search generation, for lfile.seen */
} link_ctx;

/* Can site s call function fn of file a? */
static bool site_calls(const link_ctx *lx, const site *s, uint32_t a, const scl_sum_fn *fn)
{
  const lfile *b = &lx->files[s->file], *af = &lx->files[a];
  const scl_sum_call *c = &b->sum->calls[s->call];

  if (b->fam != af->fam)
    return false;
  switch (s->mode) {
  case SITE_LOCAL:
    return s->file == a && c->is_member == fn->is_method;
  case SITE_GLOBAL:
    return s->file == a || c_unique(&lx->c_defs, fn->name, a);
  case SITE_MODULE:
    if (fn->is_method || s->file == a)
      return false;
    if (s->is_default &&
        (!af->sum->default_export || strcmp(af->sum->default_export, fn->name) != 0))
      return false;
    return module_is(s, af);
  }
  return false;
}

/* First index in lx->sites whose target is name. */
static size_t sites_lower_bound(const link_ctx *lx, const char *name)
{
  size_t lo = 0, hi = lx->sites.count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(lx->sites.items[mid].target, name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ==== the search ======================================================== */

/* entry - one function on the breadth-first queue, reached through site
 * (an index into lx->sites, SIZE_MAX for the start) from entry prev. */
typedef struct entry {
  uint32_t file;
  int32_t fn;
  size_t prev;
  size_t site;
  unsigned depth;
} entry;

typedef SCL_VEC(entry) entry_vec;

/* hit - a site where a needed fact holds, and the entry it calls. */
typedef struct hit {
  size_t site;
  size_t entry;
  unsigned bit;
  bool is_truncated;   /* no hit, and the depth limit cut the search */
} hit;

/* Visits the callers of q->items[e]: a caller where a fact of need holds
 * ends the search (true, *h filled); others are queued. */
static bool visit(link_ctx *lx, entry_vec *q, size_t e, unsigned need, hit *h)
{
  entry cur = q->items[e];
  const lfile *f = &lx->files[cur.file];
  const scl_sum_fn *fn = &f->sum->fns[cur.fn];
  const char *names[2] = { fn->name, NULL };

  if (f->sum->default_export && !strcmp(f->sum->default_export, fn->name))
    names[1] = "default";
  for (int k = 0; k < 2 && names[k]; k++) {
    for (size_t i = sites_lower_bound(lx, names[k]);
         i < lx->sites.count && !strcmp(lx->sites.items[i].target, names[k]); i++) {
      const site *s = &lx->sites.items[i];
      const lfile *b = &lx->files[s->file];
      const scl_sum_call *c = &b->sum->calls[s->call];
      if (!site_calls(lx, s, cur.file, fn))
        continue;
      if (c->holds & need) {
        h->site = i;
        h->entry = e;
        h->bit = (c->holds & need & (1u << SCL_SUM_IN_LOOP)) ? SCL_SUM_IN_LOOP : SCL_SUM_IN_HANDLER;
        return true;
      }
      if (c->caller < 0 || b->seen[c->caller] == lx->gen)
        continue;
      if (cur.depth + 1 >= SCL_MAX_CALL_DEPTH) {
        h->is_truncated = true;
        continue;
      }
      b->seen[c->caller] = lx->gen;
      entry next = { s->file, c->caller, e, i, cur.depth + 1 };
      SCL_VEC_PUSH(q, next);
    }
  }
  return false;
}

/* Searches the callers of function fn of file, breadth first. */
static bool search(link_ctx *lx, entry_vec *q, uint32_t file, int32_t fn, unsigned need, hit *h)
{
  entry start = { file, fn, SIZE_MAX, SIZE_MAX, 0 };

  memset(h, 0, sizeof(*h));
  q->count = 0;
  lx->gen++;
  lx->files[file].seen[fn] = lx->gen;
  SCL_VEC_PUSH(q, start);
  for (size_t e = 0; e < q->count; e++)
    if (visit(lx, q, e, need, h))
      return true;
  return false;
}

static scl_location site_location(link_ctx *lx, size_t i)
{
  const site *s = &lx->sites.items[i];
  const scl_sum_call *c = &lx->files[s->file].sum->calls[s->call];
  scl_location l;
  l.path = lx->files[s->file].sum->path;
  l.span = c->span;
  l.message = scl_arena_printf(lx->out, "line %u calls it", (unsigned)c->span.start_line);
  return l;
}

/* The related locations of a hit, in flow order: why the fact holds at the
 * outer call site (loop or handler, in-file call sites), that site, then
 * each call site down to the function of the finding. */
static const scl_location *hit_chain(link_ctx *lx, const entry_vec *q, const hit *h,
                                     size_t *count_out)
{
  const site *s = &lx->sites.items[h->site];
  const scl_sum_call *c = &lx->files[s->file].sum->calls[s->call];
  size_t n = c->via_count[h->bit] + 1 + q->items[h->entry].depth, k = 0;
  scl_location *locs = scl_arena_alloc(lx->out, n * sizeof(*locs));

  for (uint32_t i = 0; i < c->via_count[h->bit]; i++)
    locs[k++] = c->via[h->bit][i];
  locs[k++] = site_location(lx, h->site);
  for (size_t e = h->entry; q->items[e].site != SIZE_MAX; e = q->items[e].prev)
    locs[k++] = site_location(lx, q->items[e].site);
  *count_out = k;
  return locs;
}

/* ==== the stage ========================================================= */

typedef SCL_VEC(scl_finding) finding_vec;
typedef SCL_VEC(scl_notice) notice_vec;

/* dref - a deferred finding, ordered for grouping by function. */
typedef struct dref {
  uint32_t file;
  const scl_sum_deferred *d;
} dref;

static int cmp_dref(const void *pa, const void *pb)
{
  const dref *a = pa, *b = pb;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  if (a->d->fn != b->d->fn)
    return a->d->fn < b->d->fn ? -1 : 1;
  if (a->d->need != b->d->need)
    return a->d->need < b->d->need ? -1 : 1;
  int c = strcmp(a->d->finding.rule_id, b->d->finding.rule_id);
  if (c)
    return c;
  if (a->d->finding.span.start_byte != b->d->finding.span.start_byte)
    return a->d->finding.span.start_byte < b->d->finding.span.start_byte ? -1 : 1;
  return (a->d->finding.span.end_byte > b->d->finding.span.end_byte) -
         (a->d->finding.span.end_byte < b->d->finding.span.end_byte);
}

static bool same_group(const dref *a, const dref *b)
{
  return a->file == b->file && a->d->fn == b->d->fn && a->d->need == b->d->need;
}

static bool same_finding(const dref *a, const dref *b)
{
  return a->file == b->file && !strcmp(a->d->finding.rule_id, b->d->finding.rule_id) &&
         a->d->finding.span.start_byte == b->d->finding.span.start_byte &&
         a->d->finding.span.end_byte == b->d->finding.span.end_byte;
}

static int cmp_file(const void *pa, const void *pb)
{
  const lfile *a = pa, *b = pb;
  int c = strcmp(a->sum->path, b->sum->path);
  return c ? c : (a->sum > b->sum) - (a->sum < b->sum);
}

/* Files sorted by path, resolved sites sorted by name, C definitions. */
static void index_build(link_ctx *lx, const scl_file_summary *const *sums, size_t count)
{
  lx->files = scl_arena_alloc(&lx->tmp, (count + 1) * sizeof(lfile));
  for (size_t i = 0; i < count; i++)
    file_init(&lx->files[i], sums[i], &lx->tmp);
  lx->file_count = count;
  qsort(lx->files, count, sizeof(lfile), cmp_file);
  for (uint32_t fi = 0; fi < count; fi++) {
    const lfile *f = &lx->files[fi];
    for (uint32_t ci = 0; ci < f->sum->call_count; ci++) {
      site s;
      memset(&s, 0, sizeof(s));
      s.file = fi;
      s.call = ci;
      s.pos = f->sum->calls[ci].span.start_byte;
      if (resolve_call(&s, f, &f->sum->calls[ci], &lx->tmp))
        SCL_VEC_PUSH(&lx->sites, s);
    }
    for (size_t k = 0; f->fam == FAM_C && k < f->sum->fn_count; k++) {
      c_def d = { f->sum->fns[k].name, fi };
      SCL_VEC_PUSH(&lx->c_defs, d);
    }
  }
  if (lx->sites.count)
    qsort(lx->sites.items, lx->sites.count, sizeof(site), cmp_site);
  if (lx->c_defs.count)
    qsort(lx->c_defs.items, lx->c_defs.count, sizeof(c_def), cmp_c_def);
}

static void depth_notice(link_ctx *lx, notice_vec *notices, const dref *r)
{
  const lfile *f = &lx->files[r->file];
  scl_notice n;
  n.path = f->sum->path;
  n.level = SCL_LEVEL_WARNING;
  n.kind = "limit";
  n.message = scl_arena_printf(lx->out,
                               "%s: callers of `%s` were followed %d calls deep across files; "
                               "longer call chains are not checked",
                               r->d->finding.rule_id, f->sum->fns[r->d->fn].name,
                               SCL_MAX_CALL_DEPTH);
  SCL_VEC_PUSH(notices, n);
}

/* Searches once per group of deferred findings (same function, same facts)
 * and reports each finding of the group that holds. */
static void link_deferred(link_ctx *lx, scl_link_result *out, const dref *refs, size_t count)
{
  finding_vec found = { 0 };
  notice_vec notices = { 0 };
  entry_vec q = { 0 };
  const scl_location *chain = NULL;
  size_t chain_count = 0;
  bool holds = false;

  for (size_t i = 0; i < count; i++) {
    if (i == 0 || !same_group(&refs[i - 1], &refs[i])) {
      hit h;
      holds = search(lx, &q, refs[i].file, refs[i].d->fn, refs[i].d->need, &h);
      chain = holds ? hit_chain(lx, &q, &h, &chain_count) : NULL;
      if (h.is_truncated && !holds)
        depth_notice(lx, &notices, &refs[i]);
    }
    if (!holds || (i > 0 && same_finding(&refs[i - 1], &refs[i])))
      continue;
    scl_finding f = refs[i].d->finding;
    f.related = chain;
    f.related_count = chain_count;
    SCL_VEC_PUSH(&found, f);
  }
  SCL_VEC_FREE(&q);
  out->findings = found.items;
  out->finding_count = found.count;
  out->notices = notices.items;
  out->notice_count = notices.count;
}

/* ---- keyed findings (built-in checks' cross-file joins) ---- */

static int cmp_key(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends to out every keyed finding whose key no file cancels. */
static void link_keyed(scl_link_result *out, const scl_file_summary *const *sums, size_t count)
{
  size_t nk = 0, nf = 0;
  for (size_t i = 0; i < count; i++) {
    nk += sums[i]->cancel_key_count;
    nf += sums[i]->keyed_count;
  }
  if (nf == 0)
    return;
  const char **keys = scl_xmalloc((nk ? nk : 1) * sizeof(*keys));
  size_t k = 0;
  for (size_t i = 0; i < count; i++)
    for (size_t j = 0; j < sums[i]->cancel_key_count; j++)
      keys[k++] = sums[i]->cancel_keys[j];
  qsort(keys, nk, sizeof(*keys), cmp_key);
  out->findings = scl_xrealloc(out->findings, (out->finding_count + nf) * sizeof(scl_finding));
  for (size_t i = 0; i < count; i++)
    for (size_t j = 0; j < sums[i]->keyed_count; j++) {
      const scl_sum_keyed *kf = &sums[i]->keyed[j];
      if (!bsearch(&kf->key, keys, nk, sizeof(*keys), cmp_key))
        out->findings[out->finding_count++] = kf->finding;
    }
  free(keys);
}

scl_status scl_link(scl_link_result *out, scl_arena *arena, const scl_file_summary *const *sums,
                    size_t count, scl_diag *diag)
{
  link_ctx lx;
  SCL_VEC(dref) refs = { 0 };

  (void)diag;
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < count; i++)
    for (size_t k = 0; k < sums[i]->deferred_count; k++) {
      dref r = { 0, &sums[i]->deferred[k] };
      SCL_VEC_PUSH(&refs, r);
    }
  if (refs.count == 0) {
    link_keyed(out, sums, count);
    return SCL_OK; /* nothing waits for a caller: skip the index */
  }
  refs.count = 0;
  memset(&lx, 0, sizeof(lx));
  lx.out = arena;
  scl_arena_init(&lx.tmp);
  index_build(&lx, sums, count);
  for (uint32_t fi = 0; fi < lx.file_count; fi++)
    for (size_t k = 0; k < lx.files[fi].sum->deferred_count; k++) {
      dref r = { fi, &lx.files[fi].sum->deferred[k] };
      SCL_VEC_PUSH(&refs, r);
    }
  qsort(refs.items, refs.count, sizeof(dref), cmp_dref);
  link_deferred(&lx, out, refs.items, refs.count);
  link_keyed(out, sums, count);
  SCL_VEC_FREE(&refs);
  SCL_VEC_FREE(&lx.sites);
  SCL_VEC_FREE(&lx.c_defs);
  scl_arena_dispose(&lx.tmp);
  return SCL_OK;
}

void scl_link_result_dispose(scl_link_result *out)
{
  if (!out)
    return;
  free(out->findings);
  free(out->notices);
  memset(out, 0, sizeof(*out));
}
