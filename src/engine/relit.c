/*
 * relit.c - literal conditions from PCRE2 patterns; see relit.h.
 *
 * A small recursive-descent reading of the pattern computes, for each part,
 * either an exact set (every string the part can match, when there are few:
 * `^(find|find_one)$` is {find, find_one}) or a formula that any match must
 * satisfy. Concatenation multiplies exact sets while they stay small and
 * otherwise ANDs the parts' formulas; alternation unites sets or ORs
 * formulas; `x?` adds the empty string; `x+` keeps x's formula; `*`, `.`,
 * `\w` and classes that are not a short list of characters know nothing.
 *
 * Each exact string remembers whether what precedes (follows) it must be a
 * token boundary: `^` and `$` anchor at the ends of a node's text, `\b` at a
 * word boundary. Such literals are searched with word-boundary checks, which
 * is what makes `^get$` useful: the word `get`, not every `target`.
 * Case-insensitive parts ((?i), (?i:...)) give case-insensitive literals.
 */
#include <string.h>

#include "engine/relit.h"
#include "util/buf.h"
#include "util/vec.h"

/* Bounds that keep exact sets cheap; past them a part falls back to a
 * formula, which is still sound. */
#define SET_MAX 256
#define STR_MAX 64
#define DEPTH_MAX 48

/* ==== formulas ========================================================== */

scl_pf *scl_pf_true(scl_arena *a)
{
  scl_pf *f = scl_arena_alloc(a, sizeof(*f));
  memset(f, 0, sizeof(*f));
  f->kind = SCL_PF_TRUE;
  return f;
}

scl_pf *scl_pf_lit(scl_arena *a, uint32_t lit)
{
  scl_pf *f = scl_pf_true(a);
  f->kind = SCL_PF_LIT;
  f->lit = lit;
  return f;
}

/* Whether kids[i] is a literal that an earlier kid already is. */
static bool is_repeat(scl_pf *const *kids, size_t i)
{
  if (kids[i]->kind != SCL_PF_LIT)
    return false;
  for (size_t k = 0; k < i; k++)
    if (kids[k]->kind == SCL_PF_LIT && kids[k]->lit == kids[i]->lit)
      return true;
  return false;
}

static scl_pf *combine(scl_arena *a, scl_pf_kind kind, scl_pf *const *kids, size_t n)
{
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (kids[i]->kind == SCL_PF_TRUE) {
      if (kind == SCL_PF_OR)
        return scl_pf_true(a); /* a TRUE alternative makes the OR TRUE */
      continue;                /* and adds nothing to an AND */
    }
    kept += !is_repeat(kids, i);
  }
  if (kept == 0)
    return scl_pf_true(a);
  scl_pf *f = scl_pf_true(a);
  f->kind = kind;
  f->kids = scl_arena_alloc(a, kept * sizeof(scl_pf *));
  for (size_t i = 0; i < n; i++)
    if (kids[i]->kind != SCL_PF_TRUE && !is_repeat(kids, i))
      f->kids[f->kid_count++] = kids[i];
  return f->kid_count == 1 ? f->kids[0] : f;
}

scl_pf *scl_pf_and(scl_arena *a, scl_pf *const *kids, size_t n)
{
  return combine(a, SCL_PF_AND, kids, n);
}

scl_pf *scl_pf_or(scl_arena *a, scl_pf *const *kids, size_t n)
{
  if (n == 0)
    return scl_pf_true(a);
  return combine(a, SCL_PF_OR, kids, n);
}

bool scl_pf_eval(const scl_pf *f, const uint8_t *hit)
{
  switch (f->kind) {
  case SCL_PF_TRUE: return true;
  case SCL_PF_LIT: return hit[f->lit] != 0;
  case SCL_PF_AND:
    for (uint32_t i = 0; i < f->kid_count; i++)
      if (!scl_pf_eval(f->kids[i], hit))
        return false;
    return true;
  case SCL_PF_OR:
    for (uint32_t i = 0; i < f->kid_count; i++)
      if (scl_pf_eval(f->kids[i], hit))
        return true;
    return false;
  }
  return true;
}

