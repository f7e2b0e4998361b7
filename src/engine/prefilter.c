/*
 * prefilter.c - per-language literal conditions of the kept rules; see
 * prefilter.h.
 *
 * A matcher needs its pattern's tokens and its constraints' conditions
 * (AND); `any:` alternatives need one of theirs (OR). Constraints that look
 * at text give conditions: `regex` (the capture's text is a slice of the
 * file), and `inside`, `has` and `file-has`, whose matchers must match
 * somewhere in the same file, and `imports` (module names as written, less
 * whitespace, so only runs of word characters count). Everything else
 * (negations, facts, paths, comparisons) gives TRUE: a negation is no
 * evidence of any text, and a fact that holds through calls can be made
 * true by another file. Built-in
 * checks (`check:`) join files, so a language with one is never filtered.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/prefilter.h"
#include "engine/relit.h"
#include "engine/rule.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/litset.h"

/* The token that keeps a file with inline suppressions in the scan. */
#define SUPPRESSION_TOKEN "scalint"

typedef struct pf_rule {
  const char *id;
  scl_pf *cond[SCL_KEY_COUNT];        /* NULL: no matcher for the key */
  const char *text[SCL_KEY_COUNT];    /* describe() cache, built eagerly */
} pf_rule;

typedef struct pf_lang {
  scl_litset *lits;
  scl_pf *any;                        /* OR of every rule's condition */
  bool is_active;
} pf_lang;

struct scl_prefilter {
  scl_arena arena;
  pf_lang keys[SCL_KEY_COUNT];
  pf_rule *rules;
  size_t rule_count;
};

static scl_pf *matcher_cond(scl_arena *a, scl_litset *lits, const scl_matcher *m, int depth);

/*
 * Anonymous tokens a pattern spells ("async") outside any [...] alternative
 * are in every file it matches: an anonymous node's kind is its own text.
 * Only keyword-like tokens count (punctuation is in every file anyway).
 */
static scl_pf *pattern_cond(scl_arena *a, scl_litset *lits, const char *pat)
{
  SCL_VEC(scl_pf *) kids = {0};
  int alt_depth = 0;
  for (const char *p = pat; *p; p++) {
    if (*p == ';') { /* a comment to the end of the line */
      while (p[1] && p[1] != '\n')
        p++;
    } else if (*p == '[') {
      alt_depth++;
    } else if (*p == ']') {
      alt_depth--;
    } else if (*p == '"') {
      const char *start = ++p;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1])
          p++;
        p++;
      }
      size_t len = (size_t)(p - start);
      bool is_word = len >= SCL_RELIT_MIN_LEN &&
                     !(start[0] >= '0' && start[0] <= '9');
      for (size_t i = 0; i < len && is_word; i++)
        is_word = scl_lit_is_word((unsigned char)start[i]) && start[i] != '$';
      if (is_word && alt_depth == 0) {
        uint32_t id = scl_litset_add(lits, start, len, SCL_LIT_WORD_START | SCL_LIT_WORD_END);
        SCL_VEC_PUSH(&kids, scl_pf_lit(a, id));
      }
      if (!*p)
        break;
    }
  }
  scl_pf *f = scl_pf_and(a, kids.items, kids.count);
  SCL_VEC_FREE(&kids);
  return f;
}

static scl_pf *constraint_cond(scl_arena *a, scl_litset *lits, const scl_constraint *c,
                               int depth)
{
  if (depth > SCL_MAX_RULE_NESTING * 2)
    return scl_pf_true(a);
  switch (c->kind) {
  case SCL_C_REGEX:
    return scl_relit_formula(a, lits, scl_regex_source(c->re), false);
  case SCL_C_IMPORTS:
    return scl_relit_formula(a, lits, scl_regex_source(c->re), true);
  case SCL_C_INSIDE:
  case SCL_C_HAS:
  case SCL_C_FILE_HAS:
    return matcher_cond(a, lits, c->sub, depth + 1);
  case SCL_C_ANY:
  case SCL_C_ALL: {
    scl_pf **kids = scl_arena_alloc(a, (c->kid_count ? c->kid_count : 1) * sizeof(scl_pf *));
    for (size_t i = 0; i < c->kid_count; i++)
      kids[i] = constraint_cond(a, lits, &c->kids[i], depth + 1);
    return c->kind == SCL_C_ANY ? scl_pf_or(a, kids, c->kid_count)
                                : scl_pf_and(a, kids, c->kid_count);
  }
  default:
    return scl_pf_true(a);
  }
}

static scl_pf *matcher_cond(scl_arena *a, scl_litset *lits, const scl_matcher *m, int depth)
{
  if (!m || depth > SCL_MAX_RULE_NESTING * 2)
    return scl_pf_true(a);
  if (m->alt_count) {
    scl_pf **kids = scl_arena_alloc(a, m->alt_count * sizeof(scl_pf *));
    for (size_t i = 0; i < m->alt_count; i++)
      kids[i] = matcher_cond(a, lits, &m->alts[i], depth + 1);
    return scl_pf_or(a, kids, m->alt_count);
  }
  if (m->check || !m->pattern)
    return scl_pf_true(a);
  scl_pf **kids = scl_arena_alloc(a, (m->where_count + 1) * sizeof(scl_pf *));
  kids[0] = pattern_cond(a, lits, m->pattern);
  for (size_t i = 0; i < m->where_count; i++)
    kids[i + 1] = constraint_cond(a, lits, &m->where[i], depth + 1);
  return scl_pf_and(a, kids, m->where_count + 1);
}

