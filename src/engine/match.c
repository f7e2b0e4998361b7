/*
 * match.c - scanning one file's tree with a compiled ruleset: one preorder
 * walk, dispatching each node to the rules whose root pattern can have its
 * kind; `where` constraints evaluated in order with the captures bound so
 * far; findings built (message, snippet line, fingerprint, related
 * locations), de-duplicated and capped per rule.
 *
 * The ruleset is only read here. Per-file state (facts, caches, counters)
 * lives in the caller's scratch arena; everything a finding keeps is copied
 * into out_arena. Recursion follows rule nesting only, which the loader
 * bounds by SCL_MAX_RULE_NESTING; tree walks are loops.
 *
 * When the caller wants a summary, a match whose only failing top-level
 * constraints are through-calls facts becomes a deferred finding for the
 * link stage instead of being dropped; the rest of the summary is built by
 * summarize.c from the same facts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rule.h"
#include "engine/schema.h"
#include "link/summary.h"
#include "util/buf.h"

/* ---- small open-addressing map in the scratch arena ---- */

typedef struct map_slot {
  uint64_t a, b;
  uint32_t val;
  bool used;
} map_slot;

typedef struct u64map {
  map_slot *slots;
  size_t cap;   /* power of two */
  size_t count;
} u64map;

static uint64_t mix64(uint64_t x)
{
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

static map_slot *map_find(u64map *m, uint64_t a, uint64_t b)
{
  size_t i = (size_t)mix64(a * 31 + b) & (m->cap - 1);
  while (m->slots[i].used && (m->slots[i].a != a || m->slots[i].b != b))
    i = (i + 1) & (m->cap - 1);
  return &m->slots[i];
}

/* Returns the slot for (a, b), inserting it (val 0) if new; *is_new says which. */
static map_slot *map_get(u64map *m, scl_arena *arena, uint64_t a, uint64_t b, bool *is_new)
{
  if ((m->count + 1) * 2 > m->cap) {
    u64map bigger = {scl_arena_alloc(arena, sizeof(map_slot) * (m->cap ? m->cap * 2 : 64)),
                     m->cap ? m->cap * 2 : 64, m->count};
    for (size_t i = 0; i < m->cap; i++) {
      if (m->slots[i].used)
        *map_find(&bigger, m->slots[i].a, m->slots[i].b) = m->slots[i];
    }
    *m = bigger;
  }
  map_slot *s = map_find(m, a, b);
  *is_new = !s->used;
  if (!s->used) {
    s->used = true;
    s->a = a;
    s->b = b;
    m->count++;
  }
  return s;
}

/* ---- FNV-1a ---- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

/* ---- scan state ---- */

/* file_has_result - a cached file-has outcome and the captures it added. */
typedef struct file_has_result {
  bool holds;
  scl_captures added;
} file_has_result;

/* pending - a deferred finding and its rule's position in the kept list. */
typedef struct pending {
  scl_sum_deferred d;
  uint32_t rule_index;
} pending;

typedef struct scan_ctx {
  const scl_ruleset *rs;
  const scl_tree *tree;
  scl_lang lang;
  const scl_rule *rule;         /* the rule being tried */
  uint32_t rule_index;          /* its position in the kept list (try_entry) */
  bool *match_capped;           /* per kept rule: pattern match cap noticed; lazy */
  const char *path;             /* in out_arena */
  scl_arena *scratch;
  scl_arena *out_arena;
  scl_facts *facts;             /* created on first use */
  scl_finding_vec *out;
  scl_notice_vec *notices;
  uint32_t *counts;             /* findings per kept rule */
  uint32_t *deferred_counts;    /* deferred findings per kept rule */
  const char **ids, **slugs;    /* per kept rule: copies in out_arena, made on first use */
  u64map seen;                  /* (rule, span) already reported */
  u64map occurrences;           /* (rule, normalised line) -> count, for fingerprints */
  u64map file_has;              /* (constraint, dep texts) -> results index */
  SCL_VEC(file_has_result *) fh_results;
  scl_file_summary *summary;    /* NULL: no summary wanted */
  bool links;                   /* summary wanted and some rule for lang defers */
  u64map deferred_seen;         /* (rule, span) already deferred */
  SCL_VEC(pending) deferred;
  uint32_t *by_kind_start;      /* kind k's nodes: by_kind[start[k] .. start[k + 1]), */
  uint32_t *by_kind;            /*   in preorder; built on first has/file-has */
} scan_ctx;

static scl_facts *facts(scan_ctx *cx)
{
  if (!cx->facts)
    cx->facts = scl_facts_new(cx->tree, cx->lang, cx->scratch);
  return cx->facts;
}

static const char *capture_text(const scan_ctx *cx, const scl_captures *caps, const char *name,
                                size_t *len)
{
  uint32_t n = scl_captures_get(caps, name);
  if (n == SCL_NO_NODE)
    return NULL;
  return scl_tree_text(cx->tree, n, len);
}

/* ---- integer literals ---- */

bool scl_engine__parse_int(const char *text, size_t len, double *out)
{
  size_t i = 0;
  unsigned base = 10;
  if (len >= 2 && text[0] == '0') {
    char b = text[1];
    if (b == 'x' || b == 'X')
      base = 16;
    else if (b == 'o' || b == 'O')
      base = 8;
    else if (b == 'b' || b == 'B')
      base = 2;
    if (base != 10)
      i = 2;
    else if (b >= '0' && b <= '7')
      base = 8;  /* C and legacy JS octal: 010 */
  }
  double v = 0;
  size_t digits = 0;
  for (; i < len; i++) {
    char c = text[i];
    unsigned d;
    if (c == '_' || c == '\'')
      continue;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else
      break;
    if (d >= base)
      return false;
    v = v * base + d;
    digits++;
  }
  for (; i < len; i++) {  /* integer suffixes: 1000UL, 10n */
    if (!strchr("uUlLnN", text[i]))
      return false;
  }
  if (digits == 0)
    return false;
  *out = v;
  return true;
}

static bool compare(double a, scl_cmp_op op, double b)
{
  switch (op) {
  case SCL_OP_LT: return a < b;
  case SCL_OP_LE: return a <= b;
  case SCL_OP_GT: return a > b;
  case SCL_OP_GE: return a >= b;
  case SCL_OP_EQ: return a == b;
  case SCL_OP_NE: return a != b;
  }
  return false;
}

/* ---- constraints ---- */

static bool eval_where(scan_ctx *cx, const scl_constraint *cs, size_t n, uint32_t node,
                       scl_captures *caps, scl_fact_trace *trace);
static bool eval(scan_ctx *cx, const scl_constraint *c, uint32_t node, scl_captures *caps,
                 scl_fact_trace *trace);

/* Whether a node of kind can be p's root: a few compares, so inside/has and
 * file-has walks reject most nodes before copying any captures. */
static bool root_kind_ok(const scl_pattern *p, uint16_t kind)
{
  const uint16_t *kinds = NULL;
  size_t n = scl_pattern_root_kinds(p, &kinds);
  if (!kinds)
    return true;
  for (size_t i = 0; i < n; i++)
    if (kinds[i] == kind)
      return true;
  return false;
}

/* Once per rule and file: a pattern matched some node in more ways than
 * SCL_MAX_PATTERN_MATCHES (or took more steps than pattern.c allows) before
 * its constraints held for one, so the other ways were not checked. */
static void match_cap_notice(scan_ctx *cx, uint32_t node)
{
  if (!cx->match_capped)
    cx->match_capped = scl_arena_alloc(cx->scratch, sizeof(bool) * (cx->rs->kept.count + 1));
  if (cx->match_capped[cx->rule_index])
    return;
  cx->match_capped[cx->rule_index] = true;
  scl_notice n;
  n.path = cx->path;
  n.level = SCL_LEVEL_WARNING;
  n.kind = "limit";
  n.message = scl_arena_printf(cx->out_arena,
                               "%s: a pattern matches line %u in too many ways (cap %d); "
                               "the rest were not checked against its constraints",
                               cx->rule->info.id, (unsigned)cx->tree->nodes[node].start_row + 1,
                               SCL_MAX_PATTERN_MATCHES);
  SCL_VEC_PUSH(cx->notices, n);
}

/*
 * where_try - a matcher's `where:` as the accept function of
 * scl_pattern_match_each(): each way the pattern matches is checked in
 * turn, so a constraint that fails on one binding of a capture does not
 * hide another binding it holds for.
 *   caps   the accepted match's captures plus those its constraints bound
 *   trace  why a through-calls fact held, for the accepted match
 */
typedef struct where_try {
  scan_ctx *cx;
  const scl_matcher *m;
  uint32_t node;
  bool wants_trace;
  scl_captures caps;
  scl_fact_trace trace;
} where_try;

static bool where_accept(const scl_captures *caps, void *payload)
{
  where_try *w = payload;
  w->caps = *caps;
  w->trace.count = 0;
  return eval_where(w->cx, w->m->where, w->m->where_count, w->node, &w->caps,
                    w->wants_trace ? &w->trace : NULL);
}

/* Tries matcher m with its root at node; on success adds its captures. */
static bool match_at(scan_ctx *cx, const scl_matcher *m, uint32_t node, scl_captures *caps,
                     scl_fact_trace *trace)
{
  for (size_t i = 0; i < m->alt_count; i++) {
    if (match_at(cx, &m->alts[i], node, caps, trace))
      return true;
  }
  const scl_pattern *p = m->compiled[cx->lang];
  if (!p || !root_kind_ok(p, cx->tree->nodes[node].kind))
    return false;
  if (m->where_count == 0)
    return scl_pattern_match(p, cx->tree, node, caps);  /* leaves caps alone on failure */
  where_try w;
  w.cx = cx;
  w.m = m;
  w.node = node;
  w.wants_trace = trace != NULL;
  bool is_capped = false;
  if (!scl_pattern_match_each(&is_capped, p, cx->tree, node, caps, where_accept, &w)) {
    if (is_capped)
      match_cap_notice(cx, node);
    return false;
  }
  *caps = w.caps;
  if (trace && w.trace.count)
    *trace = w.trace;
  return true;
}

static bool find_first(scan_ctx *cx, const scl_matcher *m, uint32_t lo, uint32_t hi,
                       scl_captures *caps, scl_fact_trace *trace);

static uint32_t start_node(const scl_matcher *m, uint32_t node, const scl_captures *caps)
{
  return m->of ? scl_captures_get(caps, m->of) : node;
}

static bool eval_inside(scan_ctx *cx, const scl_matcher *m, uint32_t node, scl_captures *caps,
                        scl_fact_trace *trace)
{
  uint32_t start = start_node(m, node, caps);
  if (start == SCL_NO_NODE)
    return false;
  for (uint32_t a = cx->tree->nodes[start].parent; a != SCL_NO_NODE;
       a = cx->tree->nodes[a].parent) {
    if (match_at(cx, m, a, caps, trace))
      return true;
  }
  return false;
}

static bool eval_has(scan_ctx *cx, const scl_matcher *m, uint32_t node, scl_captures *caps,
                     scl_fact_trace *trace)
{
  uint32_t start = start_node(m, node, caps);
  if (start == SCL_NO_NODE)
    return false;
  return find_first(cx, m, start + 1, cx->tree->nodes[start].end, caps, trace);
}

/* ---- candidates by kind: has and file-has visit only nodes that can match ---- */

/* Groups the file's nodes by kind (a counting sort, once per file). */
static void build_kind_index(scan_ctx *cx)
{
  const scl_tree *t = cx->tree;
  size_t kinds = (size_t)t->kinds->kind_count + 1;
  uint32_t *start = scl_arena_alloc(cx->scratch, (kinds + 1) * sizeof(uint32_t));
  uint32_t *by_kind = scl_arena_alloc(cx->scratch, ((size_t)t->count + 1) * sizeof(uint32_t));
  memset(start, 0, (kinds + 1) * sizeof(uint32_t));
  for (uint32_t i = 0; i < t->count; i++)
    start[(t->nodes[i].kind < kinds ? t->nodes[i].kind : 0) + 1]++;
  for (size_t k = 0; k < kinds; k++)
    start[k + 1] += start[k];
  uint32_t *fill = scl_arena_alloc(cx->scratch, kinds * sizeof(uint32_t));
  memcpy(fill, start, kinds * sizeof(uint32_t));
  for (uint32_t i = 0; i < t->count; i++)
    by_kind[fill[t->nodes[i].kind < kinds ? t->nodes[i].kind : 0]++] = i;
  cx->by_kind_start = start;
  cx->by_kind = by_kind;
}

/* Most root kinds a matcher (with its alternatives) is searched by; more
 * and the search walks every node. */
#define MAX_CANDIDATE_KINDS 32

/* Adds the kinds m's root can have to kinds; false when any node can be its
 * root (a wildcard pattern) or there are too many. */
static bool candidate_kinds(const scan_ctx *cx, const scl_matcher *m, uint16_t *kinds,
                            size_t *count)
{
  for (size_t i = 0; i < m->alt_count; i++)
    if (!candidate_kinds(cx, &m->alts[i], kinds, count))
      return false;
  const scl_pattern *p = m->compiled[cx->lang];
  if (!p)
    return true;
  const uint16_t *rk = NULL;
  size_t n = scl_pattern_root_kinds(p, &rk);
  if (!rk)
    return false;
  for (size_t i = 0; i < n; i++) {
    bool dup = false;
    for (size_t j = 0; j < *count && !dup; j++)
      dup = kinds[j] == rk[i];
    if (dup)
      continue;
    if (*count >= MAX_CANDIDATE_KINDS)
      return false;
    kinds[(*count)++] = rk[i];
  }
  return true;
}

/* First node in lo (inclusive) .. hi (exclusive) where m matches, in
 * preorder, on success with its captures added: what trying every node in
 * order does, but visiting only nodes of the kinds m's root can have (a
 * merge of those kinds' lists), since match_at rejects the others anyway. */
static bool find_first(scan_ctx *cx, const scl_matcher *m, uint32_t lo, uint32_t hi,
                       scl_captures *caps, scl_fact_trace *trace)
{
  uint16_t kinds[MAX_CANDIDATE_KINDS];
  size_t nk = 0;
  if (!candidate_kinds(cx, m, kinds, &nk)) {
    for (uint32_t d = lo; d < hi; d++)
      if (match_at(cx, m, d, caps, trace))
        return true;
    return false;
  }
  if (!cx->by_kind)
    build_kind_index(cx);
  size_t kind_limit = (size_t)cx->tree->kinds->kind_count + 1;
  size_t pos[MAX_CANDIDATE_KINDS], end[MAX_CANDIDATE_KINDS];
  for (size_t k = 0; k < nk; k++) {
    if (kinds[k] >= kind_limit) {
      pos[k] = end[k] = 0;
      continue;
    }
    size_t a = cx->by_kind_start[kinds[k]], b = cx->by_kind_start[kinds[k] + 1];
    end[k] = b;
    while (a < b) {  /* first entry >= lo */
      size_t mid = a + (b - a) / 2;
      if (cx->by_kind[mid] < lo)
        a = mid + 1;
      else
        b = mid;
    }
    pos[k] = a;
  }
  for (;;) {
    size_t pick = nk;
    uint32_t next = hi;
    for (size_t k = 0; k < nk; k++)
      if (pos[k] < end[k] && cx->by_kind[pos[k]] < next) {
        next = cx->by_kind[pos[k]];
        pick = k;
      }
    if (pick == nk)
      return false;
    pos[pick]++;
    if (match_at(cx, m, next, caps, trace))
      return true;
  }
}

static bool file_has_scan(scan_ctx *cx, const scl_matcher *m, scl_captures *caps,
                          scl_fact_trace *trace)
{
  return find_first(cx, m, 0, cx->tree->count, caps, trace);
}

/* file-has, cached per file for each combination of the texts of the
 * captures it depends on, so a rule matching many nodes does not rescan the
 * file for each. */
static bool eval_file_has(scan_ctx *cx, const scl_constraint *c, scl_captures *caps,
                          scl_fact_trace *trace)
{
  if (!c->deps)
    return file_has_scan(cx, c->sub, caps, trace);
  uint64_t h = FNV_OFFSET;
  for (size_t i = 0; i < c->dep_count; i++) {
    size_t len = 0;
    const char *t = capture_text(cx, caps, c->deps[i], &len);
    h = fnv(h, c->deps[i], strlen(c->deps[i]) + 1);
    h = t ? fnv(fnv(h, "=", 1), t, len) : fnv(h, "!", 1);
  }
  bool is_new;
  map_slot *s = map_get(&cx->file_has, cx->scratch, (uint64_t)(uintptr_t)c, h, &is_new);
  if (is_new) {
    file_has_result *r = scl_arena_alloc(cx->scratch, sizeof(*r));
    scl_captures tmp = *caps;
    r->holds = file_has_scan(cx, c->sub, &tmp, NULL);
    for (unsigned i = caps->count; r->holds && i < tmp.count; i++)
      r->added.items[r->added.count++] = tmp.items[i];
    s->val = (uint32_t)cx->fh_results.count;
    SCL_VEC_PUSH(&cx->fh_results, r);
  }
  const file_has_result *r = cx->fh_results.items[s->val];
  for (unsigned i = 0; r->holds && i < r->added.count && caps->count < SCL_MAX_CAPTURES; i++)
    caps->items[caps->count++] = r->added.items[i];
  return r->holds;
}

/* loop_filter - what the `loop:` / `not-loop:` matcher of a fact needs. */
typedef struct loop_filter {
  scan_ctx *cx;
  const scl_constraint *c;
  const scl_captures *caps;
} loop_filter;

/* Whether a loop node counts for a fact with `loop:` (it matches the
 * matcher) or `not-loop:` (it does not). The matcher sees the captures
 * bound so far and binds none. */
static bool loop_accept(void *payload, uint32_t loop)
{
  const loop_filter *lf = payload;
  scl_captures tmp = *lf->caps;
  bool m = match_at(lf->cx, lf->c->sub, loop, &tmp, NULL);
  return lf->c->loop_negated ? !m : m;
}

static bool eval_fact(scan_ctx *cx, const scl_constraint *c, uint32_t node,
                      const scl_captures *caps, scl_fact_trace *trace)
{
  uint32_t at = c->capture ? scl_captures_get(caps, c->capture) : node;
  if (at == SCL_NO_NODE)
    return false;
  scl_fact_trace t;
  t.count = 0;
  bool holds;
  if (c->sub) {
    loop_filter lf = {cx, c, caps};
    holds = scl_facts_in_loop_where(facts(cx), at, c->through_calls, loop_accept, &lf, &t);
  } else {
    holds = scl_facts_holds(facts(cx), c->fact, at, c->through_calls, &t);
  }
  if (holds && t.count > 0 && trace)
    *trace = t;
  return holds;
}

static bool eval_imports(scan_ctx *cx, const scl_constraint *c)
{
  const char *const *names = NULL;
  size_t n = scl_facts_imports(facts(cx), &names);
  for (size_t i = 0; i < n; i++) {
    if (scl_regex_search(c->re, names[i], strlen(names[i])))
      return true;
  }
  return false;
}

static bool eval_leaf(scan_ctx *cx, const scl_constraint *c, uint32_t node, scl_captures *caps,
                      scl_fact_trace *trace)
{
  size_t len = 0;
  const char *t;
  double v;
  switch (c->kind) {
  case SCL_C_REGEX:
    t = capture_text(cx, caps, c->capture, &len);
    return t && scl_regex_search(c->re, t, len);
  case SCL_C_NOT_REGEX:
    t = capture_text(cx, caps, c->capture, &len);
    return !t || !scl_regex_search(c->re, t, len);
  case SCL_C_COMPARE: {
    /* a value the front-end computed (a C macro's) wins over the text */
    uint32_t n = scl_captures_get(caps, c->capture);
    int64_t iv;
    if (n != SCL_NO_NODE && scl_tree_int_value(cx->tree, n, &iv)) {
      v = (double)iv;
    } else {
      t = capture_text(cx, caps, c->capture, &len);
      if (!t || !scl_engine__parse_int(t, len, &v))
        return false;
    }
    return compare(v, c->op, c->param ? cx->rule->params[c->param_index].value : c->value);
  }
  case SCL_C_FACT: return eval_fact(cx, c, node, caps, trace);
  case SCL_C_NOT_FACT: return !eval_fact(cx, c, node, caps, NULL);
  case SCL_C_IMPORTS: return eval_imports(cx, c);
  case SCL_C_NOT_IMPORTS: return !eval_imports(cx, c);
  case SCL_C_PATH: return scl_regex_search(c->re, cx->path, strlen(cx->path));
  case SCL_C_NOT_PATH: return !scl_regex_search(c->re, cx->path, strlen(cx->path));
  default: break;
  }
  return false;
}

/* Evaluates c at node. Captures bound by inside/has/file-has (and by all:
 * and the holding branch of any:) are added to caps; negations add none. */
static bool eval(scan_ctx *cx, const scl_constraint *c, uint32_t node, scl_captures *caps,
                 scl_fact_trace *trace)
{
  scl_captures tmp;  /* copied only by the kinds that need a scratch copy */
  scl_fact_trace t;
  switch (c->kind) {
  case SCL_C_INSIDE: return eval_inside(cx, c->sub, node, caps, trace);
  case SCL_C_NOT_INSIDE:
    tmp = *caps;
    return !eval_inside(cx, c->sub, node, &tmp, NULL);
  case SCL_C_HAS: return eval_has(cx, c->sub, node, caps, trace);
  case SCL_C_NOT_HAS:
    tmp = *caps;
    return !eval_has(cx, c->sub, node, &tmp, NULL);
  case SCL_C_FILE_HAS: return eval_file_has(cx, c, caps, trace);
  case SCL_C_NOT_FILE_HAS:
    tmp = *caps;
    return !eval_file_has(cx, c, &tmp, NULL);
  case SCL_C_ALL:
    tmp = *caps;
    if (!eval_where(cx, c->kids, c->kid_count, node, &tmp, trace))
      return false;
    *caps = tmp;
    return true;
  case SCL_C_ANY:
    for (size_t i = 0; i < c->kid_count; i++) {
      tmp = *caps;
      t.count = 0;
      if (eval(cx, &c->kids[i], node, &tmp, &t)) {
        *caps = tmp;
        if (trace && t.count)
          *trace = t;
        return true;
      }
    }
    return false;
  case SCL_C_NOT:
    tmp = *caps;
    return c->kid_count == 1 && !eval(cx, c->kids, node, &tmp, NULL);
  default: break;
  }
  return eval_leaf(cx, c, node, caps, trace);
}

static bool eval_where(scan_ctx *cx, const scl_constraint *cs, size_t n, uint32_t node,
                       scl_captures *caps, scl_fact_trace *trace)
{
  for (size_t i = 0; i < n; i++) {
    if (!eval(cx, &cs[i], node, caps, trace))
      return false;
  }
  return true;
}

/* ---- findings ---- */

/* Longest capture text put into a message, in characters. */
#define MESSAGE_CAPTURE_CHARS 60

/* Appends text with whitespace runs collapsed to one space, trimmed, and
 * cut to max characters with an ellipsis. */
static void append_collapsed(scl_buf *b, const char *t, size_t len, size_t max)
{
  size_t chars = 0;
  bool space = false;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
      space = chars > 0;
      continue;
    }
    bool starts_char = (ch & 0xC0) != 0x80;
    if (starts_char && space) {
      if (chars + 1 >= max) {
        scl_buf_puts(b, "\xE2\x80\xA6");
        return;
      }
      scl_buf_putc(b, ' ');
      chars++;
      space = false;
    }
    if (starts_char && chars >= max) {
      scl_buf_puts(b, "\xE2\x80\xA6");
      return;
    }
    scl_buf_putc(b, (char)ch);
    chars += starts_char;
  }
}

