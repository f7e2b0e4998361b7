/*
 * pattern.c - compiles structural patterns (pattern.h) and matches them
 * against scl_tree.
 *
 * Compilation is a recursive-descent parser over the S-expression text. It
 * resolves every kind and field name against the language's scl_kinds and
 * builds an immutable graph of pattern nodes in the caller's arena. Matching
 * walks that graph over the flat preorder tree with plain recursion, either
 * committing to the first match or, in continuation-passing style, offering
 * every match to a caller's accept function.
 *
 * Must not: print or exit; allocate or write anything but the caller's
 * scl_captures while matching (one compiled pattern is shared by all worker
 * threads); recurse deeper than the pattern's own size. Nesting is capped at
 * MAX_DEPTH and the whole pattern at MAX_STEPS, so the matcher's stack is
 * bounded by the rule author's pattern, never by the scanned tree.
 */
#include "engine/pattern.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/limits.h"

/* Nesting of (...) and [...] in one pattern. Readable patterns stay under
 * 10 levels; 64 keeps the parser's and the matcher's recursion shallow. */
#define MAX_DEPTH 64

/* Pattern nodes (kinds, tokens, wildcards, alternatives) in one pattern.
 * Either matcher's stack depth is at most a few small frames per node;
 * 512 is ten times a large hand-written pattern. */
#define MAX_STEPS 512

/* ==== pattern graph ===================================================== */

typedef enum pnode_type {
  PN_KIND,       /* a node of exactly this kind id (named or token) */
  PN_ANY_NAMED,  /* (_ ...) */
  PN_ANY,        /* bare _ */
  PN_ALT         /* [ ... ]: the first alternative that matches */
} pnode_type;

enum {
  PF_TOKEN_LIKE = 1 << 0,    /* a string, bare _, or [...] holding one: as an
                                unfielded child it is tried on every child */
  PF_HAS_CAPTURES = 1 << 1,  /* this node or a descendant binds a capture */
  PF_ANCHOR_PREV = 1 << 2,   /* ". p": first of its child set, or right after
                                the previous sequence item's match */
  PF_ANCHOR_LAST = 1 << 3    /* "p .": last of its child set */
};

/*
 * pnode - one step of a compiled pattern. Each pnode sits in exactly one
 * list (the root, or one of its parent's lists) linked through next.
 *   field         for a fielded child or a negated field: the field id
 *   capture_mask  bit i set = binds scl_pattern.names[i] to the node
 *   negated       !field items (only field is used)
 *   fielded       field: p items, checked in order, first candidate wins
 *   seq           unfielded children, matched in order with backtracking
 *   alts          PN_ALT's alternatives
 */
typedef struct pnode pnode;
struct pnode {
  uint8_t type;
  uint8_t flags;
  uint16_t kind;
  uint16_t field;
  uint32_t capture_mask;
  pnode *negated;
  pnode *fielded;
  pnode *seq;
  pnode *alts;
  pnode *next;
};

/*
 * scl_pattern - a compiled pattern, immutable once scl_pattern_compile()
 * returns; everything lives in the compile arena.
 */
struct scl_pattern {
  const pnode *root;
  const uint16_t *root_kinds;  /* NULL when the root can be any node */
  size_t root_kind_count;
  const char *names[SCL_MAX_CAPTURES];  /* distinct capture names, first use first */
  size_t name_count;
};

/* ==== parser: input and errors ========================================== */

/*
 * parser - state of one scl_pattern_compile() call.
 *   pos    byte offset of the next unread character of text
 *   steps  pnodes created so far (capped at MAX_STEPS)
 */
typedef struct parser {
  const char *text;
  size_t pos;
  const scl_kinds *kinds;
  scl_arena *arena;
  scl_diag *diag;
  scl_pattern *pat;
  unsigned steps;
} parser;

