/*
 * tree.c - the flat preorder tree and the per-language kinds table.
 * Must not know any parser: front-ends fill it, the engine reads it.
 */
#include "syntax/tree.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/limits.h"

/* ==== kinds ============================================================= */

void scl_kinds_init(scl_kinds *k)
{
  memset(k, 0, sizeof(*k));
  k->kinds = scl_xcalloc(1, sizeof(*k->kinds));
  k->kind_count = 1;
  k->fields = scl_xcalloc(1, sizeof(*k->fields));
  k->field_count = 1;
}

void scl_kinds_dispose(scl_kinds *k)
{
  if (!k || !k->kinds)
    return;
  for (uint16_t i = 1; i < k->kind_count; i++)
    free((char *)k->kinds[i].name);
  for (uint16_t i = 1; i < k->field_count; i++)
    free((char *)k->fields[i]);
  free(k->kinds);
  free(k->fields);
  memset(k, 0, sizeof(*k));
}

uint16_t scl_kinds_find_kind(const scl_kinds *k, const char *name, bool is_named)
{
  for (uint16_t i = 1; i < k->kind_count; i++)
    if (k->kinds[i].is_named == is_named && strcmp(k->kinds[i].name, name) == 0)
      return i;
  return 0;
}

uint16_t scl_kinds_find_field(const scl_kinds *k, const char *name)
{
  for (uint16_t i = 1; i < k->field_count; i++)
    if (strcmp(k->fields[i], name) == 0)
      return i;
  return 0;
}

uint16_t scl_kinds_add_kind(scl_kinds *k, const char *name, bool is_named)
{
  uint16_t id = scl_kinds_find_kind(k, name, is_named);
  if (id)
    return id;
  k->kinds = scl_xrealloc(k->kinds, ((size_t)k->kind_count + 1) * sizeof(*k->kinds));
  k->kinds[k->kind_count].name = scl_xstrdup(name);
  k->kinds[k->kind_count].is_named = is_named;
  return k->kind_count++;
}

uint16_t scl_kinds_add_field(scl_kinds *k, const char *name)
{
  uint16_t id = scl_kinds_find_field(k, name);
  if (id)
    return id;
  k->fields = scl_xrealloc(k->fields, ((size_t)k->field_count + 1) * sizeof(*k->fields));
  k->fields[k->field_count] = scl_xstrdup(name);
  return k->field_count++;
}

const char *scl_kinds_kind_name(const scl_kinds *k, uint16_t id)
{
  return id && id < k->kind_count ? k->kinds[id].name : "";
}

const char *scl_kinds_field_name(const scl_kinds *k, uint16_t id)
{
  return id && id < k->field_count ? k->fields[id] : "";
}

/* ==== building ========================================================== */

void scl_tree_init(scl_tree *t, scl_arena *arena, const scl_kinds *kinds, const char *src,
                   size_t src_len)
{
  memset(t, 0, sizeof(*t));
  t->arena = arena;
  t->kinds = kinds;
  t->src = src;
  t->src_len = src_len;
}

uint32_t scl_tree_open(scl_tree *t, const scl_node *proto)
{
  if (t->count >= SCL_MAX_TREE_NODES)
    return SCL_NO_NODE;
  if (t->count == t->cap) {
    /* arena-backed doubling: the old block stays in the arena until reset */
    uint32_t nc = t->cap ? t->cap * 2 : 256;
    scl_node *nn = scl_arena_alloc(t->arena, (size_t)nc * sizeof(scl_node));
    if (t->count)
      memcpy(nn, t->nodes, (size_t)t->count * sizeof(scl_node));
    t->nodes = nn;
    t->cap = nc;
  }
  uint32_t i = t->count++;
  t->nodes[i] = *proto;
  t->nodes[i].end = i + 1;
  return i;
}

void scl_tree_close(scl_tree *t, uint32_t index)
{
  t->nodes[index].end = t->count;
}

/* ==== queries =========================================================== */

uint32_t scl_tree_first_child(const scl_tree *t, uint32_t node)
{
  uint32_t c = node + 1;
  return c < t->nodes[node].end ? c : SCL_NO_NODE;
}