/*
 * check_value - a named value a built-in check offers to the message
 * template (`{{table}}`), in place of a capture.
 */
typedef struct check_value {
  const char *name;
  const char *text;
} check_value;

/* Renders the message template with the match's captures (caps may be NULL
 * when a built-in check offers values instead). */
static const char *render_message(scan_ctx *cx, const scl_captures *caps,
                                  const check_value *vals, size_t val_count)
{
  const char *t = cx->rule->message ? cx->rule->message : "";
  scl_buf b;
  scl_buf_init(&b, 0);
  while (*t) {
    const char *open = strstr(t, "{{");
    const char *close = open ? strstr(open + 2, "}}") : NULL;
    if (!close) {
      scl_buf_puts(&b, t);
      break;
    }
    scl_buf_append(&b, t, (size_t)(open - t));
    const char *s = open + 2;
    size_t len = (size_t)(close - s);
    while (len && *s == ' ') {
      s++;
      len--;
    }
    while (len && s[len - 1] == ' ')
      len--;
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)len, s);
    size_t nl = strlen(name);
    if (strncmp(name, "param.", 6) == 0) {
      for (size_t i = 0; i < cx->rule->param_count; i++) {
        if (strcmp(cx->rule->params[i].name, name + 6) == 0)
          scl_buf_printf(&b, "%g", cx->rule->params[i].value);
      }
    } else if (val_count) {
      for (size_t i = 0; i < val_count; i++)
        if (strcmp(vals[i].name, name) == 0)
          append_collapsed(&b, vals[i].text, strlen(vals[i].text), MESSAGE_CAPTURE_CHARS);
    } else if (nl > 5 && strcmp(name + nl - 5, ".line") == 0) {
      name[nl - 5] = '\0';
      uint32_t n = scl_captures_get(caps, name);
      if (n != SCL_NO_NODE)
        scl_buf_printf(&b, "%u", (unsigned)cx->tree->nodes[n].start_row + 1);
    } else {
      size_t tl = 0;
      const char *text = capture_text(cx, caps, name, &tl);
      if (text)
        append_collapsed(&b, text, tl, MESSAGE_CAPTURE_CHARS);
    }
    t = close + 2;
  }
  const char *out = scl_arena_strdup(cx->out_arena, scl_buf_cstr(&b));
  scl_buf_dispose(&b);
  return out;
}

