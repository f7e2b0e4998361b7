/*
 * gitignore.c - ignore-file parsing and git-style glob matching.
 *
 * Implements the common part of gitignore(5): comments, escapes, trailing
 * space trimming, "!" negation, trailing "/" for directories, anchoring by a
 * leading or inner "/", "*", "?", "[...]" within one path segment, and "**"
 * segments. Matching is iterative (one backtrack point per level, the
 * classic wildcard algorithm), so hostile patterns cannot blow the stack.
 *
 * Must not touch the file system or know about the walk: the walker reads
 * the files and decides which set applies to which path.
 */
#include "discover/gitignore.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* ---- one segment: '*', '?', classes, escapes ---- */

/*
 * Matches the class that starts at p[*pi] == '[' against c. Returns 1 or 0
 * and moves *pi past the closing ']', or -1 (and leaves *pi) when the class
 * is not terminated, in which case the '[' is an ordinary character.
 */
static int class_match(const char *p, size_t plen, size_t *pi, unsigned char c)
{
  size_t i = *pi + 1;
  bool is_neg = false;
  bool is_hit = false;
  if (i < plen && (p[i] == '!' || p[i] == '^')) {
    is_neg = true;
    i++;
  }
  bool is_first = true;
  while (i < plen) {
    if (p[i] == ']' && !is_first) {
      *pi = i + 1;
      return is_hit != is_neg;
    }
    is_first = false;
    unsigned char lo = (unsigned char)p[i];
    if (lo == '\\' && i + 1 < plen)
      lo = (unsigned char)p[++i];
    i++;
    unsigned char hi = lo;
    if (i + 1 < plen && p[i] == '-' && p[i + 1] != ']') {
      i++;
      hi = (unsigned char)p[i];
      if (hi == '\\' && i + 1 < plen)
        hi = (unsigned char)p[++i];
      i++;
    }
    if (c >= lo && c <= hi)
      is_hit = true;
  }
  return -1;
}

/* Matches the one pattern token at p[*pi] (not '*') against c; advances *pi. */
static bool token_match(const char *p, size_t plen, size_t *pi, unsigned char c)
{
  unsigned char pc = (unsigned char)p[*pi];
  if (pc == '?') {
    (*pi)++;
    return true;
  }
  if (pc == '[') {
    size_t j = *pi;
    int r = class_match(p, plen, &j, c);
    if (r >= 0) {
      *pi = j;
      return r == 1;
    }
  }
  if (pc == '\\' && *pi + 1 < plen)
    pc = (unsigned char)p[++(*pi)];
  (*pi)++;
  return pc == c;
}

/* Matches a single segment (no '/' in either string) with the wildcard algorithm. */
static bool seg_match(const char *p, size_t plen, const char *s, size_t slen)
{
  size_t pi = 0, si = 0;
  size_t star_pi = SIZE_MAX, star_si = 0;
  while (si < slen) {
    if (pi < plen && p[pi] == '*') {
      while (pi < plen && p[pi] == '*')
        pi++;
      star_pi = pi;
      star_si = si;
      continue;
    }
    size_t next = pi;
    if (pi < plen && token_match(p, plen, &next, (unsigned char)s[si])) {
      pi = next;
      si++;
      continue;
    }
    if (star_pi == SIZE_MAX)
      return false;
    si = ++star_si;
    pi = star_pi;
  }
  while (pi < plen && p[pi] == '*')
    pi++;
  return pi == plen;
}

/* ---- whole paths: segments and "**" ---- */

#define SEG_END SIZE_MAX

/* End of the segment starting at i (index of the next '/' or len). */
static size_t seg_end(const char *s, size_t len, size_t i)
{
  while (i < len && s[i] != '/')
    i++;
  return i;
}

/* Start of the segment after the one ending at end, or SEG_END. */
static size_t seg_next(size_t len, size_t end)
{
  return end < len ? end + 1 : SEG_END;
}

static bool is_globstar(const char *g, size_t start, size_t end)
{
  return end - start == 2 && g[start] == '*' && g[start + 1] == '*';
}

