/*
 * wanted.c - the names a skipped file must mention to matter; see wanted.h.
 *
 * A fixed point over every call site of every summary: a function is wanted
 * if it holds a deferred finding or calls a wanted name. Each round over the
 * call sites can only add names, and the link stage follows chains at most
 * SCL_MAX_CALL_DEPTH calls deep, so the rounds stop at that depth too.
 */
#include <string.h>

#include "link/wanted.h"
#include "util/alloc.h"
#include "util/limits.h"
#include "util/vec.h"

/* nameset - open-addressing set of borrowed strings. */
typedef struct nameset {
  const char **slots;
  size_t cap;   /* power of two */
  size_t count;
} nameset;

static uint64_t hash_str(const char *s, size_t len)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* Whether the len bytes at s (not NUL-terminated) are in the set. */
static bool set_has_n(const nameset *ns, const char *s, size_t len)
{
  if (!ns->cap)
    return false;
  for (size_t i = hash_str(s, len) & (ns->cap - 1);; i = (i + 1) & (ns->cap - 1)) {
    if (!ns->slots[i])
      return false;
    if (strncmp(ns->slots[i], s, len) == 0 && ns->slots[i][len] == '\0')
      return true;
  }
}

static bool set_has(const nameset *ns, const char *s)
{
  return set_has_n(ns, s, strlen(s));
}

/* Adds s; true if it was new. */
static bool set_add(nameset *ns, const char *s)
{
  if (!s || !*s || set_has(ns, s))
    return false;
  if ((ns->count + 1) * 2 > ns->cap) {
    nameset bigger = {scl_xcalloc(ns->cap ? ns->cap * 2 : 64, sizeof(char *)),
                      ns->cap ? ns->cap * 2 : 64, 0};
    for (size_t i = 0; i < ns->cap; i++)
      if (ns->slots[i])
        set_add(&bigger, ns->slots[i]);
    free(ns->slots);
    *ns = bigger;
  }
  size_t i = hash_str(s, strlen(s)) & (ns->cap - 1);
  while (ns->slots[i])
    i = (i + 1) & (ns->cap - 1);
  ns->slots[i] = s;
  ns->count++;
  return true;
}

/* The stem a JS/TS importer writes for a file or import path, in place:
 * "jobs" for src/jobs.ts or './jobs', "queue" for src/queue/index.js. */
static const char *module_stem(const char *path, size_t *len)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strchr(base, '.');
  *len = dot ? (size_t)(dot - base) : strlen(base);
  if (*len == 5 && strncmp(base, "index", 5) == 0 && base != path) {
    const char *end = base - 1, *start = end;
    while (start > path && start[-1] != '/')
      start--;
    *len = (size_t)(end - start);
    return start;
  }
  return base;
}

static bool is_js(scl_lang lang)
{
  return lang == SCL_LANG_JS || lang == SCL_LANG_TS || lang == SCL_LANG_TSX;
}

/* Whether call c of s reaches a wanted module through an import binding
 * (`import run from './jobs'; run()` when jobs is wanted). */
static bool via_wanted_module(const nameset *ns, const scl_file_summary *s,
                              const scl_sum_call *c)
{
  if (!is_js(s->lang))
    return false;
  const char *local = c->qual ? c->qual : c->name;
  for (size_t i = 0; i < s->binding_count; i++) {
    const scl_sum_binding *b = &s->bindings[i];
    size_t len;
    const char *stem;
    if (b->module && strcmp(b->local, local) == 0 && (stem = module_stem(b->module, &len)) &&
        set_has_n(ns, stem, len))
      return true;
  }
  return false;
}

/* Marks fn of sum wanted (and its module stem); true if anything was new. */
static bool want_fn(nameset *ns, scl_arena *arena, const scl_file_summary *sum, int32_t fn)
{
  if (fn < 0 || (size_t)fn >= sum->fn_count)
    return false;
  bool is_new = set_add(ns, sum->fns[fn].name);
  if (is_new && is_js(sum->lang)) {
    size_t len;
    const char *stem = module_stem(sum->path, &len);
    if (len && !set_has_n(ns, stem, len))
      set_add(ns, scl_arena_strndup(arena, stem, len));
  }
  return is_new;
}

size_t scl_link_wanted(const char ***out, scl_arena *arena, const scl_file_summary *const *sums,
                       size_t count)
{
  nameset ns = {0};
  for (size_t i = 0; i < count; i++)
    for (size_t j = 0; j < sums[i]->deferred_count; j++)
      want_fn(&ns, arena, sums[i], sums[i]->deferred[j].fn);
  for (int round = 0; round < SCL_MAX_CALL_DEPTH && ns.count; round++) {
    bool changed = false;
    for (size_t i = 0; i < count; i++) {
      const scl_file_summary *s = sums[i];
      for (size_t j = 0; j < s->call_count; j++)
        if (s->calls[j].caller >= 0 &&
            (set_has(&ns, s->calls[j].name) || via_wanted_module(&ns, s, &s->calls[j])))
          changed |= want_fn(&ns, arena, s, s->calls[j].caller);
    }
    if (!changed)
      break;
  }
  const char **names = scl_xmalloc((ns.count ? ns.count : 1) * sizeof(char *));
  size_t n = 0;
  for (size_t i = 0; i < ns.cap; i++)
    if (ns.slots[i])
      names[n++] = ns.slots[i];
  free(ns.slots);
  *out = names;
  return n;
}