/* Fingerprint: FNV-1a over rule id, path, the whitespace-normalised line
 * and how many earlier findings of the rule had the same line. */
static const char *fingerprint(scan_ctx *cx, uint32_t rule_index, const char *line, size_t len)
{
  scl_buf norm;
  scl_buf_init(&norm, 0);
  append_collapsed(&norm, line, len, (size_t)-1);
  const char *nt = scl_buf_cstr(&norm);
  bool is_new;
  map_slot *s = map_get(&cx->occurrences, cx->scratch, rule_index,
                        fnv(FNV_OFFSET, nt, norm.len), &is_new);
  uint32_t occ = s->val++;
  char occs[16];
  snprintf(occs, sizeof(occs), "%u", (unsigned)occ);
  uint64_t h = FNV_OFFSET;
  h = fnv(h, cx->rule->info.id, strlen(cx->rule->info.id) + 1);
  h = fnv(h, cx->path, strlen(cx->path) + 1);
  h = fnv(h, nt, norm.len + 1);
  h = fnv(h, occs, strlen(occs));
  scl_buf_dispose(&norm);
  return scl_arena_printf(cx->out_arena, "%016llx", (unsigned long long)h);
}

/* Related locations from a through-calls trace, in flow order. */
static void add_related(scan_ctx *cx, scl_finding *f, const scl_fact_trace *trace)
{
  f->related = scl_engine__related(&f->related_count, cx->out_arena, cx->tree, cx->path, trace);
}

