/*
 * rule_where.c - builds matchers (`pattern` + `where` + `report`, or
 * `any: [...]`) and their constraints from a rule file's YAML, compiling
 * regexes on the way, and checks that every capture a rule refers to is
 * bound where it is used.
 *
 * Nesting comes from user files, so every recursion here carries a depth
 * bounded by SCL_MAX_RULE_NESTING, and the number of objects built for one
 * rule is capped (aliases can share a node many times over).
 */
#include <stdio.h>
#include <string.h>

#include "engine/rule.h"
#include "yaml/ydoc.h"

/* Matchers plus constraints one rule may build (after alias expansion).
 * Real rules use tens; the cap stops `a: &a [*b, *b]` chains from
 * multiplying a small file into millions of objects. */
#define MAX_RULE_OBJECTS 4096

static const char *const matcher_keys[] = {"pattern", "where", "report", "any", "check", NULL};
static const char *const sub_matcher_keys[] = {"pattern", "where", "report", "any", "of", NULL};

/* Constraint names in scl_ckind order. */
static const char *const ckind_names[] = {
  "regex",   "not-regex",  "compare",    "fact",   "not-fact",     "imports",
  "not-imports", "inside", "not-inside", "has",    "not-has",      "file-has",
  "not-file-has", "any",   "all",        "not",    "path",         "not-path",
  NULL};

static const char *const regex_keys[] = {"capture", "pcre2", NULL};
static const char *const compare_keys[] = {"capture", "op", "param", "value", NULL};
static const char *const fact_keys[] = {"name", "through-calls", "of", "loop", "not-loop", NULL};

static bool too_deep(scl_loader *ld, const scl_ynode *n, unsigned depth)
{
  if (depth > SCL_MAX_RULE_NESTING) {
    scl_loader__error(ld, n->line, n->col, "matchers nested deeper than %d",
                      SCL_MAX_RULE_NESTING);
    return true;
  }
  if (++ld->objects > MAX_RULE_OBJECTS) {
    if (ld->objects == MAX_RULE_OBJECTS + 1)
      scl_loader__error(ld, n->line, n->col,
                        "rule expands to more than %d matchers and constraints",
                        MAX_RULE_OBJECTS);
    return true;
  }
  return false;
}

/* A scalar's string value, or NULL after a type error. */
static const char *want_string(scl_loader *ld, const scl_ynode *v, const char *what)
{
  if (v->type != SCL_YNODE_SCALAR) {
    scl_loader__error(ld, v->line, v->col, "'%s' must be a string, got %s", what,
                      scl_ynode_type_name(v));
    return NULL;
  }
  return scl_arena_strndup(&ld->rs->arena, v->text, v->text_len);
}

/* Compiles a regex scalar; the error is placed at the column PCRE2 names
 * when the scalar is on one line, else at the scalar. */
static scl_regex *load_regex(scl_loader *ld, const scl_ynode *v, const char *what)
{
  const char *src = want_string(ld, v, what);
  if (!src)
    return NULL;
  scl_regex *re = NULL;
  scl_diag d;
  scl_diag_clear(&d);
  if (scl_regex_compile(&re, src, &d) != SCL_OK) {
    unsigned col = v->col;
    if (!v->is_block && d.col > 0)
      col = v->col + (v->is_quoted ? 1u : 0u) + d.col - 1;
    scl_loader__error(ld, v->line, col, "bad regex: %s", d.msg);
    return NULL;
  }
  SCL_VEC_PUSH(&ld->rs->regexes, re);
  return re;
}

static void set_capture(scl_loader *ld, scl_constraint *c, const scl_ynode *v, const char *what)
{
  c->capture = want_string(ld, v, what);
  c->cap_line = v->line;
  c->cap_col = v->col + (v->is_quoted ? 1u : 0u);
}

/* ---- constraint values ---- */

static void load_regex_c(scl_loader *ld, scl_constraint *c, const scl_ynode *v, const char *name)
{
  if (v->type != SCL_YNODE_MAPPING) {
    scl_loader__error(ld, v->line, v->col, "'%s' must be a mapping {capture, pcre2}, got %s",
                      name, scl_ynode_type_name(v));
    return;
  }
  scl_loader__check_keys(ld, v, regex_keys);
  const scl_ynode *cap = scl_ynode_get(v, "capture"), *re = scl_ynode_get(v, "pcre2");
  if (!cap || !re) {
    scl_loader__error(ld, v->line, v->col, "'%s' needs both 'capture' and 'pcre2'", name);
    return;
  }
  set_capture(ld, c, cap, "capture");
  c->re = load_regex(ld, re, "pcre2");
}

