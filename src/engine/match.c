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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rule.h"
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

typedef struct scan_ctx {
  const scl_ruleset *rs;
  const scl_tree *tree;
  scl_lang lang;
  const scl_rule *rule;         /* the rule being tried */
  const char *path;             /* in out_arena */
  scl_arena *scratch;
  scl_arena *out_arena;
  scl_facts *facts;             /* created on first use */
  scl_finding_vec *out;
  scl_notice_vec *notices;
  uint32_t *counts;             /* findings per kept rule */
  const char **ids, **slugs;    /* per kept rule: copies in out_arena, made on first use */
  u64map seen;                  /* (rule, span) already reported */
  u64map occurrences;           /* (rule, normalised line) -> count, for fingerprints */
  u64map file_has;              /* (constraint, dep texts) -> results index */
  SCL_VEC(file_has_result *) fh_results;
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

/* Tries matcher m with its root at node; on success adds its captures. */
static bool match_at(scan_ctx *cx, const scl_matcher *m, uint32_t node, scl_captures *caps,
                     scl_fact_trace *trace)
{
  for (size_t i = 0; i < m->alt_count; i++) {
    if (match_at(cx, &m->alts[i], node, caps, trace))
      return true;
  }
  const scl_pattern *p = m->compiled[cx->lang];
  if (!p)
    return false;
  scl_captures c = *caps;
  if (!scl_pattern_match(p, cx->tree, node, &c))
    return false;
  if (!eval_where(cx, m->where, m->where_count, node, &c, trace))
    return false;
  *caps = c;
  return true;
}

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
  for (uint32_t d = start + 1; d < cx->tree->nodes[start].end; d++) {
    if (match_at(cx, m, d, caps, trace))
      return true;
  }
  return false;
}

static bool file_has_scan(scan_ctx *cx, const scl_matcher *m, scl_captures *caps,
                          scl_fact_trace *trace)
{
  for (uint32_t d = 0; d < cx->tree->count; d++) {
    if (match_at(cx, m, d, caps, trace))
      return true;
  }
  return false;
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

static bool eval_fact(scan_ctx *cx, const scl_constraint *c, uint32_t node,
                      const scl_captures *caps, scl_fact_trace *trace)
{
  uint32_t at = c->capture ? scl_captures_get(caps, c->capture) : node;
  if (at == SCL_NO_NODE)
    return false;
  scl_fact_trace t;
  t.count = 0;
  bool holds = scl_facts_holds(facts(cx), c->fact, at, c->through_calls, &t);
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
  case SCL_C_COMPARE:
    t = capture_text(cx, caps, c->capture, &len);
    if (!t || !scl_engine__parse_int(t, len, &v))
      return false;
    return compare(v, c->op, c->param ? cx->rule->params[c->param_index].value : c->value);
  case SCL_C_FACT: return eval_fact(cx, c, node, caps, trace);
  case SCL_C_NOT_FACT: return !eval_fact(cx, c, node, caps, NULL);
  case SCL_C_IMPORTS: return eval_imports(cx, c);
  case SCL_C_NOT_IMPORTS: return !eval_imports(cx, c);
  default: break;
  }
  return false;
}

/* Evaluates c at node. Captures bound by inside/has/file-has (and by all:
 * and the holding branch of any:) are added to caps; negations add none. */