static void limit_notice(scan_ctx *cx)
{
  scl_notice n;
  n.path = cx->path;
  n.level = SCL_LEVEL_WARNING;
  n.kind = "limit";
  n.message = scl_arena_printf(cx->out_arena,
                               "%s: more than %d findings in this file; the rest are not reported",
                               cx->rule->info.id, SCL_MAX_MATCHES_PER_RULE);
  SCL_VEC_PUSH(cx->notices, n);
}

static void deferred_limit_notice(scan_ctx *cx)
{
  scl_notice n;
  n.path = cx->path;
  n.level = SCL_LEVEL_WARNING;
  n.kind = "limit";
  n.message = scl_arena_printf(cx->out_arena,
                               "%s: more than %d matches in this file wait for callers in other "
                               "files; the rest are not followed",
                               cx->rule->info.id, SCL_MAX_MATCHES_PER_RULE);
  SCL_VEC_PUSH(cx->notices, n);
}

/* Fills f for a match of the current rule reported at loc. */
static void build_finding(scan_ctx *cx, scl_finding *f, uint32_t rule_index, uint32_t loc,
                          const scl_captures *caps, const scl_fact_trace *trace)
{
  const scl_rule *r = cx->rule;
  size_t len = 0;
  const char *line = scl_tree_line_text(cx->tree, cx->tree->nodes[loc].start_row, &len);

  if (!cx->ids[rule_index]) {
    cx->ids[rule_index] = scl_arena_strdup(cx->out_arena, r->info.id);
    cx->slugs[rule_index] = scl_arena_strdup(cx->out_arena, r->info.slug);
  }
  f->rule_id = cx->ids[rule_index];
  f->slug = cx->slugs[rule_index];
  f->level = r->info.level;
  f->path = cx->path;
  f->message = render_message(cx, caps, NULL, 0);
  f->line_text = scl_arena_strndup(cx->out_arena, line, len);
  f->fingerprint = fingerprint(cx, rule_index, line, len);
  add_related(cx, f, trace);
}