static void load_compare(scl_loader *ld, scl_constraint *c, const scl_ynode *v)
{
  static const char *const ops[] = {"<", "<=", ">", ">=", "==", "!=", NULL};
  if (v->type != SCL_YNODE_MAPPING) {
    scl_loader__error(ld, v->line, v->col,
                      "'compare' must be a mapping {capture, op, param}, got %s",
                      scl_ynode_type_name(v));
    return;
  }
  scl_loader__check_keys(ld, v, compare_keys);
  const scl_ynode *cap = scl_ynode_get(v, "capture"), *op = scl_ynode_get(v, "op");
  const scl_ynode *param = scl_ynode_get(v, "param"), *value = scl_ynode_get(v, "value");
  if (!cap || !op || (!param && !value) || (param && value)) {
    scl_loader__error(ld, v->line, v->col,
                      "'compare' needs 'capture', 'op' and exactly one of 'param' or 'value'");
    return;
  }
  set_capture(ld, c, cap, "capture");
  bool op_ok = false;
  for (int i = 0; ops[i] && op->type == SCL_YNODE_SCALAR; i++) {
    if (strcmp(ops[i], op->text) == 0) {
      c->op = (scl_cmp_op)i;
      op_ok = true;
    }
  }
  if (!op_ok)
    scl_loader__error(ld, op->line, op->col, "'op' must be one of: < <= > >= == !=");
  if (value) {
    if (value->type != SCL_YNODE_SCALAR || value->is_quoted ||
        !scl_ynode_as_double(value, &c->value))
      scl_loader__error(ld, value->line, value->col, "'value' must be a number");
    return;
  }
  c->param = want_string(ld, param, "param");
  if (!c->param)
    return;
  const scl_rule *r = ld->rule;
  for (size_t i = 0; i < r->param_count; i++) {
    if (strcmp(r->params[i].name, c->param) == 0) {
      c->param_index = i;
      return;
    }
  }
  scl_loader__error(ld, param->line, param->col + (param->is_quoted ? 1u : 0u),
                    "parameter '%s' is not declared under 'params'", c->param);
}

static void unknown_fact(scl_loader *ld, const scl_ynode *n)
{
  char known[256] = "";
  size_t used = 0;
  for (int f = 0; f < SCL_FACT_COUNT; f++) {
    int w = snprintf(known + used, sizeof(known) - used, "%s%s", f ? ", " : "",
                     scl_fact_name((scl_fact)f));
    if (w < 0 || (size_t)w >= sizeof(known) - used)
      break;
    used += (size_t)w;
  }
  scl_loader__error(ld, n->line, n->col, "unknown fact '%s' (known facts: %s)", n->text, known);
}

static void load_fact(scl_loader *ld, scl_constraint *c, const scl_ynode *v, unsigned depth)
{
  const scl_ynode *name = v, *through = NULL, *of = NULL, *loop = NULL, *not_loop = NULL;
  if (v->type == SCL_YNODE_MAPPING) {
    scl_loader__check_keys(ld, v, fact_keys);
    name = scl_ynode_get(v, "name");
    through = scl_ynode_get(v, "through-calls");
    of = scl_ynode_get(v, "of");
    loop = scl_ynode_get(v, "loop");
    not_loop = scl_ynode_get(v, "not-loop");
    if (!name) {
      scl_loader__error(ld, v->line, v->col, "'fact' needs a 'name'");
      return;
    }
  }
  if (name->type != SCL_YNODE_SCALAR) {
    scl_loader__error(ld, name->line, name->col, "a fact name must be a string, got %s",
                      scl_ynode_type_name(name));
    return;
  }
  int f = scl_fact_parse(name->text);
  if (f < 0) {
    unknown_fact(ld, name);
    return;
  }
  c->fact = (scl_fact)f;
  if (through &&
      (through->type != SCL_YNODE_SCALAR || !scl_ynode_as_bool(through, &c->through_calls)))
    scl_loader__error(ld, through->line, through->col, "'through-calls' must be true or false");
  if (c->through_calls && !scl_fact_allows_through_calls(c->fact))
    scl_loader__error(ld, through->line, through->col,
                      "fact '%s' does not support through-calls (only in-loop, in-handler and "
                      "in-async do)",
                      name->text);
  if (of)
    set_capture(ld, c, of, "of");
  if (loop && not_loop) {
    scl_loader__error(ld, not_loop->line, not_loop->col,
                      "'fact' takes at most one of 'loop' and 'not-loop'");
    return;
  }
  if (!loop && !not_loop)
    return;
  const scl_ynode *lm = loop ? loop : not_loop;
  if (c->fact != SCL_FACT_IN_LOOP) {
    scl_loader__error(ld, lm->line, lm->col, "'%s' is only allowed with the fact 'in-loop'",
                      loop ? "loop" : "not-loop");
    return;
  }
  c->loop_negated = !loop;
  c->sub = scl_loader__matcher(ld, lm, depth + 1, false);
}