/* The declared `prefilter:` tokens of a rule for a key: any of them, in
 * any case (a rule's regexes are often case-insensitive). */
static scl_pf *declared_cond(scl_arena *a, scl_litset *lits, const scl_rule *r, scl_key key)
{
  size_t n = r->prefilter_count[key];
  scl_pf **kids = scl_arena_alloc(a, (n ? n : 1) * sizeof(scl_pf *));
  for (size_t i = 0; i < n; i++) {
    const char *t = r->prefilter[key][i];
    kids[i] = scl_pf_lit(a, scl_litset_add(lits, t, strlen(t), SCL_LIT_CI));
  }
  return scl_pf_or(a, kids, n);
}

scl_status scl_prefilter_new(scl_prefilter **out, const scl_ruleset *rs, scl_diag *diag)
{
  (void)diag;
  scl_prefilter *pf = scl_xcalloc(1, sizeof(*pf));
  scl_arena_init(&pf->arena);
  pf->rule_count = rs->kept.count;
  pf->rules = scl_arena_alloc(&pf->arena, (pf->rule_count ? pf->rule_count : 1) *
                                              sizeof(pf_rule));
  memset(pf->rules, 0, (pf->rule_count ? pf->rule_count : 1) * sizeof(pf_rule));
  for (int k = 0; k < SCL_KEY_COUNT; k++) {
    pf_lang *pl = &pf->keys[k];
    pl->lits = scl_litset_new();
    SCL_VEC(scl_pf *) conds = {0};
    bool any_true = false;
    for (size_t i = 0; i < rs->kept.count; i++) {
      const scl_rule *r = rs->kept.items[i];
      pf->rules[i].id = r->info.id;
      if (!r->match[k])
        continue;
      scl_pf *c = r->prefilter[k] ? declared_cond(&pf->arena, pl->lits, r, (scl_key)k)
                                  : matcher_cond(&pf->arena, pl->lits, r->match[k], 0);
      pf->rules[i].cond[k] = c;
      any_true |= c->kind == SCL_PF_TRUE;
      SCL_VEC_PUSH(&conds, c);
      scl_buf b;
      scl_buf_init(&b, 1u << 16);
      scl_pf_describe(&b, c, pl->lits);
      pf->rules[i].text[k] = scl_arena_strdup(&pf->arena, scl_buf_cstr(&b));
      scl_buf_dispose(&b);
    }
    pl->is_active = conds.count > 0 && !any_true;
    if (pl->is_active) {
      uint32_t id = scl_litset_add(pl->lits, SUPPRESSION_TOKEN, strlen(SUPPRESSION_TOKEN), 0);
      SCL_VEC_PUSH(&conds, scl_pf_lit(&pf->arena, id));
    }
    pl->any = scl_pf_or(&pf->arena, conds.items, conds.count);
    SCL_VEC_FREE(&conds);
    scl_litset_build(pl->lits);
  }
  *out = pf;
  return SCL_OK;
}

void scl_prefilter_free(scl_prefilter *pf)
{
  if (!pf)
    return;
  for (int k = 0; k < SCL_KEY_COUNT; k++)
    scl_litset_free(pf->keys[k].lits);
  scl_arena_dispose(&pf->arena);
  free(pf);
}

bool scl_prefilter_is_active(const scl_prefilter *pf, scl_lang lang)
{
  scl_key key = scl_engine__lang_key(lang);
  return key != SCL_KEY_COUNT && pf->keys[key].is_active;
}

/* Scans buf for key's literals and evaluates f (NULL: the OR of all). */
static bool eval_on(const pf_lang *pl, const scl_pf *f, const char *buf, size_t len)
{
  uint32_t n = scl_litset_count(pl->lits);
  uint8_t small[512];
  uint8_t *hit = n <= sizeof(small) ? small : scl_xmalloc(n);
  memset(hit, 0, n);
  scl_litset_scan(pl->lits, buf, len, hit);
  bool wants = scl_pf_eval(f, hit);
  if (hit != small)
    free(hit);
  return wants;
}

bool scl_prefilter_wants(const scl_prefilter *pf, scl_lang lang, const char *buf, size_t len)
{
  scl_key key = scl_engine__lang_key(lang);
  if (key == SCL_KEY_COUNT || !pf->keys[key].is_active)
    return true;
  return eval_on(&pf->keys[key], pf->keys[key].any, buf, len);
}

static const pf_rule *find(const scl_prefilter *pf, const char *rule_id)
{
  for (size_t i = 0; i < pf->rule_count; i++)
    if (strcmp(pf->rules[i].id, rule_id) == 0)
      return &pf->rules[i];
  return NULL;
}

bool scl_prefilter_rule_wants(const scl_prefilter *pf, const char *rule_id, scl_lang lang,
                              const char *buf, size_t len)
{
  scl_key key = scl_engine__lang_key(lang);
  const pf_rule *r = find(pf, rule_id);
  if (key == SCL_KEY_COUNT || !r || !r->cond[key])
    return true;
  return eval_on(&pf->keys[key], r->cond[key], buf, len);
}

const char *scl_prefilter_describe(const scl_prefilter *pf, const char *rule_id, scl_lang lang)
{
  scl_key key = scl_engine__lang_key(lang);
  const pf_rule *r = find(pf, rule_id);
  return key == SCL_KEY_COUNT || !r ? NULL : r->text[key];
}