static uint64_t span_key(const scl_span *s)
{
  return ((uint64_t)s->start_byte << 32) | s->end_byte;
}

static void emit(scan_ctx *cx, uint32_t rule_index, uint32_t loc, const scl_captures *caps,
                 const scl_fact_trace *trace)
{
  scl_finding f;
  memset(&f, 0, sizeof(f));
  scl_tree_span(&f.span, cx->tree, loc);
  bool is_new;
  map_get(&cx->seen, cx->scratch, rule_index, span_key(&f.span), &is_new);
  if (!is_new)
    return;
  if (++cx->counts[rule_index] > SCL_MAX_MATCHES_PER_RULE) {
    limit_notice(cx);
    return;
  }
  build_finding(cx, &f, rule_index, loc, caps, trace);
  SCL_VEC_PUSH(cx->out, f);
}

/* Records a match that waits for a caller in another file: need is the
 * facts (scl_sum_fact bits) that would make it hold, at is the node they
 * are about. Matches outside a named function cannot be called, so they
 * are dropped. */
static void defer(scan_ctx *cx, uint32_t rule_index, uint32_t loc, const scl_captures *caps,
                  unsigned need, uint32_t at)
{
  pending p;
  bool is_new;
  int64_t fn = scl_facts_named_function(facts(cx), at);

  if (fn < 0 || fn > INT32_MAX)
    return;
  memset(&p, 0, sizeof(p));
  scl_tree_span(&p.d.finding.span, cx->tree, loc);
  map_get(&cx->deferred_seen, cx->scratch, rule_index, span_key(&p.d.finding.span), &is_new);
  if (!is_new)
    return;
  if (++cx->deferred_counts[rule_index] > SCL_MAX_MATCHES_PER_RULE) {
    if (cx->deferred_counts[rule_index] == SCL_MAX_MATCHES_PER_RULE + 1)
      deferred_limit_notice(cx);
    return;
  }
  build_finding(cx, &p.d.finding, rule_index, loc, caps, NULL);
  p.d.need = need;
  p.d.fn = (int32_t)fn;
  p.rule_index = rule_index;
  SCL_VEC_PUSH(&cx->deferred, p);
}

