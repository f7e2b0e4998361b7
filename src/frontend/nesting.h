/*
 * nesting.h - a byte-level nesting check the front-ends run before handing
 * a file to a parser.
 *
 * Both parsers have failure modes on pathological nesting that no limit of
 * theirs catches: tree-sitter 0.20.7 frees memory twice while recovering
 * from some 65,000 unclosed brackets, and libclang recurses once per nested
 * statement (`if (a) if (a) ...`, stack overflow near 10,000 levels on an
 * 8 MiB stack) and expands nested macro arguments in quadratic time. A file
 * whose brackets (or, for C, statement keywords) nest deeper than
 * SCL_MAX_TREE_DEPTH would be skipped after parsing anyway, so it is
 * skipped before. The count ignores strings and comments: only a file with
 * more than SCL_MAX_TREE_DEPTH unbalanced brackets inside literals could be
 * skipped by mistake, and it still gets a notice naming the line.
 * Included only by the front-end sources in src/frontend/.
 */
#ifndef SCL_FRONTEND_NESTING_H
#define SCL_FRONTEND_NESTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/limits.h"

static inline bool nesting_is_ident(unsigned char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch >= 0x80;
}

/* Length of the C statement keyword (if, for, while, switch, else, do)
 * that starts at src[i] as a whole word, or 0. */
static inline size_t nesting_c_keyword(const char *src, size_t len, size_t i)
{
  static const char *const words[] = { "if", "for", "while", "switch", "else", "do" };
  if (i > 0 && nesting_is_ident((unsigned char)src[i - 1]))
    return 0;
  for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
    size_t n = strlen(words[w]);
    if (i + n <= len && memcmp(src + i, words[w], n) == 0 &&
        (i + n == len || !nesting_is_ident((unsigned char)src[i + n])))
      return n;
  }
  return 0;
}

/*
 * True when brackets ((, [, {) in src nest deeper than SCL_MAX_TREE_DEPTH,
 * or, with is_c, when more than SCL_MAX_TREE_DEPTH statement keywords follow
 * each other with no ';', '{' or '}' between them. *line_out is the 1-based
 * line where the limit was passed.
 */
static inline bool scl_frontend__too_deep(const char *src, size_t len, bool is_c,
                                          uint32_t *line_out)
{
  size_t depth = 0, keywords = 0;
  uint32_t line = 1;

  for (size_t i = 0; i < len; i++) {
    char ch = src[i];
    switch (ch) {
    case '\n':
      line++;
      continue;
    case '(':
    case '[':
    case '{':
      depth++;
      break;
    case ')':
    case ']':
    case '}':
      if (depth)
        depth--;
      break;
    default:
      break;
    }
    if (is_c) {
      if (ch == ';' || ch == '{' || ch == '}') {
        keywords = 0;
      } else {
        size_t n = nesting_c_keyword(src, len, i);
        if (n) {
          keywords++;
          i += n - 1;
        }
      }
    }
    if (depth > SCL_MAX_TREE_DEPTH || keywords > SCL_MAX_TREE_DEPTH) {
      *line_out = line;
      return true;
    }
  }
  return false;
}

#endif