/* ---- constraints ---- */

static bool load_constraint(scl_loader *ld, scl_constraint *c, const scl_ynode *n,
                            unsigned depth);

static void load_list(scl_loader *ld, scl_constraint *c, const scl_ynode *v, const char *name,
                      unsigned depth)
{
  if (v->type != SCL_YNODE_SEQUENCE || v->item_count == 0) {
    const char *got = v->type == SCL_YNODE_SEQUENCE ? "an empty list" : scl_ynode_type_name(v);
    scl_loader__error(ld, v->line, v->col, "'%s' must be a non-empty list of constraints, got %s",
                      name, got);
    return;
  }
  c->kids = scl_arena_alloc(&ld->rs->arena, sizeof(scl_constraint) * v->item_count);
  for (size_t i = 0; i < v->item_count; i++) {
    if (load_constraint(ld, &c->kids[c->kid_count], v->items[i], depth + 1))
      c->kid_count++;
  }
}

static void load_value(scl_loader *ld, scl_constraint *c, const scl_ynode *v, const char *name,
                       unsigned depth)
{
  switch (c->kind) {
  case SCL_C_REGEX:
  case SCL_C_NOT_REGEX: load_regex_c(ld, c, v, name); break;
  case SCL_C_COMPARE: load_compare(ld, c, v); break;
  case SCL_C_FACT:
  case SCL_C_NOT_FACT: load_fact(ld, c, v, depth); break;
  case SCL_C_IMPORTS:
  case SCL_C_NOT_IMPORTS:
  case SCL_C_PATH:
  case SCL_C_NOT_PATH: c->re = load_regex(ld, v, name); break;
  case SCL_C_INSIDE:
  case SCL_C_NOT_INSIDE:
  case SCL_C_HAS:
  case SCL_C_NOT_HAS: c->sub = scl_loader__matcher(ld, v, depth + 1, true); break;
  case SCL_C_FILE_HAS:
  case SCL_C_NOT_FILE_HAS: c->sub = scl_loader__matcher(ld, v, depth + 1, false); break;
  case SCL_C_ANY:
  case SCL_C_ALL: load_list(ld, c, v, name, depth); break;
  case SCL_C_NOT:
    c->kids = scl_arena_alloc(&ld->rs->arena, sizeof(scl_constraint));
    if (load_constraint(ld, c->kids, v, depth + 1))
      c->kid_count = 1;
    break;
  }
}

/* Loads one constraint mapping into c; false if it could not be built. */
static bool load_constraint(scl_loader *ld, scl_constraint *c, const scl_ynode *n,
                            unsigned depth)
{
  if (too_deep(ld, n, depth))
    return false;
  if (n->type != SCL_YNODE_MAPPING || n->pair_count != 1) {
    scl_loader__error(ld, n->line, n->col,
                      "a constraint must be a mapping with exactly one key (regex, fact, "
                      "inside, ...), got %s",
                      n->type == SCL_YNODE_MAPPING ? "several keys" : scl_ynode_type_name(n));
    return false;
  }
  const scl_ynode *k = n->pairs[0].key;
  int kind = -1;
  for (int i = 0; ckind_names[i]; i++) {
    if (strcmp(ckind_names[i], k->text) == 0)
      kind = i;
  }
  if (kind < 0) {
    scl_loader__check_keys(ld, n, ckind_names);
    return false;
  }
  memset(c, 0, sizeof(*c));
  c->kind = (scl_ckind)kind;
  c->line = k->line;
  c->col = k->col;
  unsigned before = ld->error_count;
  load_value(ld, c, n->pairs[0].value, k->text, depth);
  return ld->error_count == before;
}