/* A fact with `loop:`/`not-loop:` (or an any: of facts with one) is not
 * deferred: summaries keep no loop nodes to match, so across files it does
 * not hold through callers in other files. */
static bool has_loop_filter(const scl_constraint *c)
{
  if (c->kind == SCL_C_FACT)
    return c->sub != NULL;
  for (size_t i = 0; c->kind == SCL_C_ANY && i < c->kid_count; i++)
    if (c->kids[i].kind == SCL_C_FACT && c->kids[i].sub)
      return true;
  return false;
}

/* Top-level constraints of a dispatch entry, in order. With links on, a
 * deferrable entry that fails is noted in *need_out (its node in *at_out)
 * instead of failing the match. */
static bool eval_top(scan_ctx *cx, const scl_matcher *m, uint32_t node, scl_captures *caps,
                     scl_fact_trace *trace, unsigned *need_out, uint32_t *at_out)
{
  *need_out = 0;
  for (size_t i = 0; i < m->where_count; i++) {
    const scl_constraint *c = &m->where[i];
    unsigned bits = cx->links && !has_loop_filter(c) ? scl_engine__deferrable(c) : 0;
    if (eval(cx, c, node, caps, trace))
      continue;
    if (!bits)
      return false;
    const char *cap = c->kind == SCL_C_ANY ? c->kids[0].capture : c->capture;
    uint32_t at = cap ? scl_captures_get(caps, cap) : node;
    if (at == SCL_NO_NODE)
      return false;
    *need_out |= bits;
    *at_out = at;
  }
  return true;
}