static bool eval(scan_ctx *cx, const scl_constraint *c, uint32_t node, scl_captures *caps,
                 scl_fact_trace *trace)
{
  scl_captures tmp = *caps;
  scl_fact_trace t;
  switch (c->kind) {
  case SCL_C_INSIDE: return eval_inside(cx, c->sub, node, caps, trace);
  case SCL_C_NOT_INSIDE: return !eval_inside(cx, c->sub, node, &tmp, NULL);
  case SCL_C_HAS: return eval_has(cx, c->sub, node, caps, trace);
  case SCL_C_NOT_HAS: return !eval_has(cx, c->sub, node, &tmp, NULL);
  case SCL_C_FILE_HAS: return eval_file_has(cx, c, caps, trace);
  case SCL_C_NOT_FILE_HAS: return !eval_file_has(cx, c, &tmp, NULL);
  case SCL_C_ALL:
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
  case SCL_C_NOT: return c->kid_count == 1 && !eval(cx, c->kids, node, &tmp, NULL);
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

/* Renders the message template with the match's captures. */
static const char *render_message(scan_ctx *cx, const scl_captures *caps)
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
  if (!trace || trace->count == 0)
    return;
  scl_location *locs = scl_arena_alloc(cx->out_arena, sizeof(scl_location) * trace->count);
  for (unsigned i = 0; i < trace->count; i++) {
    scl_location *l = &locs[i];
    l->path = cx->path;
    scl_tree_span(&l->span, cx->tree, trace->nodes[i]);
    const char *label = trace->labels[i] ? trace->labels[i] : "related";
    if (strstr(label, "loop"))
      l->message = scl_arena_printf(cx->out_arena, "%s at line %u runs this once per item",
                                    label, (unsigned)l->span.start_line);
    else if (strstr(label, "handler"))
      l->message = scl_arena_printf(cx->out_arena, "%s at line %u runs this on every request",
                                    label, (unsigned)l->span.start_line);
    else
      l->message = scl_arena_printf(cx->out_arena, "line %u %s", (unsigned)l->span.start_line,
                                    label);
  }
  f->related = locs;
  f->related_count = trace->count;
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

static void emit(scan_ctx *cx, uint32_t rule_index, uint32_t loc, const scl_captures *caps,
                 const scl_fact_trace *trace)
{
  scl_finding f;
  memset(&f, 0, sizeof(f));
  scl_tree_span(&f.span, cx->tree, loc);
  bool is_new;
  map_get(&cx->seen, cx->scratch, rule_index,
          ((uint64_t)f.span.start_byte << 32) | f.span.end_byte, &is_new);
  if (!is_new)
    return;
  if (++cx->counts[rule_index] > SCL_MAX_MATCHES_PER_RULE) {
    limit_notice(cx);
    return;
  }
  const scl_rule *r = cx->rule;
  if (!cx->ids[rule_index]) {
    cx->ids[rule_index] = scl_arena_strdup(cx->out_arena, r->info.id);
    cx->slugs[rule_index] = scl_arena_strdup(cx->out_arena, r->info.slug);
  }
  f.rule_id = cx->ids[rule_index];
  f.slug = cx->slugs[rule_index];
  f.level = r->info.level;
  f.path = cx->path;
  f.message = render_message(cx, caps);
  size_t len = 0;
  const char *line = scl_tree_line_text(cx->tree, cx->tree->nodes[loc].start_row, &len);
  f.line_text = scl_arena_strndup(cx->out_arena, line, len);
  f.fingerprint = fingerprint(cx, rule_index, line, len);
  add_related(cx, &f, trace);
  SCL_VEC_PUSH(cx->out, f);
}

/* ---- the walk ---- */

static void try_entry(scan_ctx *cx, const scl_dispatch_entry *e, uint32_t node)
{
  if (cx->counts[e->rule_index] > SCL_MAX_MATCHES_PER_RULE)
    return;
  scl_captures caps;
  caps.count = 0;
  if (!scl_pattern_match(e->pattern, cx->tree, node, &caps))
    return;
  cx->rule = e->rule;
  scl_fact_trace trace;
  trace.count = 0;
  if (!eval_where(cx, e->matcher->where, e->matcher->where_count, node, &caps, &trace))
    return;
  uint32_t loc = e->matcher->report ? scl_captures_get(&caps, e->matcher->report) : node;
  emit(cx, e->rule_index, loc == SCL_NO_NODE ? node : loc, &caps, &trace);
}

scl_status scl_engine_scan(scl_finding_vec *out, scl_notice_vec *notices, scl_arena *out_arena,
                           const scl_ruleset *rs, const scl_tree *tree, scl_lang lang,
                           const char *path, scl_arena *scratch, scl_diag *diag)
{
  if (lang <= SCL_LANG_NONE || lang >= SCL_LANG_COUNT)
    return scl_diag_set(diag, SCL_EINVAL, "no rules can match language %d", (int)lang);
  const scl_dispatch *dt = &rs->dispatch[lang];
  if (!dt->starts || tree->count == 0)
    return SCL_OK;
  scan_ctx cx;
  memset(&cx, 0, sizeof(cx));
  cx.rs = rs;
  cx.tree = tree;
  cx.lang = lang;
  cx.path = scl_arena_strdup(out_arena, path ? path : "");
  cx.scratch = scratch;
  cx.out_arena = out_arena;
  cx.out = out;
  cx.notices = notices;
  cx.counts = scl_arena_alloc(scratch, sizeof(uint32_t) * (rs->kept.count + 1));
  cx.ids = scl_arena_alloc(scratch, sizeof(char *) * (rs->kept.count + 1));
  cx.slugs = scl_arena_alloc(scratch, sizeof(char *) * (rs->kept.count + 1));

  for (uint32_t node = 0; node < tree->count; node++) {
    uint32_t k = tree->nodes[node].kind;
    if (k < dt->kind_count) {
      for (uint32_t i = dt->starts[k]; i < dt->starts[k + 1]; i++)
        try_entry(&cx, &dt->entries[i], node);
    }
    for (size_t i = 0; i < dt->wild_count; i++)
      try_entry(&cx, &dt->wild[i], node);
  }
  SCL_VEC_FREE(&cx.fh_results);
  return SCL_OK;
}
