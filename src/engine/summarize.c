/*
 * summarize.c - the engine's half of cross-file "through a call" findings:
 * which top-level constraints may wait for the link stage (deferrable), the
 * related locations of a through-calls trace, and the per-file summary
 * (functions, call sites, import bindings) that src/link/ joins across files.
 *
 * Collected during the same scan as the findings, from the facts the scan
 * already built: no second parse and no second walk of the rules. Everything
 * a summary keeps is copied into the caller's out arena. Must not print,
 * exit, or see a parser type; the ruleset is only read.
 */
#include <string.h>

#include "engine/rule.h"
#include "link/summary.h"

/* ==== deferrable constraints ============================================ */

static unsigned fact_bit(const scl_constraint *c)
{
  if (c->kind != SCL_C_FACT || !c->through_calls)
    return 0;
  if (c->fact == SCL_FACT_IN_LOOP)
    return 1u << SCL_SUM_IN_LOOP;
  if (c->fact == SCL_FACT_IN_HANDLER)
    return 1u << SCL_SUM_IN_HANDLER;
  return 0;
}

unsigned scl_engine__deferrable(const scl_constraint *c)
{
  unsigned bits = fact_bit(c);
  if (bits || c->kind != SCL_C_ANY || c->kid_count == 0)
    return bits;
  for (size_t i = 0; i < c->kid_count; i++) {
    unsigned b = fact_bit(&c->kids[i]);
    const char *cap = c->kids[i].capture, *cap0 = c->kids[0].capture;
    if (!b || (cap != cap0 && (!cap || !cap0 || strcmp(cap, cap0) != 0)))
      return 0; /* another kind of alternative, or facts about different nodes */
    bits |= b;
  }
  return bits;
}

static bool entries_defer(const scl_dispatch_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < e[i].matcher->where_count; k++)
      if (scl_engine__deferrable(&e[i].matcher->where[k]))
        return true;
  return false;
}

bool scl_engine__lang_links(const scl_ruleset *rs, scl_lang lang)
{
  const scl_dispatch *dt = &rs->dispatch[lang];
  if (!dt->starts)
    return false;
  return entries_defer(dt->entries, dt->starts[dt->kind_count]) ||
         entries_defer(dt->wild, dt->wild_count);
}

/* ==== related locations ================================================= */

const scl_location *scl_engine__related(size_t *count_out, scl_arena *out, const scl_tree *tree,
                                        const char *path, const scl_fact_trace *trace)
{
  scl_location *locs;

  *count_out = 0;
  if (!trace || trace->count == 0)
    return NULL;
  locs = scl_arena_alloc(out, sizeof(scl_location) * trace->count);
  for (unsigned i = 0; i < trace->count; i++) {
    scl_location *l = &locs[i];
    const char *label = trace->labels[i] ? trace->labels[i] : "related";
    unsigned line;
    l->path = path;
    scl_tree_span(&l->span, tree, trace->nodes[i]);
    line = (unsigned)l->span.start_line;
    if (strstr(label, "loop"))
      l->message = scl_arena_printf(out, "%s at line %u runs this once per item", label, line);
    else if (strstr(label, "handler"))
      l->message = scl_arena_printf(out, "%s at line %u runs this on every request", label, line);
    else
      l->message = scl_arena_printf(out, "line %u %s", line, label);
  }
  *count_out = trace->count;
  return locs;
}

/* ==== the file summary ================================================== */

/* Copies s[0..len) without whitespace (`app . jobs` -> `app.jobs`). */
static const char *squeezed(scl_arena *out, const char *s, size_t len)
{
  char *d = scl_arena_alloc(out, len + 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\\')
      d[o++] = s[i];
  d[o] = '\0';
  return d;
}

/* Whether fact holds at the call within the file, and why (into c->via). */
static void call_holds(scl_sum_call *c, scl_sum_fact bit, scl_fact fact, scl_facts *facts,
                       const scl_tree *tree, uint32_t node, const char *path, scl_arena *out)
{
  scl_fact_trace tr;
  size_t n = 0;
  uint32_t outer = scl_facts_direct(facts, fact, node);

  tr.count = 0;
  if (outer != SCL_NO_NODE) {
    tr.nodes[0] = outer;
    tr.labels[0] = fact == SCL_FACT_IN_LOOP ? "the loop" : "the request handler";
    tr.count = 1;
  } else if (!scl_facts_holds(facts, fact, node, true, &tr) || tr.count == 0) {
    return;
  }
  c->holds |= 1u << bit;
  c->via[bit] = scl_engine__related(&n, out, tree, path, &tr);
  c->via_count[bit] = (uint32_t)n;
}

static void summarize_calls(scl_file_summary *sum, scl_facts *facts, const scl_tree *tree,
                            scl_arena *out)
{
  const scl_fact_call *calls = NULL;
  size_t n = scl_facts_calls(facts, &calls);
  scl_sum_call *dst = scl_arena_alloc(out, (n ? n : 1) * sizeof(*dst));

  for (size_t i = 0; i < n; i++) {
    scl_sum_call *c = &dst[i];
    memset(c, 0, sizeof(*c));
    c->name = scl_arena_strndup(out, calls[i].name, calls[i].name_len);
    c->qual = calls[i].qual ? squeezed(out, calls[i].qual, calls[i].qual_len) : NULL;
    c->is_member = calls[i].is_member;
    c->caller = (int32_t)scl_facts_named_function(facts, calls[i].node);
    scl_tree_span(&c->span, tree, calls[i].node);
    call_holds(c, SCL_SUM_IN_LOOP, SCL_FACT_IN_LOOP, facts, tree, calls[i].node, sum->path, out);
    call_holds(c, SCL_SUM_IN_HANDLER, SCL_FACT_IN_HANDLER, facts, tree, calls[i].node, sum->path,
               out);
  }
  sum->calls = dst;
  sum->call_count = n;
}

void scl_engine__summarize(scl_file_summary *sum, scl_facts *facts, const scl_tree *tree,
                           scl_arena *out)
{
  const scl_fact_fn *fns = NULL;
  const scl_fact_binding *bs = NULL;
  const char *def = NULL;
  size_t nf = scl_facts_functions(facts, &fns);
  size_t nb = scl_facts_bindings(facts, &bs, &def);
  scl_sum_fn *fdst = scl_arena_alloc(out, (nf ? nf : 1) * sizeof(*fdst));
  scl_sum_binding *bdst = scl_arena_alloc(out, (nb ? nb : 1) * sizeof(*bdst));

  for (size_t i = 0; i < nf; i++) {
    fdst[i].name = scl_arena_strndup(out, fns[i].name, fns[i].name_len);
    fdst[i].is_method = fns[i].is_method;
  }
  for (size_t i = 0; i < nb; i++) {
    bdst[i].local = scl_arena_strdup(out, bs[i].local);
    bdst[i].imported = bs[i].imported ? scl_arena_strdup(out, bs[i].imported) : NULL;
    bdst[i].module = scl_arena_strdup(out, bs[i].module);
  }
  sum->fns = fdst;
  sum->fn_count = nf;
  sum->bindings = bdst;
  sum->binding_count = nb;
  sum->default_export = def ? scl_arena_strdup(out, def) : NULL;
  summarize_calls(sum, facts, tree, out);
}
