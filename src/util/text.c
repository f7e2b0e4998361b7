/*
 * text.c - small string helpers shared by the loaders (util/text.h).
 */
#include "util/text.h"

#include <string.h>

unsigned scl_edit_distance(const char *a, const char *b)
{
  enum { LIMIT = 64 };
  size_t la = strlen(a), lb = strlen(b);
  if (la > LIMIT || lb > LIMIT)
    return 1000;
  unsigned row[LIMIT + 1];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (unsigned)j;
  for (size_t i = 1; i <= la; i++) {
    unsigned diag = row[0];  /* row[j - 1] of the previous row */
    row[0] = (unsigned)i;
    for (size_t j = 1; j <= lb; j++) {
      unsigned above = row[j];
      unsigned best = diag + (a[i - 1] == b[j - 1] ? 0u : 1u);
      if (above + 1 < best)
        best = above + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = above;
    }
  }
  return row[lb];
}