/* The wildcard algorithm again, one level up: tokens are segments, "**" is the star. */
static bool path_match(const char *g, size_t glen, const char *s, size_t slen)
{
  size_t gi = 0, si = 0;
  size_t star_gi = SEG_END, star_si = SEG_END;
  bool has_star = false;
  while (si != SEG_END) {
    if (gi != SEG_END) {
      size_t ge = seg_end(g, glen, gi);
      if (is_globstar(g, gi, ge)) {
        has_star = true;
        star_gi = seg_next(glen, ge);
        star_si = si;
        gi = star_gi;
        continue;
      }
      size_t se = seg_end(s, slen, si);
      if (seg_match(g + gi, ge - gi, s + si, se - si)) {
        gi = seg_next(glen, ge);
        si = seg_next(slen, se);
        continue;
      }
    }
    if (!has_star)
      return false;
    /* let the last "**" swallow one more segment, then retry after it */
    star_si = seg_next(slen, seg_end(s, slen, star_si));
    si = star_si;
    gi = star_gi;
  }
  while (gi != SEG_END && is_globstar(g, gi, seg_end(g, glen, gi)))
    gi = seg_next(glen, seg_end(g, glen, gi));
  return gi == SEG_END;
}

bool scl_discover__glob_match(const char *glob, const char *path)
{
  size_t glen = strlen(glob);
  size_t plen = strlen(path);
  if (glen >= 3 && memcmp(glob + glen - 3, "/**", 3) == 0) {
    /* "x/" + "**" matches what is inside x, never x itself: the trailing "**"
     * must take at least the last segment, so match the rest without it. */
    while (plen > 0 && path[plen - 1] != '/')
      plen--;
    if (plen == 0)
      return false;
    plen--;
  }
  return path_match(glob, glen, path, plen);
}

/* ---- parsing ---- */

static void parse_line(scl_ignore_set *set, const char *line, size_t len)
{
  if (len > 0 && line[len - 1] == '\r')
    len--;
  /* trailing spaces go, unless the last one is escaped with a backslash */
  while (len > 0 && line[len - 1] == ' ' && !(len >= 2 && line[len - 2] == '\\'))
    len--;
  if (len == 0 || line[0] == '#')
    return;

  scl_ignore_rule rule = { 0 };
  if (line[0] == '!') {
    rule.is_negated = true;
    line++;
    len--;
  }
  if (len > 0 && line[len - 1] == '/') {
    rule.is_dir_only = true;
    len--;
  }
  if (memchr(line, '/', len)) {
    rule.is_anchored = true;
    if (line[0] == '/') {
      line++;
      len--;
    }
  }
  if (len == 0)
    return;
  rule.glob = scl_xstrndup(line, len);
  rule.glob_len = len;
  SCL_VEC_PUSH(&set->rules, rule);
}

void scl_discover__ignore_parse(scl_ignore_set *set, const char *text, size_t len)
{
  size_t start = 0;
  while (start < len) {
    const char *nl = memchr(text + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - text) : len;
    parse_line(set, text + start, end - start);
    start = end + 1;
  }
}

void scl_discover__ignore_dispose(scl_ignore_set *set)
{
  for (size_t i = 0; i < set->rules.count; i++)
    free(set->rules.items[i].glob);
  SCL_VEC_FREE(&set->rules);
}

int scl_discover__ignore_match(const scl_ignore_set *set, const char *rel, bool is_dir)
{
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  size_t base_len = strlen(base);
  for (size_t i = set->rules.count; i-- > 0;) {
    const scl_ignore_rule *r = &set->rules.items[i];
    if (r->is_dir_only && !is_dir)
      continue;
    bool is_match = r->is_anchored ? scl_discover__glob_match(r->glob, rel)
                                   : seg_match(r->glob, r->glob_len, base, base_len);
    if (is_match)
      return r->is_negated ? SCL_IGNORE_INCLUDE : SCL_IGNORE_EXCLUDE;
  }
  return SCL_IGNORE_NONE;
}