void scl_pf_describe(scl_buf *out, const scl_pf *f, const scl_litset *lits)
{
  switch (f->kind) {
  case SCL_PF_TRUE: scl_buf_puts(out, "TRUE"); return;
  case SCL_PF_LIT: {
    size_t len;
    unsigned flags;
    const char *t = scl_litset_text(lits, f->lit, &len, &flags);
    scl_buf_puts(out, (flags & SCL_LIT_WORD_START) ? "\\b" : "");
    scl_buf_append(out, t, len);
    scl_buf_puts(out, (flags & SCL_LIT_WORD_END) ? "\\b" : "");
    scl_buf_puts(out, (flags & SCL_LIT_CI) ? "/i" : "");
    return;
  }
  case SCL_PF_AND:
  case SCL_PF_OR:
    scl_buf_puts(out, "(");
    for (uint32_t i = 0; i < f->kid_count; i++) {
      if (i)
        scl_buf_puts(out, f->kind == SCL_PF_AND ? " & " : " | ");
      scl_pf_describe(out, f->kids[i], lits);
    }
    scl_buf_puts(out, ")");
    return;
  }
}

/* ==== exact sets ======================================================== */

/* str - one exact string; ws/we: a token boundary precedes/follows it. */
typedef struct str {
  char *s;
  uint32_t len;
  bool ci, ws, we;
} str;

/* part - what is known of a piece of the pattern. */
typedef struct part {
  bool exact;
  str *set;
  uint32_t n;
  scl_pf *f;   /* when !exact */
} part;

typedef struct rx {
  const char *p;
  scl_arena *a;
  scl_litset *lits;
  bool failed;   /* something not understood: the whole regex is TRUE */
  int depth;
  bool words_only; /* keep only each literal's longest run of word characters */
} rx;

static part exact1(rx *x, const char *s, uint32_t len, bool ci, bool ws, bool we)
{
  part r = {true, scl_arena_alloc(x->a, sizeof(str)), 1, NULL};
  r.set[0].s = scl_arena_strndup(x->a, s, len);
  r.set[0].len = len;
  r.set[0].ci = ci;
  r.set[0].ws = ws;
  r.set[0].we = we;
  return r;
}

static part unknown(rx *x)
{
  part r = {false, NULL, 0, scl_pf_true(x->a)};
  return r;
}

static part inexact(scl_pf *f)
{
  part r = {false, NULL, 0, f};
  return r;
}

static scl_pf *to_formula(rx *x, const part *p)
{
  if (!p->exact)
    return p->f;
  scl_pf **kids = scl_arena_alloc(x->a, (p->n ? p->n : 1) * sizeof(scl_pf *));
  for (uint32_t i = 0; i < p->n; i++) {
    str s = p->set[i];
    if (x->words_only) {
      uint32_t best = 0, best_len = 0;
      for (uint32_t k = 0; k < s.len;) {
        uint32_t run = 0;
        while (k + run < s.len && scl_lit_is_word((unsigned char)s.s[k + run]))
          run++;
        if (run > best_len) {
          best = k;
          best_len = run;
        }
        k += run ? run : 1;
      }
      /* the run's ends are the literal's ends or non-word characters, and a
       * non-word character stays one (or becomes whitespace) in the file */
      s.ws = s.ws || best > 0;
      s.we = s.we || best + best_len < s.len;
      s.s += best;
      s.len = best_len;
    }
    if (s.len < SCL_RELIT_MIN_LEN && !(s.len == SCL_RELIT_MIN_WORD && s.ws && s.we &&
                                       scl_lit_is_word((unsigned char)s.s[0]) &&
                                       scl_lit_is_word((unsigned char)s.s[1])))
      return scl_pf_true(x->a);
    unsigned flags = (s.ci ? SCL_LIT_CI : 0) | (s.ws ? SCL_LIT_WORD_START : 0) |
                     (s.we ? SCL_LIT_WORD_END : 0);
    kids[i] = scl_pf_lit(x->a, scl_litset_add(x->lits, s.s, s.len, flags));
  }
  return scl_pf_or(x->a, kids, p->n);
}