/* ---- matchers ---- */

/* Indentation of the first non-blank line after the block scalar's
 * indicator line (the scalar's content indentation). */
static unsigned block_indent(const scl_loader *ld, unsigned line)
{
  size_t i = 0;
  unsigned l = 1;
  while (i < ld->len && l <= line) {
    if (ld->text[i++] == '\n')
      l++;
  }
  while (i < ld->len) {
    unsigned ind = 0;
    while (i < ld->len && ld->text[i] == ' ') {
      i++;
      ind++;
    }
    if (i < ld->len && ld->text[i] != '\n' && ld->text[i] != '\r')
      return ind;
    while (i < ld->len && ld->text[i] != '\n')
      i++;
    i++;
  }
  return 0;
}

static void load_alternatives(scl_loader *ld, scl_matcher *m, const scl_ynode *any,
                              unsigned depth, bool is_sub)
{
  if (any->type != SCL_YNODE_SEQUENCE || any->item_count == 0) {
    scl_loader__error(ld, any->line, any->col, "'any' must be a non-empty list of matchers, got %s",
                      any->type == SCL_YNODE_SEQUENCE ? "an empty list" : scl_ynode_type_name(any));
    return;
  }
  m->alts = scl_arena_alloc(&ld->rs->arena, sizeof(scl_matcher) * any->item_count);
  for (size_t i = 0; i < any->item_count; i++) {
    scl_matcher *alt = scl_loader__matcher(ld, any->items[i], depth + 1, false);
    if (alt)
      m->alts[m->alt_count++] = *alt;
  }
}

static void load_pattern(scl_loader *ld, scl_matcher *m, const scl_ynode *p)
{
  m->pattern = want_string(ld, p, "pattern");
  m->pat_line = p->line;
  m->pat_col = p->col;
  m->pat_quoted = p->is_quoted;
  m->pat_block = p->is_block;
  if (p->is_block)
    m->pat_indent = block_indent(ld, p->line);
}

static void load_where(scl_loader *ld, scl_matcher *m, const scl_ynode *w, unsigned depth)
{
  if (w->type != SCL_YNODE_SEQUENCE) {
    scl_loader__error(ld, w->line, w->col, "'where' must be a list of constraints, got %s",
                      scl_ynode_type_name(w));
    return;
  }
  m->where = scl_arena_alloc(&ld->rs->arena, sizeof(scl_constraint) * (w->item_count + 1));
  for (size_t i = 0; i < w->item_count; i++) {
    if (load_constraint(ld, &m->where[m->where_count], w->items[i], depth + 1))
      m->where_count++;
  }
}

scl_matcher *scl_loader__matcher(scl_loader *ld, const scl_ynode *n, unsigned depth, bool is_sub)
{
  if (too_deep(ld, n, depth))
    return NULL;
  if (n->type != SCL_YNODE_MAPPING) {
    scl_loader__error(ld, n->line, n->col,
                      "a matcher must be a mapping with 'pattern' (or 'any'), got %s",
                      scl_ynode_type_name(n));
    return NULL;
  }
  unsigned before = ld->error_count;
  scl_loader__check_keys(ld, n, is_sub ? sub_matcher_keys : matcher_keys);
  scl_matcher *m = scl_arena_alloc(&ld->rs->arena, sizeof(*m));
  m->line = n->line;
  m->col = n->col;
  const scl_ynode *pat = scl_ynode_get(n, "pattern"), *any = scl_ynode_get(n, "any");
  const scl_ynode *where = scl_ynode_get(n, "where"), *report = scl_ynode_get(n, "report");
  const scl_ynode *of = scl_ynode_get(n, "of");
  const scl_ynode *check = is_sub ? NULL : scl_ynode_get(n, "check");
  if (check && (pat || any || where || report)) {
    scl_loader__error(ld, check->line, check->col,
                      "'check' names a built-in check; it cannot be combined with 'pattern', "
                      "'any', 'where' or 'report'");
  } else if (check) {
    m->check = want_string(ld, check, "check");
    if (m->check && !scl_engine__check_values(m->check))
      scl_loader__error(ld, check->line, check->col,
                        "unknown built-in check '%s' (known: fk-without-index)", m->check);
  } else if (any && (pat || where || report)) {
    scl_loader__error(ld, any->line, any->col,
                      "'any' lists whole matchers; it cannot be combined with 'pattern', 'where' "
                      "or 'report'");
  } else if (any) {
    load_alternatives(ld, m, any, depth, is_sub);
  } else if (!pat) {
    scl_loader__error(ld, n->line, n->col, "a matcher needs a 'pattern' (or 'any', or 'check')");
  } else {
    load_pattern(ld, m, pat);
    if (where)
      load_where(ld, m, where, depth);
    if (report) {
      m->report = want_string(ld, report, "report");
      m->report_line = report->line;
      m->report_col = report->col + (report->is_quoted ? 1u : 0u);
    }
  }
  if (of) {
    m->of = want_string(ld, of, "of");
    m->of_line = of->line;
    m->of_col = of->col + (of->is_quoted ? 1u : 0u);
  }
  return ld->error_count == before ? m : NULL;
}