/* 1-based line and column (in code points) of byte off. */
static void text_position(const char *text, size_t off, unsigned *line, unsigned *col)
{
  unsigned l = 1, c = 1;
  for (size_t i = 0; i < off && text[i] != '\0'; i++) {
    if (text[i] == '\n') {
      l++;
      c = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static scl_status fail_at(parser *ps, size_t off, const char *fmt, ...)
{
  char msg[SCL_DIAG_SIZE];
  unsigned line, col;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (n < 0)
    msg[0] = '\0';
  else if ((size_t)n >= sizeof(msg))
    memcpy(msg + sizeof(msg) - 4, "...", 4);
  text_position(ps->text, off, &line, &col);
  return scl_diag_set_at(ps->diag, SCL_ERULE, "", line, col, "%s", msg);
}

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

static size_t ident_len(const char *s)
{
  size_t n = 0;
  if (!is_ident_start(s[0]))
    return 0;
  while (is_ident_char(s[n]))
    n++;
  return n;
}

static char ascii_lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_case_equal(const char *a, const char *b)
{
  while (*a && ascii_lower(*a) == ascii_lower(*b)) {
    a++;
    b++;
  }
  return *a == '\0' && *b == '\0';
}

/* Skips whitespace and ; comments. */
static void skip_space(parser *ps)
{
  for (;;) {
    char c = ps->text[ps->pos];
    if (is_space(c)) {
      ps->pos++;
    } else if (c == ';') {
      while (ps->text[ps->pos] != '\0' && ps->text[ps->pos] != '\n')
        ps->pos++;
    } else {
      return;
    }
  }
}

/* "expected WHAT" for the character at off, with a specific message for the
 * characters that are valid only elsewhere. */
static scl_status unexpected(parser *ps, size_t off, const char *what)
{
  char c = ps->text[off];
  switch (c) {
  case '\0': return fail_at(ps, off, "expected %s, found the end of the pattern", what);
  case ')':
  case ']': return fail_at(ps, off, "expected %s, found '%c'", what, c);
  case '.':
    return fail_at(ps, off, "anchor '.' is only allowed between child patterns inside (...)");
  case '@': return fail_at(ps, off, "capture '@' must follow a pattern");
  case '!': return fail_at(ps, off, "negated field '!' is only allowed inside (...)");
  default: break;
  }
  if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
    return fail_at(ps, off, "unexpected character '%c', expected %s", c, what);
  return fail_at(ps, off, "unexpected byte 0x%02x, expected %s", (unsigned)(unsigned char)c,
                 what);
}

/* ')' or ']' where no pattern is open. */
static scl_status top_level_close(parser *ps, size_t off)
{
  if (ps->text[off] == ')')
    return fail_at(ps, off, "unbalanced parentheses: ')' has no matching '('");
  return fail_at(ps, off, "unbalanced brackets: ']' has no matching '['");
}

/* Unknown kind: say so, with a hint when the name exists as the other kind
 * of node (named vs token) or with different case. */
static scl_status unknown_kind(parser *ps, size_t off, const char *name, bool is_named)
{
  const scl_kinds *k = ps->kinds;
  const char *open = is_named ? "'" : "\"";
  const char *close = open;
  if (scl_kinds_find_kind(k, name, !is_named)) {
    if (is_named)
      return fail_at(ps, off, "unknown node kind '%s'; did you mean the token \"%s\"?", name,
                     name);
    return fail_at(ps, off, "unknown node kind \"%s\"; did you mean the named node (%s)?", name,
                   name);
  }
  uint16_t best = 0;
  for (uint16_t i = 1; i < k->kind_count; i++) {
    if (!ascii_case_equal(k->kinds[i].name, name))
      continue;
    if (!best || k->kinds[i].is_named == is_named)
      best = i;
  }
  if (best) {
    bool named = k->kinds[best].is_named;
    return fail_at(ps, off, "unknown node kind %s%s%s; did you mean %s%s%s?", open, name, close,
                   named ? "(" : "\"", k->kinds[best].name, named ? ")" : "\"");
  }
  return fail_at(ps, off, "unknown node kind %s%s%s", open, name, close);
}

static scl_status unknown_field(parser *ps, size_t off, const char *name)
{
  const scl_kinds *k = ps->kinds;
  for (uint16_t i = 1; i < k->field_count; i++)
    if (ascii_case_equal(k->fields[i], name))
      return fail_at(ps, off, "unknown field '%s'; did you mean '%s'?", name, k->fields[i]);
  return fail_at(ps, off, "unknown field '%s'", name);
}

/* ==== parser: grammar =================================================== */

static scl_status parse_pattern(parser *ps, unsigned depth, pnode **out);

static scl_status new_pnode(parser *ps, size_t off, pnode_type type, pnode **out)
{
  if (ps->steps >= MAX_STEPS)
    return fail_at(ps, off, "pattern too large: more than %d nodes", MAX_STEPS);
  ps->steps++;
  *out = scl_arena_alloc(ps->arena, sizeof(pnode));
  (*out)->type = (uint8_t)type;
  return SCL_OK;
}

/* Index of capture name s[0..len) in the pattern's name table, adding it. */
static scl_status intern_capture(parser *ps, size_t off, const char *s, size_t len,
                                 unsigned *index_out)
{
  scl_pattern *pat = ps->pat;
  for (size_t i = 0; i < pat->name_count; i++) {
    if (strlen(pat->names[i]) == len && memcmp(pat->names[i], s, len) == 0) {
      *index_out = (unsigned)i;
      return SCL_OK;
    }
  }
  if (pat->name_count >= SCL_MAX_CAPTURES)
    return fail_at(ps, off, "more than %d distinct capture names in one pattern",
                   SCL_MAX_CAPTURES);
  pat->names[pat->name_count] = scl_arena_strndup(ps->arena, s, len);
  *index_out = (unsigned)pat->name_count++;
  return SCL_OK;
}

/* Zero or more "@name" after a pattern. Names are [A-Za-z_][A-Za-z0-9_.-]*,
 * without a trailing '.' or '-' so that "@x .)" and "@x.)" read alike. */
static scl_status parse_captures(parser *ps, pnode *pn)
{
  for (;;) {
    skip_space(ps);
    if (ps->text[ps->pos] != '@')
      return SCL_OK;
    size_t at = ps->pos++;
    const char *s = ps->text + ps->pos;
    size_t len = 0;
    if (is_ident_start(s[0]))
      while (is_ident_char(s[len]) || s[len] == '.' || s[len] == '-')
        len++;
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == '-'))
      len--;
    if (len == 0)
      return fail_at(ps, at, "expected a capture name after '@'");
    unsigned index = 0;
    scl_status st = intern_capture(ps, at, s, len, &index);
    if (st != SCL_OK)
      return st;
    pn->capture_mask |= 1u << index;
    pn->flags |= PF_HAS_CAPTURES;
    ps->pos += len;
  }
}

/* "tok" with \" \\ \n \t \r escapes: an anonymous node of that kind. */
static scl_status parse_token(parser *ps, pnode **out)
{
  const char *text = ps->text;
  size_t open = ps->pos, i = open + 1, len = 0;
  while (text[i] != '\0' && text[i] != '"') {
    if (text[i] == '\\' && text[i + 1] != '\0')
      i++;
    i++;
    len++;
  }
  if (text[i] == '\0')
    return fail_at(ps, open, "unterminated string");
  if (len == 0)
    return fail_at(ps, open, "empty token \"\"");
  char *name = scl_arena_alloc(ps->arena, len + 1);
  size_t n = 0;
  for (size_t j = open + 1; j < i; j++) {
    char c = text[j];
    if (c == '\\') {
      char e = text[++j];
      switch (e) {
      case '"': case '\\': c = e; break;
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      default:
        return fail_at(ps, j - 1, "unknown escape in string (use \\\" \\\\ \\n \\t or \\r)");
      }
    }
    name[n++] = c;
  }
  name[n] = '\0';
  uint16_t kind = scl_kinds_find_kind(ps->kinds, name, false);
  if (!kind)
    return unknown_kind(ps, open, name, false);
  scl_status st = new_pnode(ps, open, PN_KIND, out);
  if (st != SCL_OK)
    return st;
  (*out)->kind = kind;
  (*out)->flags = PF_TOKEN_LIKE;
  ps->pos = i + 1;
  return SCL_OK;
}

/* A name outside parentheses: only _ is a pattern. */
static scl_status parse_bare(parser *ps, pnode **out)
{
  size_t at = ps->pos, len = ident_len(ps->text + at);
  if (len == 1 && ps->text[at] == '_') {
    scl_status st = new_pnode(ps, at, PN_ANY, out);
    if (st != SCL_OK)
      return st;
    (*out)->flags = PF_TOKEN_LIKE;
    ps->pos++;
    return SCL_OK;
  }
  int n = len > 200 ? 200 : (int)len;
  ps->pos += len;
  skip_space(ps);
  if (ps->text[ps->pos] == ':')
    return fail_at(ps, at, "field '%.*s:' is only allowed inside (...)", n, ps->text + at);
  return fail_at(ps, at, "bare name '%.*s': write (%.*s) for a node or \"%.*s\" for a token", n,
                 ps->text + at, n, ps->text + at, n, ps->text + at);
}

/* After '!' or before ':': a field name, resolved to its id. */
static scl_status parse_field_name(parser *ps, uint16_t *field_out)
{
  size_t at = ps->pos, len = ident_len(ps->text + at);
  if (len == 0)
    return fail_at(ps, at, "expected a field name");
  const char *name = scl_arena_strndup(ps->arena, ps->text + at, len);
  *field_out = scl_kinds_find_field(ps->kinds, name);
  if (!*field_out)
    return unknown_field(ps, at, name);
  ps->pos = at + len;
  return SCL_OK;
}

typedef enum prev_item { PREV_NONE, PREV_SEQ, PREV_OTHER } prev_item;

static void append(pnode **head, pnode **tail, pnode *pn)
{
  if (*tail)
    (*tail)->next = pn;
  else
    *head = pn;
  *tail = pn;
}

/* An item inside (kind ...): "!field", "field: p" or an unfielded p. Sets
 * *field_out (0 when unfielded) and *negated_out. */
static scl_status parse_item(parser *ps, unsigned depth, pnode **out, uint16_t *field_out,
                             bool *negated_out)
{
  size_t at = ps->pos;
  scl_status st;
  *field_out = 0;
  *negated_out = false;
  if (ps->text[at] == '!') {
    ps->pos++;
    st = parse_field_name(ps, field_out);
    if (st != SCL_OK)
      return st;
    *negated_out = true;
    st = new_pnode(ps, at, PN_ANY, out);
    if (st == SCL_OK)
      (*out)->field = *field_out;
    return st;
  }
  size_t len = ident_len(ps->text + at);
  if (len > 0) {
    ps->pos = at + len;
    skip_space(ps);
    bool is_field = ps->text[ps->pos] == ':';
    ps->pos = at;
    if (is_field) {
      st = parse_field_name(ps, field_out);
      if (st != SCL_OK)
        return st;
      skip_space(ps);
      ps->pos++; /* ':' */
    }
  }
  st = parse_pattern(ps, depth, out);
  if (st == SCL_OK)
    (*out)->field = *field_out;
  return st;
}

/* The items of (kind ...) up to and including ')'. open is the '(' offset. */
static scl_status parse_items(parser *ps, unsigned depth, size_t open, pnode *pn)
{
  pnode *seq_tail = NULL, *field_tail = NULL, *neg_tail = NULL;
  prev_item prev = PREV_NONE;
  bool anchor = false;
  size_t anchor_at = 0;
  unsigned ol, oc;
  text_position(ps->text, open, &ol, &oc);
  for (;;) {
    skip_space(ps);
    size_t at = ps->pos;
    char c = ps->text[at];
    if (c == '\0')
      return fail_at(ps, open, "unbalanced parentheses: '(' is never closed");
    if (c == ']')
      return fail_at(ps, at, "unbalanced brackets: ']' closes the '(' at %u:%u", ol, oc);
    if (c == ')') {
      ps->pos++;
      if (!anchor)
        return SCL_OK;
      if (prev != PREV_SEQ)
        return fail_at(ps, anchor_at, "anchor '.' must follow or precede a child pattern");
      seq_tail->flags |= PF_ANCHOR_LAST;
      return SCL_OK;
    }
    if (c == '.') {
      if (anchor)
        return fail_at(ps, at, "anchor '.' repeated");
      if (prev == PREV_OTHER)
        return fail_at(ps, at, "anchor '.' must sit next to a child pattern without a field");
      anchor = true;
      anchor_at = at;
      ps->pos++;
      continue;
    }
    pnode *child = NULL;
    uint16_t field;
    bool negated;
    scl_status st = parse_item(ps, depth, &child, &field, &negated);
    if (st != SCL_OK)
      return st;
    if (anchor && (field || negated))
      return fail_at(ps, anchor_at, "anchor '.' must sit next to a child pattern without a field");
    pn->flags |= child->flags & PF_HAS_CAPTURES;
    if (negated) {
      append(&pn->negated, &neg_tail, child);
      prev = PREV_OTHER;
    } else if (field) {
      append(&pn->fielded, &field_tail, child);
      prev = PREV_OTHER;
    } else {
      if (anchor)
        child->flags |= PF_ANCHOR_PREV;
      anchor = false;
      append(&pn->seq, &seq_tail, child);
      prev = PREV_SEQ;
    }
  }
}

/* (kind item...) or (_ item...). */
static scl_status parse_node(parser *ps, unsigned depth, pnode **out)
{
  size_t open = ps->pos++;
  skip_space(ps);
  size_t at = ps->pos;
  const char *text = ps->text;
  size_t len = ident_len(text + at);
  scl_status st;
  if (len == 0) {
    if (text[at] == '\0')
      return fail_at(ps, open, "unbalanced parentheses: '(' is never closed");
    if (text[at] == '"')
      return fail_at(ps, at, "a token is written without parentheses, as \"tok\"");
    return unexpected(ps, at, "a node kind after '('");
  }
  if (len == 1 && text[at] == '_') {
    st = new_pnode(ps, open, PN_ANY_NAMED, out);
  } else {
    const char *name = scl_arena_strndup(ps->arena, text + at, len);
    uint16_t kind = scl_kinds_find_kind(ps->kinds, name, true);
    if (!kind)
      return unknown_kind(ps, at, name, true);
    st = new_pnode(ps, open, PN_KIND, out);
    if (st == SCL_OK)
      (*out)->kind = kind;
  }
  if (st != SCL_OK)
    return st;
  ps->pos = at + len;
  return parse_items(ps, depth + 1, open, *out);
}

/* [ alternative... ]. */
static scl_status parse_alternatives(parser *ps, unsigned depth, pnode **out)
{
  size_t open = ps->pos++;
  pnode *tail = NULL;
  unsigned ol, oc;
  scl_status st = new_pnode(ps, open, PN_ALT, out);
  if (st != SCL_OK)
    return st;
  text_position(ps->text, open, &ol, &oc);
  for (;;) {
    skip_space(ps);
    size_t at = ps->pos;
    char c = ps->text[at];
    if (c == '\0')
      return fail_at(ps, open, "unbalanced brackets: '[' is never closed");
    if (c == ')')
      return fail_at(ps, at, "unbalanced parentheses: ')' closes the '[' at %u:%u", ol, oc);
    if (c == '.')
      return fail_at(ps, at, "anchor '.' is not allowed inside [...]");
    if (c == ']') {
      ps->pos++;
      if (!(*out)->alts)
        return fail_at(ps, open, "empty alternatives []");
      return SCL_OK;
    }
    pnode *alt;
    st = parse_pattern(ps, depth + 1, &alt);
    if (st != SCL_OK)
      return st;
    (*out)->flags |= alt->flags & (PF_TOKEN_LIKE | PF_HAS_CAPTURES);
    append(&(*out)->alts, &tail, alt);
  }
}

/* One pattern and its captures; depth counts enclosing (...) and [...]. */
static scl_status parse_pattern(parser *ps, unsigned depth, pnode **out)
{
  skip_space(ps);
  size_t at = ps->pos;
  char c = ps->text[at];
  scl_status st;
  if ((c == '(' || c == '[') && depth >= MAX_DEPTH)
    return fail_at(ps, at, "pattern nesting deeper than %d levels", MAX_DEPTH);
  if (c == '(')
    st = parse_node(ps, depth, out);
  else if (c == '[')
    st = parse_alternatives(ps, depth, out);
  else if (c == '"')
    st = parse_token(ps, out);
  else if (is_ident_start(c))
    st = parse_bare(ps, out);
  else if ((c == ')' || c == ']') && depth == 0)
    return top_level_close(ps, at);
  else
    return unexpected(ps, at, "a pattern");
  if (st != SCL_OK)
    return st;
  return parse_captures(ps, *out);
}

/* Adds the root's possible kinds to kinds[*count] (deduplicated); false
 * when the root can be any node. */
static bool collect_root_kinds(const pnode *pn, uint16_t *kinds, size_t *count)
{
  switch ((pnode_type)pn->type) {
  case PN_KIND:
    for (size_t i = 0; i < *count; i++)
      if (kinds[i] == pn->kind)
        return true;
    kinds[(*count)++] = pn->kind;
    return true;
  case PN_ALT:
    for (const pnode *a = pn->alts; a; a = a->next)
      if (!collect_root_kinds(a, kinds, count))
        return false;
    return true;
  case PN_ANY_NAMED:
  case PN_ANY: break;
  }
  return false;
}

scl_status scl_pattern_compile(scl_pattern **out, const char *text, const scl_kinds *kinds,
                               scl_arena *arena, scl_diag *diag)
{
  *out = NULL;
  if (!text || !kinds || !arena)
    return scl_diag_set(diag, SCL_EINVAL, "scl_pattern_compile: NULL argument");
  parser ps = { text, 0, kinds, arena, diag, NULL, 0 };
  ps.pat = scl_arena_alloc(arena, sizeof(scl_pattern));
  skip_space(&ps);
  if (text[ps.pos] == '\0')
    return fail_at(&ps, ps.pos, "empty pattern");
  pnode *root;
  scl_status st = parse_pattern(&ps, 0, &root);
  if (st != SCL_OK)
    return st;
  skip_space(&ps);
  char c = text[ps.pos];
  if (c == '.')
    return unexpected(&ps, ps.pos, "the end of the pattern");
  if (c == ')' || c == ']')
    return top_level_close(&ps, ps.pos);
  if (c != '\0')
    return fail_at(&ps, ps.pos,
                   "trailing input after the pattern (write one pattern; use [...] for either)");
  uint16_t *root_kinds = scl_arena_alloc(arena, ps.steps * sizeof(uint16_t));
  size_t count = 0;
  if (collect_root_kinds(root, root_kinds, &count)) {
    ps.pat->root_kinds = root_kinds;
    ps.pat->root_kind_count = count;
  }
  ps.pat->root = root;
  *out = ps.pat;
  return SCL_OK;
}

size_t scl_pattern_root_kinds(const scl_pattern *p, const uint16_t **kinds_out)
{
  *kinds_out = p->root_kinds;
  return p->root_kind_count;
}

size_t scl_pattern_capture_names(const scl_pattern *p, const char *const **names_out)
{
  *names_out = p->names;
  return p->name_count;
}

/* ==== matcher =========================================================== */

/* matcher - the arguments every match_* function shares, on the caller's stack. */
typedef struct matcher {
  const scl_pattern *p;
  const scl_tree *t;
  scl_captures *caps;
} matcher;

static bool match_node(const matcher *m, const pnode *pn, uint32_t node);

uint32_t scl_captures_get(const scl_captures *caps, const char *name)
{
  if (!caps)
    return SCL_NO_NODE;
  for (unsigned i = caps->count; i-- > 0;) {
    const char *n = caps->items[i].name;
    if (n == name || strcmp(n, name) == 0)
      return caps->items[i].node;
  }
  return SCL_NO_NODE;
}

static bool same_text(const scl_tree *t, uint32_t a, uint32_t b)
{
  size_t la, lb;
  if (a == b)
    return true;
  const char *sa = scl_tree_text(t, a, &la);
  const char *sb = scl_tree_text(t, b, &lb);
  return la == lb && (la == 0 || memcmp(sa, sb, la) == 0);
}

/* Binds the names in mask to node. A name already bound requires the same
 * text and is not bound again. False (caller restores caps) on a text
 * mismatch or when caps is full. */
static bool bind_captures(const matcher *m, uint32_t mask, uint32_t node)
{
  scl_captures *caps = m->caps;
  for (unsigned i = 0; mask != 0; i++, mask >>= 1) {
    if (!(mask & 1u))
      continue;
    const char *name = m->p->names[i];
    uint32_t bound = scl_captures_get(caps, name);
    if (bound != SCL_NO_NODE) {
      if (!same_text(m->t, bound, node))
        return false;
      continue;
    }
    if (caps->count >= SCL_MAX_CAPTURES)
      return false;
    caps->items[caps->count].name = name;
    caps->items[caps->count].node = node;
    caps->count++;
  }
  return true;
}

static bool has_field_child(const scl_node *nodes, uint32_t node, uint16_t field)
{
  uint32_t end = nodes[node].end;
  for (uint32_t c = node + 1; c < end; c = nodes[c].end)
    if (nodes[c].field == field)
      return true;
  return false;
}

/* field: p - the first child under f->field that matches f. */
static bool match_field(const matcher *m, const pnode *f, uint32_t node)
{
  const scl_node *nodes = m->t->nodes;
  uint32_t end = nodes[node].end;
  for (uint32_t c = node + 1; c < end; c = nodes[c].end)
    if (nodes[c].field == f->field && match_node(m, f, c))
      return true;
  return false;
}

/* Sequence items item, item->next, ... against parent's children after the
 * child `after` (SCL_NO_NODE: from the first). Backtracks over candidates. */
static bool match_seq(const matcher *m, const pnode *item, uint32_t parent, uint32_t after)
{
  const scl_node *nodes = m->t->nodes;
  uint32_t end = nodes[parent].end;
  uint32_t c = after == SCL_NO_NODE ? parent + 1 : nodes[after].end;
  bool all = (item->flags & PF_TOKEN_LIKE) != 0;
  if (item->flags & PF_ANCHOR_LAST) {
    /* the parser sets this on the last sequence item only */
    assert(!item->next);
    uint32_t first = SCL_NO_NODE, last = SCL_NO_NODE;
    for (; c < end; c = nodes[c].end) {
      if (!all && !nodes[c].is_named)
        continue;
      if (first == SCL_NO_NODE)
        first = c;
      last = c;
    }
    if (last == SCL_NO_NODE || ((item->flags & PF_ANCHOR_PREV) && first != last))
      return false;
    return match_node(m, item, last);
  }
  for (; c < end; c = nodes[c].end) {
    if (!all && !nodes[c].is_named)
      continue;
    unsigned save = m->caps->count;
    if (match_node(m, item, c)) {
      if (!item->next || match_seq(m, item->next, parent, c))
        return true;
      m->caps->count = save;
      /* The rest failed after c. If this item bound nothing and the next one
       * is not anchored to it, the rest starts from the same captures and a
       * subset of positions after any later c, so it fails there too. */
      if (!(item->flags & PF_HAS_CAPTURES) && !(item->next->flags & PF_ANCHOR_PREV))
        return false;
    }
    if (item->flags & PF_ANCHOR_PREV)
      return false;
  }
  return false;
}

/* The checks on node itself: its kind and the !field items. */
static bool node_fits(const matcher *m, const pnode *pn, uint32_t node)
{
  const scl_node *n = &m->t->nodes[node];
  switch ((pnode_type)pn->type) {
  case PN_KIND:
    if (n->kind != pn->kind)
      return false;
    break;
  case PN_ANY_NAMED:
    if (!n->is_named)
      return false;
    break;
  case PN_ANY:
  case PN_ALT: break;
  }
  for (const pnode *neg = pn->negated; neg; neg = neg->next)
    if (has_field_child(m->t->nodes, node, neg->field))
      return false;
  return true;
}

/* pn with its root at node. Leaves caps as it found them on failure. */
static bool match_node(const matcher *m, const pnode *pn, uint32_t node)
{
  if (!node_fits(m, pn, node))
    return false;
  unsigned save = m->caps->count;
  if (pn->capture_mask && !bind_captures(m, pn->capture_mask, node))
    goto fail;
  if (pn->type == PN_ALT) {
    /* a failed alternative has already restored caps */
    for (const pnode *a = pn->alts; a; a = a->next)
      if (match_node(m, a, node))
        return true;
    goto fail;
  }
  for (const pnode *f = pn->fielded; f; f = f->next)
    if (!match_field(m, f, node))
      goto fail;
  if (pn->seq && !match_seq(m, pn->seq, node, SCL_NO_NODE))
    goto fail;
  return true;

fail:
  m->caps->count = save;
  return false;
}

bool scl_pattern_match(const scl_pattern *p, const scl_tree *t, uint32_t node,
                       scl_captures *caps)
{
  scl_captures scratch;
  assert(node < t->count);
  if (!caps) {
    scratch.count = 0;
    caps = &scratch;
  }
  matcher m = { p, t, caps };
  return match_node(&m, p->root, node);
}

/* ==== enumerating matcher =============================================== */

/*
 * scl_pattern_match_each() walks the same choices as the first-match
 * matcher above (fielded children, alternatives, sequence positions) but
 * does not commit to the first one that works: it is written in
 * continuation-passing style. Each each_* function takes, besides its own
 * work, the continuation k - what is left to match once its part has
 * matched - and returns true only when a complete match reached accept()
 * and was accepted. On false it has restored caps, and the caller moves on
 * to its next choice.
 *
 * Continuations are frames on the C stack, each linked to the one of the
 * enclosing pattern node, so the stack grows by a few frames per pattern
 * node on the path to the current choice: bounded by MAX_STEPS, as for the
 * first-match matcher, never by the tree. Subpatterns that bind no capture
 * cannot change what the continuation sees, so they are matched with the
 * first-match matcher and never enumerated; this also keeps the same
 * capture set from being offered twice for most patterns.
 */

/* Pattern nodes one scl_pattern_match_each() call may try before it gives
 * up: 256 per complete match it may offer. A pattern whose captures sit on
 * the children of a 5,000-element list needs about 5,000; only patterns
 * with several capturing items in one sequence over long lists come near
 * the cap, and their number of combinations grows with the product of the
 * list lengths. */
#define MAX_EACH_STEPS ((unsigned)SCL_MAX_PATTERN_MATCHES * 256u)

typedef enum cont_type {
  K_ACCEPT, /* a complete match: offer caps to accept() */
  K_FIELDS, /* pn's fielded items from item on, then its sequence, at node */
  K_SEQ     /* sequence items from item on, after child `after` of node */
} cont_type;

/*
 * cont - what remains to match once the current pattern node has matched.
 *   pn     the pattern node whose items remain (K_FIELDS)
 *   item   the first remaining item; never NULL for K_SEQ
 *   node   the tree node pn (or the sequence's parent) matched
 *   after  the child the previous sequence item matched (K_SEQ)
 *   next   the enclosing pattern node's continuation (not for K_ACCEPT)
 */
typedef struct cont cont;
struct cont {
  cont_type type;
  const pnode *pn;
  const pnode *item;
  uint32_t node;
  uint32_t after;
  const cont *next;
};

/* enumerator - state of one scl_pattern_match_each() call. */
typedef struct enumerator {
  matcher m;                    /* for capture-free subpatterns */
  scl_pattern_accept_fn accept;
  void *payload;
  unsigned offered;             /* complete matches offered to accept */
  unsigned steps;               /* pattern nodes tried at some tree node so far */
  bool is_capped;               /* a cap was hit: unwind without trying more */
} enumerator;

static bool each_node(enumerator *e, const pnode *pn, uint32_t node, const cont *k);
static bool each_fields(enumerator *e, const pnode *pn, const pnode *f, uint32_t node,
                        const cont *k);
static bool each_seq(enumerator *e, const pnode *item, uint32_t parent, uint32_t after,
                     const cont *k);

/* Counts one step; false (and the search capped) past MAX_EACH_STEPS. */
static bool step(enumerator *e)
{
  if (++e->steps <= MAX_EACH_STEPS)
    return true;
  e->is_capped = true;
  return false;
}

static bool resume(enumerator *e, const cont *k)
{
  switch (k->type) {
  case K_ACCEPT:
    if (e->offered >= SCL_MAX_PATTERN_MATCHES) {
      e->is_capped = true;
      return false;
    }
    e->offered++;
    return e->accept(e->m.caps, e->payload);
  case K_FIELDS: return each_fields(e, k->pn, k->item, k->node, k->next);
  case K_SEQ: return each_seq(e, k->item, k->node, k->after, k->next);
  }
  return false;
}

/* Fielded items f, f->next, ... of pn at node, then pn's sequence, then k. */
static bool each_fields(enumerator *e, const pnode *pn, const pnode *f, uint32_t node,
                        const cont *k)
{
  if (!f)
    return pn->seq ? each_seq(e, pn->seq, node, SCL_NO_NODE, k) : resume(e, k);
  if (!(f->flags & PF_HAS_CAPTURES)) {
    /* which child matched cannot matter to the rest */
    return match_field(&e->m, f, node) && each_fields(e, pn, f->next, node, k);
  }
  const scl_node *nodes = e->m.t->nodes;
  uint32_t end = nodes[node].end;
  cont rest = { K_FIELDS, pn, f->next, node, SCL_NO_NODE, k };
  for (uint32_t c = node + 1; c < end && !e->is_capped; c = nodes[c].end)
    if (nodes[c].field == f->field && each_node(e, f, c, &rest))
      return true;
  return false;
}

/* item at child c of parent, then the items after it, then k. */
static bool each_item_at(enumerator *e, const pnode *item, uint32_t parent, uint32_t c,
                         const cont *k)
{
  cont rest = { K_SEQ, NULL, item->next, parent, c, k };
  return each_node(e, item, c, item->next ? &rest : k);
}

/* Sequence items item, item->next, ... against parent's children after the
 * child `after` (SCL_NO_NODE: from the first), then k. The candidates and
 * the pruning are match_seq()'s. */
static bool each_seq(enumerator *e, const pnode *item, uint32_t parent, uint32_t after,
                     const cont *k)
{
  const scl_node *nodes = e->m.t->nodes;
  uint32_t end = nodes[parent].end;
  uint32_t c = after == SCL_NO_NODE ? parent + 1 : nodes[after].end;
  bool all = (item->flags & PF_TOKEN_LIKE) != 0;
  bool is_free = !(item->flags & PF_HAS_CAPTURES);
  if (item->flags & PF_ANCHOR_LAST) {
    uint32_t first = SCL_NO_NODE, last = SCL_NO_NODE;
    for (; c < end; c = nodes[c].end) {
      if (!all && !nodes[c].is_named)
        continue;
      if (first == SCL_NO_NODE)
        first = c;
      last = c;
    }
    if (last == SCL_NO_NODE || ((item->flags & PF_ANCHOR_PREV) && first != last))
      return false;
    return each_item_at(e, item, parent, last, k);
  }
  for (; c < end && !e->is_capped; c = nodes[c].end) {
    if (!all && !nodes[c].is_named)
      continue;
    if (!is_free) {
      if (each_item_at(e, item, parent, c, k))
        return true;
    } else if (!step(e)) {
      return false;
    } else if (match_node(&e->m, item, c)) {
      if (item->next ? each_seq(e, item->next, parent, c, k) : resume(e, k))
        return true;
      /* As in match_seq(): the rest sees the same captures from any later
       * c, and a subset of the positions, so it fails there too. */
      if (!item->next || !(item->next->flags & PF_ANCHOR_PREV))
        return false;
    }
    if (item->flags & PF_ANCHOR_PREV)
      return false;
  }
  return false;
}

/* pn with its root at node, then k. */
static bool each_node(enumerator *e, const pnode *pn, uint32_t node, const cont *k)
{
  if (!step(e))
    return false;
  if (!(pn->flags & PF_HAS_CAPTURES))
    return match_node(&e->m, pn, node) && resume(e, k);
  if (!node_fits(&e->m, pn, node))
    return false;
  scl_captures *caps = e->m.caps;
  unsigned save = caps->count;
  if (pn->capture_mask && !bind_captures(&e->m, pn->capture_mask, node))
    goto fail;
  if (pn->type == PN_ALT) {
    bool is_free_done = false;
    for (const pnode *a = pn->alts; a && !e->is_capped; a = a->next) {
      if (a->flags & PF_HAS_CAPTURES) {
        if (each_node(e, a, node, k))
          return true;
      } else if (!is_free_done && match_node(&e->m, a, node)) {
        /* a later capture-free alternative would offer the same captures */
        is_free_done = true;
        if (resume(e, k))
          return true;
      }
    }
    goto fail;
  }
  if (each_fields(e, pn, pn->fielded, node, k))
    return true;

fail:
  caps->count = save;
  return false;
}

bool scl_pattern_match_each(bool *capped_out, const scl_pattern *p, const scl_tree *t,
                            uint32_t node, scl_captures *caps, scl_pattern_accept_fn accept,
                            void *payload)
{
  scl_captures scratch;
  assert(node < t->count);
  assert(accept);
  if (!caps) {
    scratch.count = 0;
    caps = &scratch;
  }
  enumerator e = { { p, t, caps }, accept, payload, 0, 0, false };
  const cont done = { K_ACCEPT, NULL, NULL, node, SCL_NO_NODE, NULL };
  bool is_accepted = each_node(&e, p->root, node, &done);
  if (capped_out)
    *capped_out = !is_accepted && e.is_capped;
  return is_accepted;
}