static part concat(rx *x, const part *l, const part *r)
{
  if (l->exact && r->exact && (size_t)l->n * r->n <= SET_MAX) {
    part out = {true, scl_arena_alloc(x->a, (size_t)l->n * r->n * sizeof(str)), 0, NULL};
    for (uint32_t i = 0; i < l->n; i++)
      for (uint32_t j = 0; j < r->n; j++) {
        const str *a = &l->set[i], *b = &r->set[j];
        if (a->len + b->len > STR_MAX)
          goto as_formula;
        str *s = &out.set[out.n++];
        s->len = a->len + b->len;
        s->s = scl_arena_alloc(x->a, s->len + 1);
        memcpy(s->s, a->s, a->len);
        memcpy(s->s + a->len, b->s, b->len);
        s->s[s->len] = '\0';
        s->ci = a->ci || b->ci;
        s->ws = a->ws || (a->len == 0 && b->ws);
        s->we = b->we || (b->len == 0 && a->we);
      }
    return out;
  }
as_formula:;
  scl_pf *kids[2] = {to_formula(x, l), to_formula(x, r)};
  return inexact(scl_pf_and(x->a, kids, 2));
}

static part alternate(rx *x, const part *l, const part *r)
{
  if (l->exact && r->exact && l->n + r->n <= SET_MAX) {
    part out = {true, scl_arena_alloc(x->a, (l->n + r->n) * sizeof(str)), 0, NULL};
    memcpy(out.set, l->set, l->n * sizeof(str));
    memcpy(out.set + l->n, r->set, r->n * sizeof(str));
    out.n = l->n + r->n;
    return out;
  }
  scl_pf *kids[2] = {to_formula(x, l), to_formula(x, r)};
  return inexact(scl_pf_or(x->a, kids, 2));
}

/* ==== the pattern reader ================================================ */

static part parse_alt(rx *x, bool *ci);