/* ---- the walk ---- */

/*
 * entry_try - the top-level constraints as the accept function of
 * scl_pattern_match_each(). A match whose constraints all hold stops the
 * search; the first one that only waits for callers in other files (need
 * != 0) is kept while the search goes on for one that holds here.
 *   caps, trace       the accepted match, or the kept deferrable one
 *   need, at          eval_top()'s outputs for the kept match
 *   has_deferrable    caps, need and at hold a deferrable match
 */
typedef struct entry_try {
  scan_ctx *cx;
  const scl_matcher *m;
  uint32_t node;
  bool has_deferrable;
  unsigned need;
  uint32_t at;
  scl_captures caps;
  scl_fact_trace trace;
} entry_try;

static bool entry_accept(const scl_captures *caps, void *payload)
{
  entry_try *et = payload;
  scl_captures c = *caps;
  scl_fact_trace trace;
  unsigned need = 0;
  uint32_t at = et->node;
  trace.count = 0;
  if (!eval_top(et->cx, et->m, et->node, &c, &trace, &need, &at))
    return false;
  if (need && et->has_deferrable)
    return false;
  et->caps = c;
  et->trace = trace;
  et->need = need;
  et->at = at;
  et->has_deferrable = need != 0;
  return need == 0;
}

static void try_entry(scan_ctx *cx, const scl_dispatch_entry *e, uint32_t node)
{
  if (cx->counts[e->rule_index] > SCL_MAX_MATCHES_PER_RULE)
    return;
  scl_captures caps;
  caps.count = 0;
  cx->rule = e->rule;
  cx->rule_index = e->rule_index;
  scl_fact_trace trace;
  trace.count = 0;
  unsigned need = 0;
  uint32_t at = node;
  if (e->matcher->where_count == 0) {
    if (!scl_pattern_match(e->pattern, cx->tree, node, &caps))
      return;
  } else {
    entry_try et;
    et.cx = cx;
    et.m = e->matcher;
    et.node = node;
    et.has_deferrable = false;
    bool is_capped = false;
    if (!scl_pattern_match_each(&is_capped, e->pattern, cx->tree, node, &caps, entry_accept,
                                &et)) {
      if (is_capped)
        match_cap_notice(cx, node);
      if (!et.has_deferrable)
        return;
    }
    caps = et.caps;
    trace = et.trace;
    need = et.need;
    at = et.at;
  }
  uint32_t loc = e->matcher->report ? scl_captures_get(&caps, e->matcher->report) : node;
  if (loc == SCL_NO_NODE)
    loc = node;
  if (need)
    defer(cx, e->rule_index, loc, &caps, need, at);
  else
    emit(cx, e->rule_index, loc, &caps, &trace);
}

/* Completes the summary: deferred findings that pass 1 did not report after
 * all (another alternative of the rule matched the same span), then the
 * file's functions, calls and bindings. */
static void finish_summary(scan_ctx *cx)
{
  scl_file_summary *sum = cx->summary;
  scl_sum_deferred *d = scl_arena_alloc(cx->out_arena,
                                        (cx->deferred.count + 1) * sizeof(*d));
  size_t n = 0;

  for (size_t i = 0; i < cx->deferred.count; i++) {
    const pending *p = &cx->deferred.items[i];
    if (cx->seen.cap && map_find(&cx->seen, p->rule_index, span_key(&p->d.finding.span))->used)
      continue;
    d[n++] = p->d;
  }
  sum->deferred = d;
  sum->deferred_count = n;
  scl_engine__summarize(sum, facts(cx), cx->tree, cx->out_arena);
}

/* ---- built-in checks ---- */

/*
 * The built-in checks a rule can name (`check: NAME`), for what the rule
 * language cannot say; each stays small. Only one so far:
 *
 *   fk-without-index (SCL006)  foreign-key columns that no index covers,
 *                              joined across every scanned .sql file: each
 *                              file offers keyed findings (one per foreign
 *                              key) and cancel keys (covered columns); the
 *                              link stage keeps the findings no file cancels
 */
const char *scl_engine__check_values(const char *name)
{
  if (strcmp(name, "fk-without-index") == 0)
    return "table column ref";
  return NULL;
}

/* "table" + 0x1f + "column": the join key of a foreign key and its cover. */
static const char *fk_key(scl_arena *arena, const char *table, const char *column)
{
  return scl_arena_printf(arena, "%s\x1f%s", table, column);
}

