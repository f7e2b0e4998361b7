/*
 * litset.c - Aho-Corasick over ASCII-case-folded bytes; see litset.h.
 *
 * The trie is built over the literals' bytes with ASCII letters lowered, so
 * one automaton serves case-sensitive and case-insensitive literals; a
 * case-sensitive hit is confirmed with memcmp. Bytes are first mapped to
 * classes (one per distinct folded byte the literals use, plus class 0 for
 * every other byte), which keeps the full transition table small: a few
 * hundred literals make a few thousand states times a few dozen classes.
 * Each state's output list already includes the outputs of its failure
 * chain, so the scan loop is a table lookup and, rarely, a short check.
 */
#include <string.h>

#include "util/alloc.h"
#include "util/litset.h"
#include "util/vec.h"

typedef struct lit {
  char *text;
  size_t len;
  unsigned flags;
} lit;

struct scl_litset {
  SCL_VEC(lit) lits;
  bool is_built;
  uint8_t cls[256];        /* byte -> class (folded) */
  uint32_t nclass;         /* classes, including class 0 */
  uint32_t *delta;         /* state * nclass + class -> state */
  uint32_t nstate;
  uint32_t *out_start;     /* per state: first entry in outs */
  uint32_t *out_count;     /* per state: number of entries */
  uint32_t *outs;          /* literal ids */
};

static unsigned char fold(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

scl_litset *scl_litset_new(void)
{
  return scl_xcalloc(1, sizeof(scl_litset));
}

void scl_litset_free(scl_litset *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->lits.count; i++)
    free(s->lits.items[i].text);
  SCL_VEC_FREE(&s->lits);
  free(s->delta);
  free(s->out_start);
  free(s->out_count);
  free(s->outs);
  free(s);
}

uint32_t scl_litset_add(scl_litset *s, const char *text, size_t len, unsigned flags)
{
  if (len == 0)
    return UINT32_MAX;
  if (!scl_lit_is_word((unsigned char)text[0]))
    flags &= ~(unsigned)SCL_LIT_WORD_START;
  if (!scl_lit_is_word((unsigned char)text[len - 1]))
    flags &= ~(unsigned)SCL_LIT_WORD_END;
  for (size_t i = 0; i < s->lits.count; i++) {
    const lit *l = &s->lits.items[i];
    if (l->len == len && l->flags == flags && memcmp(l->text, text, len) == 0)
      return (uint32_t)i;
  }
  lit l = {scl_xmalloc(len + 1), len, flags};
  memcpy(l.text, text, len);
  l.text[len] = '\0';
  SCL_VEC_PUSH(&s->lits, l);
  return (uint32_t)(s->lits.count - 1);
}

uint32_t scl_litset_count(const scl_litset *s)
{
  return (uint32_t)s->lits.count;
}

const char *scl_litset_text(const scl_litset *s, uint32_t id, size_t *len, unsigned *flags)
{
  const lit *l = &s->lits.items[id];
  if (len)
    *len = l->len;
  if (flags)
    *flags = l->flags;
  return l->text;
}