static bool is_lower_or_upper(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static part literal_char(rx *x, char c, bool ci)
{
  return exact1(x, &c, 1, ci && is_lower_or_upper(c), false, false);
}

/* After a backslash. */
static part parse_escape(rx *x, bool ci)
{
  char c = *x->p;
  if (!c) {
    x->failed = true;
    return unknown(x);
  }
  x->p++;
  switch (c) {
  case 'b': return exact1(x, "", 0, false, true, true);
  case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
    return exact1(x, "", 0, false, false, false);
  case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H':
  case 'v': case 'V': case 'R': case 'N': case 'X': case 'C':
    if (c == 'N' && *x->p == '{') /* \N{U+...} */
      x->failed = true;
    return unknown(x);
  case 'n': return literal_char(x, '\n', false);
  case 't': return literal_char(x, '\t', false);
  case 'r': return literal_char(x, '\r', false);
  case 'f': return literal_char(x, '\f', false);
  case 'e': return literal_char(x, '\x1b', false);
  case 'a': return literal_char(x, '\a', false);
  default: break;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    /* \x.., \p{..}, \Q, back-references, octal, \c., \g, \k...: not read */
    x->failed = true;
    return unknown(x);
  }
  return literal_char(x, c, ci);   /* an escaped punctuation character */
}

/* After '['; a short list of plain characters becomes an exact set. */
static part parse_class(rx *x, bool ci)
{
  char chars[16];
  size_t n = 0;
  bool listable = true;
  if (*x->p == '^') {
    listable = false;
    x->p++;
  }
  bool first = true;
  for (;;) {
    char c = *x->p;
    if (!c) {
      x->failed = true;
      return unknown(x);
    }
    if (c == ']' && !first)
      break;
    first = false;
    x->p++;
    if (c == '[' && *x->p == ':') { /* [:alpha:] */
      const char *end = strstr(x->p, ":]");
      if (!end) {
        x->failed = true;
        return unknown(x);
      }
      x->p = end + 2;
      listable = false;
      continue;
    }
    if (c == '\\') {
      char e = *x->p;
      if (!e) {
        x->failed = true;
        return unknown(x);
      }
      x->p++;
      if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
        /* \d, \w, \x41, \p{..}: not listed; \x{..} and \p{..} braces too */
        listable = false;
        if (*x->p == '{') {
          const char *end = strchr(x->p, '}');
          if (!end) {
            x->failed = true;
            return unknown(x);
          }
          x->p = end + 1;
        }
        continue;
      }
      c = e;
    } else if (c == '-' && *x->p != ']' && n > 0) {
      listable = false; /* a range */
      continue;
    }
    if (n < sizeof(chars))
      chars[n++] = c;
    else
      listable = false;
  }
  x->p++; /* ']' */
  if (!listable || n == 0)
    return unknown(x);
  /* [Aa]: one letter in either case is a case-insensitive character, not
   * two strings (which would multiply into every spelling of a word) */
  if (n == 2 && is_lower_or_upper(chars[0]) && (chars[0] ^ 0x20) == chars[1])
    return literal_char(x, chars[0], true);
  part r = {true, scl_arena_alloc(x->a, n * sizeof(str)), 0, NULL};
  for (size_t i = 0; i < n; i++)
    r.set[r.n++] = literal_char(x, chars[i], ci).set[0];
  return r;
}

/* After '('. */
static part parse_group(rx *x, bool *ci)
{
  bool inner_ci = *ci;
  bool is_assertion = false;
  if (*x->p == '?') {
    x->p++;
    char c = *x->p;
    if (c == ':' || c == '|' || c == '>') {
      x->p++;
    } else if (c == '=' || c == '!') {
      x->p++;
      is_assertion = true;
    } else if (c == '<' && (x->p[1] == '=' || x->p[1] == '!')) {
      x->p += 2;
      is_assertion = true;
    } else if (c == 'P' || c == '<' || c == '\'') { /* named group */
      if (c == 'P')
        x->p++;
      if (*x->p != '<' && *x->p != '\'') {
        x->failed = true;
        return unknown(x);
      }
      char close = *x->p == '<' ? '>' : '\'';
      const char *end = strchr(x->p + 1, close);
      if (!end) {
        x->failed = true;
        return unknown(x);
      }
      x->p = end + 1;
    } else {
      /* inline options: (?i) (?-i) (?s) (?m) (?i:...) */
      bool on = true, set_ci = *ci;
      for (;;) {
        c = *x->p;
        if (c == '-')
          on = false;
        else if (c == 'i')
          set_ci = on;
        else if (c == 's' || c == 'm' || c == 'U' || c == 'J' || c == 'n')
          ;
        else
          break;
        x->p++;
      }
      if (c == ')') {
        x->p++;
        *ci = set_ci; /* the rest of the enclosing group */
        return exact1(x, "", 0, false, false, false);
      }
      if (c != ':') {
        x->failed = true; /* (?x), (?#...), conditionals, callouts, ... */
        return unknown(x);
      }
      x->p++;
      inner_ci = set_ci;
    }
  }
  part r = parse_alt(x, &inner_ci);
  if (*x->p != ')') {
    x->failed = true;
    return unknown(x);
  }
  x->p++;
  return is_assertion ? exact1(x, "", 0, false, false, false) : r;
}

static bool read_uint(rx *x, unsigned *out)
{
  if (*x->p < '0' || *x->p > '9')
    return false;
  unsigned v = 0;
  while (*x->p >= '0' && *x->p <= '9') {
    if (v < 100000)
      v = v * 10 + (unsigned)(*x->p - '0');
    x->p++;
  }
  *out = v;
  return true;
}