/* ---- capture references ---- */

/* Names bound at one point of a matcher: (pointer, length) into pattern
 * texts or arena strings. */
#define MAX_BOUND 128
typedef struct bound_set {
  const char *names[MAX_BOUND];
  size_t lens[MAX_BOUND];
  unsigned count;
  const char *check;  /* a built-in check's name: its values count as bound */
} bound_set;

static bool bound_has(const bound_set *b, const char *name, size_t len)
{
  for (unsigned i = 0; i < b->count; i++) {
    if (b->lens[i] == len && memcmp(b->names[i], name, len) == 0)
      return true;
  }
  return false;
}

/* True when b is a check's and name is one of the values it offers. */
static bool check_offers(const bound_set *b, const char *name, size_t len)
{
  const char *vals = b->check ? scl_engine__check_values(b->check) : NULL;
  while (vals && *vals) {
    size_t n = strcspn(vals, " ");
    if (n == len && memcmp(vals, name, len) == 0)
      return true;
    vals += n + (vals[n] == ' ');
  }
  return false;
}

static bool is_name_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-';
}

/* Adds the @names a pattern binds, skipping "strings" and ; comments. This
 * is a lexical scan so references can be checked before compile. */
static void add_pattern_names(bound_set *b, const char *p)
{
  for (size_t i = 0; p && p[i];) {
    if (p[i] == '"') {
      for (i++; p[i] && p[i] != '"'; i++) {
        if (p[i] == '\\' && p[i + 1])
          i++;
      }
      if (p[i])
        i++;
    } else if (p[i] == ';') {
      while (p[i] && p[i] != '\n')
        i++;
    } else if (p[i] == '@') {
      size_t s = ++i;
      while (is_name_char(p[i]))
        i++;
      if (i > s && b->count < MAX_BOUND && !bound_has(b, p + s, i - s)) {
        b->names[b->count] = p + s;
        b->lens[b->count++] = i - s;
      }
    } else {
      i++;
    }
  }
}

static void need(scl_loader *ld, const bound_set *b, const char *name, unsigned line, unsigned col,
                 const char *lang)
{
  if (name && !bound_has(b, name, strlen(name)))
    scl_loader__error(ld, line, col, "capture '%s' is not bound by the pattern for '%s'", name,
                      lang);
}

static void refs_matcher(scl_loader *ld, const scl_matcher *m, const bound_set *in,
                         bound_set *out, const char *lang);

/* Checks c's references against b and adds what c binds for later ones. */
static void refs_constraint(scl_loader *ld, const scl_constraint *c, bound_set *b, const char *lang)
{
  bound_set tmp = *b;
  switch (c->kind) {
  case SCL_C_INSIDE:
  case SCL_C_HAS:
  case SCL_C_FILE_HAS: refs_matcher(ld, c->sub, b, b, lang); break;
  case SCL_C_NOT_INSIDE:
  case SCL_C_NOT_HAS:
  case SCL_C_NOT_FILE_HAS: refs_matcher(ld, c->sub, b, &tmp, lang); break;
  case SCL_C_ALL:
    for (size_t i = 0; i < c->kid_count; i++)
      refs_constraint(ld, &c->kids[i], b, lang);
    break;
  case SCL_C_ANY:
  case SCL_C_NOT:
    for (size_t i = 0; i < c->kid_count; i++) {
      tmp = *b;
      refs_constraint(ld, &c->kids[i], &tmp, lang);
    }
    break;
  case SCL_C_FACT:
  case SCL_C_NOT_FACT:
    need(ld, b, c->capture, c->cap_line, c->cap_col, lang);
    if (c->sub)  /* the loop matcher sees the captures so far; it binds none */
      refs_matcher(ld, c->sub, b, &tmp, lang);
    break;
  default: need(ld, b, c->capture, c->cap_line, c->cap_col, lang); break;
  }
}