static void check_fk_without_index(scan_ctx *cx, uint32_t rule_index)
{
  scl_schema_facts sf;
  memset(&sf, 0, sizeof(sf));
  scl_schema_collect(&sf, cx->tree, cx->path, cx->out_arena);
  if (!cx->ids[rule_index]) {
    cx->ids[rule_index] = scl_arena_strdup(cx->out_arena, cx->rule->info.id);
    cx->slugs[rule_index] = scl_arena_strdup(cx->out_arena, cx->rule->info.slug);
  }
  scl_sum_keyed *keyed = scl_arena_alloc(cx->out_arena, (sf.fk_count + 1) * sizeof(*keyed));
  for (size_t i = 0; i < sf.fk_count; i++) {
    const scl_schema_fk *fk = &sf.fks[i];
    scl_finding *f = &keyed[i].finding;
    check_value vals[] = {{"table", fk->table}, {"column", fk->column},
                          {"ref", fk->ref_table[0] ? fk->ref_table : "another table by name"}};
    f->rule_id = cx->ids[rule_index];
    f->slug = cx->slugs[rule_index];
    f->level = cx->rule->info.level;
    f->path = cx->path;
    f->span = fk->span;
    f->message = render_message(cx, NULL, vals, sizeof(vals) / sizeof(vals[0]));
    f->line_text = fk->line_text;
    f->fingerprint = fingerprint(cx, rule_index, fk->line_text, strlen(fk->line_text));
    keyed[i].key = fk_key(cx->out_arena, fk->table, fk->column);
  }
  const char **cancel = scl_arena_alloc(cx->out_arena, (sf.cover_count + 1) * sizeof(char *));
  for (size_t i = 0; i < sf.cover_count; i++)
    cancel[i] = fk_key(cx->out_arena, sf.covers[i].table, sf.covers[i].column);

  if (cx->summary) {
    /* the link stage joins every file's keys */
    cx->summary->keyed = keyed;
    cx->summary->keyed_count = sf.fk_count;
    cx->summary->cancel_keys = cancel;
    cx->summary->cancel_key_count = sf.cover_count;
  } else {
    /* no link stage: decide within this file */
    for (size_t i = 0; i < sf.fk_count; i++) {
      bool covered = false;
      for (size_t k = 0; k < sf.cover_count && !covered; k++)
        covered = strcmp(cancel[k], keyed[i].key) == 0;
      if (!covered)
        SCL_VEC_PUSH(cx->out, keyed[i].finding);
    }
  }
  scl_schema_facts_dispose(&sf);
}

/* Runs the built-in checks that the kept rules name for this language. */
static void run_checks(scan_ctx *cx, scl_key key)
{
  for (uint32_t i = 0; i < cx->rs->kept.count; i++) {
    const scl_rule *r = cx->rs->kept.items[i];
    const scl_matcher *m = key < SCL_KEY_COUNT ? r->match[key] : NULL;
    if (!m || !m->check)
      continue;
    cx->rule = r;
    if (strcmp(m->check, "fk-without-index") == 0)
      check_fk_without_index(cx, i);
  }
}

scl_status scl_engine_scan(scl_finding_vec *out, scl_notice_vec *notices,
                           scl_file_summary *summary_out, scl_arena *out_arena,
                           const scl_ruleset *rs, const scl_tree *tree, scl_lang lang,
                           const char *path, scl_arena *scratch, scl_diag *diag)
{
  if (summary_out)
    memset(summary_out, 0, sizeof(*summary_out));
  if (lang <= SCL_LANG_NONE || lang >= SCL_LANG_COUNT)
    return scl_diag_set(diag, SCL_EINVAL, "no rules can match language %d", (int)lang);
  const scl_dispatch *dt = &rs->dispatch[lang];
  scan_ctx cx;
  memset(&cx, 0, sizeof(cx));
  cx.path = scl_arena_strdup(out_arena, path ? path : "");
  if (summary_out) {
    summary_out->path = cx.path;
    summary_out->lang = lang;
  }
  if (tree->count == 0)
    return SCL_OK;
  cx.rs = rs;
  cx.tree = tree;
  cx.lang = lang;
  cx.summary = summary_out;
  cx.links = summary_out && scl_engine__lang_links(rs, lang);
  cx.scratch = scratch;
  cx.out_arena = out_arena;
  cx.out = out;
  cx.notices = notices;
  cx.counts = scl_arena_alloc(scratch, sizeof(uint32_t) * (rs->kept.count + 1));
  cx.deferred_counts = scl_arena_alloc(scratch, sizeof(uint32_t) * (rs->kept.count + 1));
  cx.ids = scl_arena_alloc(scratch, sizeof(char *) * (rs->kept.count + 1));
  cx.slugs = scl_arena_alloc(scratch, sizeof(char *) * (rs->kept.count + 1));

  run_checks(&cx, scl_engine__lang_key(lang));
  for (uint32_t node = 0; dt->starts && node < tree->count; node++) {
    uint32_t k = tree->nodes[node].kind;
    if (k < dt->kind_count) {
      for (uint32_t i = dt->starts[k]; i < dt->starts[k + 1]; i++)
        try_entry(&cx, &dt->entries[i], node);
    }
    for (size_t i = 0; i < dt->wild_count; i++)
      try_entry(&cx, &dt->wild[i], node);
  }
  if (cx.links)
    finish_summary(&cx);
  SCL_VEC_FREE(&cx.fh_results);
  SCL_VEC_FREE(&cx.deferred);
  return SCL_OK;
}