void scl_litset_build(scl_litset *s)
{
  if (s->is_built)
    return;
  s->is_built = true;

  /* classes: one per folded byte used by any literal */
  uint8_t used[256] = {0};
  size_t total = 1;
  for (size_t i = 0; i < s->lits.count; i++) {
    total += s->lits.items[i].len;
    for (size_t k = 0; k < s->lits.items[i].len; k++)
      used[fold((unsigned char)s->lits.items[i].text[k])] = 1;
  }
  uint8_t folded_cls[256] = {0};
  s->nclass = 1;
  for (int b = 0; b < 256; b++)
    if (used[b])
      folded_cls[b] = (uint8_t)s->nclass++;
  for (int b = 0; b < 256; b++)
    s->cls[b] = folded_cls[fold((unsigned char)b)];

  /* trie: at most one state per literal byte, plus the root */
  uint32_t nc = s->nclass;
  s->delta = scl_xcalloc(total * nc, sizeof(uint32_t));
  uint32_t *own_first = scl_xcalloc(total, sizeof(uint32_t)); /* 1-based list heads */
  uint32_t *own_next = scl_xcalloc(s->lits.count + 1, sizeof(uint32_t));
  s->nstate = 1;
  for (size_t i = 0; i < s->lits.count; i++) {
    const lit *l = &s->lits.items[i];
    uint32_t st = 0;
    for (size_t k = 0; k < l->len; k++) {
      uint32_t c = s->cls[(unsigned char)l->text[k]];
      if (!s->delta[st * nc + c])
        s->delta[st * nc + c] = s->nstate++;
      st = s->delta[st * nc + c];
    }
    own_next[i + 1] = own_first[st];
    own_first[st] = (uint32_t)i + 1;
  }

  /* breadth-first: failure links, full transitions, outputs with the
   * failure state's outputs appended (parents are done before children) */
  uint32_t *fail = scl_xcalloc(s->nstate, sizeof(uint32_t));
  uint32_t *queue = scl_xmalloc(s->nstate * sizeof(uint32_t));
  s->out_start = scl_xcalloc(s->nstate, sizeof(uint32_t));
  s->out_count = scl_xcalloc(s->nstate, sizeof(uint32_t));
  SCL_VEC(uint32_t) outs = {0};
  size_t head = 0, tail = 0;
  queue[tail++] = 0;
  while (head < tail) {
    uint32_t st = queue[head++];
    s->out_start[st] = (uint32_t)outs.count;
    for (uint32_t e = own_first[st]; e; e = own_next[e])
      SCL_VEC_PUSH(&outs, e - 1);
    if (st != 0)
      for (uint32_t k = 0; k < s->out_count[fail[st]]; k++)
        SCL_VEC_PUSH(&outs, outs.items[s->out_start[fail[st]] + k]);
    s->out_count[st] = (uint32_t)outs.count - s->out_start[st];
    for (uint32_t c = 0; c < nc; c++) {
      uint32_t child = s->delta[st * nc + c];
      if (child) {
        /* a trie edge: st's row is filled in only now, after this loop
         * has seen it, and fail[st]'s row (shallower) is complete */
        fail[child] = st == 0 ? 0 : s->delta[fail[st] * nc + c];
        queue[tail++] = child;
      } else {
        s->delta[st * nc + c] = st == 0 ? 0 : s->delta[fail[st] * nc + c];
      }
    }
  }
  s->outs = outs.items;
  free(queue);
  free(fail);
  free(own_first);
  free(own_next);
}

static bool confirm(const lit *l, const unsigned char *buf, size_t len, size_t end)
{
  size_t start = end + 1 - l->len;
  if (!(l->flags & SCL_LIT_CI) && memcmp(buf + start, l->text, l->len) != 0)
    return false;
  if ((l->flags & SCL_LIT_WORD_START) && start > 0 && scl_lit_is_word(buf[start - 1]))
    return false;
  if ((l->flags & SCL_LIT_WORD_END) && end + 1 < len && scl_lit_is_word(buf[end + 1]))
    return false;
  return true;
}

size_t scl_litset_scan(const scl_litset *s, const char *buf, size_t len, uint8_t *hit)
{
  size_t remaining = 0, found = 0;
  for (size_t i = 0; i < s->lits.count; i++)
    remaining += !hit[i];
  if (!remaining)
    return 0;
  const unsigned char *p = (const unsigned char *)buf;
  const uint32_t nc = s->nclass;
  uint32_t st = 0;
  for (size_t i = 0; i < len; i++) {
    st = s->delta[st * nc + s->cls[p[i]]];
    uint32_t n = s->out_count[st];
    if (!n)
      continue;
    const uint32_t *o = s->outs + s->out_start[st];
    for (uint32_t k = 0; k < n; k++) {
      uint32_t id = o[k];
      if (!hit[id] && confirm(&s->lits.items[id], p, len, i)) {
        hit[id] = 1;
        found++;
        if (--remaining == 0)
          return found;
      }
    }
  }
  return found;
}