/* A quantifier after atom a, if there is one. */
static part quantify(rx *x, part a)
{
  char c = *x->p;
  unsigned lo = 1, hi = 1;
  if (c == '?') {
    lo = 0;
  } else if (c == '*') {
    lo = 0;
    hi = 2;
  } else if (c == '+') {
    hi = 2;
  } else if (c == '{') {
    const char *save = x->p;
    x->p++;
    if (!read_uint(x, &lo)) {
      x->failed = true; /* a literal '{': rare enough not to read */
      x->p = save;
      return unknown(x);
    }
    hi = lo;
    if (*x->p == ',') {
      x->p++;
      hi = read_uint(x, &hi) ? hi : 2;
      if (hi < lo)
        hi = 2;
    }
    if (*x->p != '}') {
      x->failed = true;
      x->p = save;
      return unknown(x);
    }
  } else {
    return a;
  }
  x->p++;
  if (*x->p == '?' || *x->p == '+')
    x->p++;
  if (lo == 1 && hi == 1)
    return a;
  if (lo == 0 && hi == 1) { /* x? : x or nothing */
    part empty = exact1(x, "", 0, false, false, false);
    return alternate(x, &a, &empty);
  }
  if (lo == 0)
    return unknown(x);
  return inexact(to_formula(x, &a)); /* at least once */
}

static part parse_seq(rx *x, bool *ci)
{
  SCL_VEC(scl_pf *) parts = {0};
  part cur = exact1(x, "", 0, false, false, false);
  while (!x->failed) {
    char c = *x->p;
    if (!c || c == '|' || c == ')')
      break;
    x->p++;
    part atom;
    switch (c) {
    case '(':
      if (++x->depth > DEPTH_MAX) {
        x->failed = true;
        atom = unknown(x);
      } else {
        atom = parse_group(x, ci);
        x->depth--;
      }
      break;
    case '[': atom = parse_class(x, *ci); break;
    case '\\': atom = parse_escape(x, *ci); break;
    case '.': atom = unknown(x); break;
    case '^': atom = exact1(x, "", 0, false, true, false); break;
    case '$': atom = exact1(x, "", 0, false, false, true); break;
    case '*': case '+': case '?': case '{':
      x->failed = true;
      atom = unknown(x);
      break;
    default: atom = literal_char(x, c, *ci); break;
    }
    if (x->failed)
      break;
    atom = quantify(x, atom);
    if (atom.exact) {
      part next = concat(x, &cur, &atom);
      if (next.exact) {
        cur = next;
        continue;
      }
      SCL_VEC_PUSH(&parts, to_formula(x, &cur));
      cur = atom;
      /* what precedes atom is no longer known to be a boundary */
      continue;
    }
    SCL_VEC_PUSH(&parts, to_formula(x, &cur));
    SCL_VEC_PUSH(&parts, atom.f);
    cur = exact1(x, "", 0, false, false, false);
  }
  if (parts.count == 0)
    return cur;
  SCL_VEC_PUSH(&parts, to_formula(x, &cur));
  part out = inexact(scl_pf_and(x->a, parts.items, parts.count));
  SCL_VEC_FREE(&parts);
  return out;
}

static part parse_alt(rx *x, bool *ci)
{
  part r = parse_seq(x, ci);
  while (!x->failed && *x->p == '|') {
    x->p++;
    part next = parse_seq(x, ci);
    r = alternate(x, &r, &next);
  }
  return r;
}

scl_pf *scl_relit_formula(scl_arena *a, scl_litset *lits, const char *regex, bool words_only)
{
  rx x = {regex, a, lits, false, 0, words_only};
  bool ci = false;
  part r = parse_alt(&x, &ci);
  if (x.failed || *x.p != '\0')
    return scl_pf_true(a);
  return to_formula(&x, &r);
}