/* in: bound before m; out (may alias in): bound after m's pattern and where.
 * Alternatives each check separately; what they bind does not leak. */
static void refs_matcher(scl_loader *ld, const scl_matcher *m, const bound_set *in,
                         bound_set *out, const char *lang)
{
  need(ld, in, m->of, m->of_line, m->of_col, lang);
  if (m->alts) {
    bound_set tmp;
    for (size_t i = 0; i < m->alt_count; i++)
      refs_matcher(ld, &m->alts[i], in, &tmp, lang);
    if (out != in)
      *out = *in;
    return;
  }
  bound_set b = *in;
  add_pattern_names(&b, m->pattern);
  for (size_t i = 0; i < m->where_count; i++)
    refs_constraint(ld, &m->where[i], &b, lang);
  need(ld, &b, m->report, m->report_line, m->report_col, lang);
  *out = b;
}

/* Checks the message's {{name}} and {{param.N}} references against b. */
static void refs_message(scl_loader *ld, const scl_rule *rule, const scl_ynode *msg,
                         const bound_set *b, const char *lang)
{
  const char *t = rule->message;
  for (const char *p = strstr(t, "{{"); p; p = strstr(p + 2, "{{")) {
    const char *s = p + 2;
    const char *e = strstr(s, "}}");
    if (!e)
      break;
    while (s < e && *s == ' ')
      s++;
    size_t len = (size_t)(e - s);
    while (len && s[len - 1] == ' ')
      len--;
    unsigned col = msg->col;
    if (!msg->is_block)
      col = msg->col + (msg->is_quoted ? 1u : 0u) + (unsigned)(p - t);
    if (len > 6 && memcmp(s, "param.", 6) == 0) {
      bool found = false;
      for (size_t i = 0; i < rule->param_count; i++)
        found |= strlen(rule->params[i].name) == len - 6 &&
                 memcmp(rule->params[i].name, s + 6, len - 6) == 0;
      if (!found)
        scl_loader__error(ld, msg->line, col,
                          "message uses parameter '%.*s', which is not declared", (int)(len - 6),
                          s + 6);
      continue;
    }
    if (len > 5 && memcmp(s + len - 5, ".line", 5) == 0)
      len -= 5;
    if (!bound_has(b, s, len) && !check_offers(b, s, len))
      scl_loader__error(ld, msg->line, col,
                        "message uses capture '%.*s', which is not bound by the pattern for '%s'",
                        (int)len, s, lang);
  }
}

/* Checks each leaf alternative of a top-level matcher (its report and the
 * message must be bound in every one). */
static void refs_top(scl_loader *ld, const scl_rule *rule, const scl_matcher *m,
                     const scl_ynode *msg, const char *lang, unsigned depth)
{
  if (m->alts) {
    for (size_t i = 0; i < m->alt_count && depth < SCL_MAX_RULE_NESTING; i++)
      refs_top(ld, rule, &m->alts[i], msg, lang, depth + 1);
    return;
  }
  bound_set in = {{NULL}, {0}, 0, NULL}, out;
  if (m->check) {
    /* a check binds the names of the values it offers */
    out = in;
    out.check = m->check;
    if (msg && msg->type == SCL_YNODE_SCALAR && rule->message)
      refs_message(ld, rule, msg, &out, lang);
    return;
  }
  refs_matcher(ld, m, &in, &out, lang);
  if (msg && msg->type == SCL_YNODE_SCALAR && rule->message)
    refs_message(ld, rule, msg, &out, lang);
}

void scl_loader__check_refs(scl_loader *ld, const scl_rule *rule, const scl_ynode *msg)
{
  for (int k = 0; k < SCL_KEY_COUNT; k++) {
    if (rule->match[k])
      refs_top(ld, rule, rule->match[k], msg, scl_rule__key_name((scl_key)k), 0);
  }
}