uint32_t scl_tree_next_sibling(const scl_tree *t, uint32_t node)
{
  uint32_t p = t->nodes[node].parent;
  if (p == SCL_NO_NODE)
    return SCL_NO_NODE;
  uint32_t n = t->nodes[node].end;
  return n < t->nodes[p].end ? n : SCL_NO_NODE;
}

uint32_t scl_tree_child_by_field(const scl_tree *t, uint32_t node, uint16_t field)
{
  for (uint32_t c = scl_tree_first_child(t, node); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(t, c))
    if (t->nodes[c].field == field)
      return c;
  return SCL_NO_NODE;
}

const char *scl_tree_text(const scl_tree *t, uint32_t node, size_t *len_out)
{
  const scl_node *n = &t->nodes[node];
  uint32_t s = n->start_byte, e = n->end_byte;
  if (s > t->src_len)
    s = (uint32_t)t->src_len;
  if (e > t->src_len)
    e = (uint32_t)t->src_len;
  if (e < s)
    e = s;
  *len_out = e - s;
  return t->src + s;
}

const char *scl_tree_kind_name(const scl_tree *t, uint32_t node)
{
  return scl_kinds_kind_name(t->kinds, t->nodes[node].kind);
}

/* ==== positions ========================================================= */

#include "scalint/finding.h"

/* Start of 0-based row, found by scanning back from a byte on that row. */
static uint32_t line_start(const scl_tree *t, uint32_t byte)
{
  if (byte > t->src_len)
    byte = (uint32_t)t->src_len;
  while (byte > 0 && t->src[byte - 1] != '\n')
    byte--;
  return byte;
}

/* Bytes in the well-formed UTF-8 sequence at src[i], or 1 for a byte that
 * does not start one (stray continuation, truncated sequence). */
static uint32_t utf8_seq_len(const scl_tree *t, uint32_t i)
{
  unsigned char c = (unsigned char)t->src[i];
  uint32_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > t->src_len)
    return 1;
  for (uint32_t k = 1; k < len; k++)
    if (((unsigned char)t->src[i + k] & 0xC0) != 0x80)
      return 1;
  return len;
}

/* Bytes of the UTF-8 byte order mark the file starts with: 3, or 0. Editors
 * do not show it, so it takes no column and is not part of line 1's text. */
static uint32_t bom_len(const scl_tree *t)
{
  return t->src_len >= 3 && memcmp(t->src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static uint32_t codepoint_col(const scl_tree *t, uint32_t byte)
{
  uint32_t col = 1;
  uint32_t i = line_start(t, byte);
  if (i == 0 && byte >= bom_len(t))
    i = bom_len(t);
  for (; i < byte && i < t->src_len; i += utf8_seq_len(t, i))
    col++;
  return col;
}

void scl_tree_span(struct scl_span *out, const scl_tree *t, uint32_t node)
{
  const scl_node *n = &t->nodes[node];
  out->start_line = n->start_row + 1;
  out->end_line = n->end_row + 1;
  out->start_byte = n->start_byte;
  out->end_byte = n->end_byte;
  out->start_col = codepoint_col(t, n->start_byte);
  out->end_col = codepoint_col(t, n->end_byte);
}

const char *scl_tree_line_text(const scl_tree *t, uint32_t row, size_t *len_out)
{
  /* count newlines from the start: one lookup per finding, so a linear scan
   * is fine */
  size_t i = 0;
  uint32_t r = 0;
  while (r < row && i < t->src_len) {
    const char *nl = memchr(t->src + i, '\n', t->src_len - i);
    if (!nl) {
      i = t->src_len;
      break;
    }
    i = (size_t)(nl - t->src) + 1;
    r++;
  }
  if (r == 0)
    i = bom_len(t);
  size_t e = i;
  while (e < t->src_len && t->src[e] != '\n')
    e++;
  if (e > i && t->src[e - 1] == '\r')
    e--;
  *len_out = e - i;
  return t->src + i;
}

bool scl_tree_int_value(const scl_tree *t, uint32_t node, int64_t *out)
{
  if (!t->values || !t->has_value || node >= t->count || !t->has_value[node])
    return false;
  *out = t->values[node];
  return true;
}
