/*
 * dump.c - prints an scl_tree as an indented listing of its named nodes.
 *
 * A debugging aid: it writes only to the FILE it is given, never to stdout
 * on its own, and never changes the tree.
 */
#include "frontend/dump.h"

#include <stdint.h>
#include <stdlib.h>

#include "scalint/finding.h"
#include "util/alloc.h"

/* Bytes of node text shown; enough to recognise a call or a statement. */
#define DUMP_TEXT_BYTES 40

static void put_short_text(FILE *out, const char *s, size_t len)
{
  size_t n = len > DUMP_TEXT_BYTES ? DUMP_TEXT_BYTES : len;

  /* never cut a UTF-8 sequence in half */
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    default:
      if (c < 0x20 || c == 0x7F)
        fprintf(out, "\\x%02x", c);
      else
        fputc((int)c, out);
    }
  }
  fputc('"', out);
  if (n < len)
    fputs("...", out);
}

void scl_tree_dump(FILE *out, const scl_tree *t)
{
  /* named-ancestor depth of each node; parents precede children */
  uint32_t *depth = scl_xcalloc(t->count ? t->count : 1, sizeof(*depth));

  for (uint32_t i = 0; i < t->count; i++) {
    const scl_node *n = &t->nodes[i];
    uint32_t d = 0;
    if (n->parent != SCL_NO_NODE && n->parent < i)
      d = depth[n->parent] + (t->nodes[n->parent].is_named ? 1 : 0);
    depth[i] = d;
    if (!n->is_named)
      continue;
    scl_span sp;
    size_t len;
    const char *text = scl_tree_text(t, i, &len);
    scl_tree_span(&sp, t, i);
    fprintf(out, "%*s%s ", (int)(2 * (d > 200 ? 200 : d)), "", scl_tree_kind_name(t, i));
    if (n->field)
      fprintf(out, "%s: ", scl_kinds_field_name(t->kinds, n->field));
    fprintf(out, "%u:%u-%u:%u ", sp.start_line, sp.start_col, sp.end_line, sp.end_col);
    put_short_text(out, text, len);
    if (n->has_error)
      fputs(" !error", out);
    fputc('\n', out);
  }
  free(depth);
}
