/*
 * ts_frontend.c - the tree-sitter back-end: Python, JavaScript (and JSX),
 * TypeScript and TSX.
 *
 * At start-up it checks each grammar's ABI against the runtime and builds the
 * language's scl_kinds from the grammar's own symbol and field names, with
 * O(1) maps from TSSymbol and TSFieldId to our ids. Per file it parses with
 * the worker's TSParser and copies the tree, named and anonymous nodes alike,
 * into the flat preorder scl_tree with a TSTreeCursor, iteratively: nesting
 * depth is bounded by SCL_MAX_TREE_DEPTH, never by the C stack. The TSTree is
 * deleted before returning. Each parse has a time limit that grows with the
 * file's size (SCL_PARSE_MICROS_PER_MB, SCL_PARSE_MIN_MICROS). Must not keep
 * any TSNode or TSTree past a call.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "frontend/fe_internal.h"
#include "frontend/nesting.h"
#include "util/alloc.h"
#include "util/limits.h"
#include "util/vec.h"

/* The grammars, from the scalint_grammars library. */
const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

/* tree-sitter gives ERROR nodes this symbol, outside the grammar's range. */
#define TS_SYMBOL_ERROR ((TSSymbol)UINT16_MAX)

/*
 * ts_grammar - one language's tables, built once by scl_frontend__ts_init.
 *   sym_map    TSSymbol -> kind id (0 for hidden symbols that never appear)
 *   field_map  TSFieldId -> field id
 *   error_kind kind id of "ERROR"
 */
typedef struct ts_grammar {
  scl_lang lang;
  const TSLanguage *(*language)(void);
  scl_kinds kinds;
  uint16_t *sym_map;
  uint32_t sym_count;
  uint16_t *field_map;
  uint32_t field_count;
  uint16_t error_kind;
  bool is_ready;
} ts_grammar;

static ts_grammar grammars[] = {
  { SCL_LANG_PY, tree_sitter_python, { 0 }, NULL, 0, NULL, 0, 0, false },
  { SCL_LANG_JS, tree_sitter_javascript, { 0 }, NULL, 0, NULL, 0, 0, false },
  { SCL_LANG_TS, tree_sitter_typescript, { 0 }, NULL, 0, NULL, 0, 0, false },
  { SCL_LANG_TSX, tree_sitter_tsx, { 0 }, NULL, 0, NULL, 0, 0, false },
};

#define GRAMMAR_COUNT (sizeof(grammars) / sizeof(grammars[0]))

static ts_grammar *grammar_for(scl_lang lang)
{
  for (size_t i = 0; i < GRAMMAR_COUNT; i++)
    if (grammars[i].lang == lang)
      return &grammars[i];
  return NULL;
}

/* ==== start-up: kinds tables ============================================ */

static void grammar_dispose(ts_grammar *g)
{
  scl_kinds_dispose(&g->kinds);
  free(g->sym_map);
  free(g->field_map);
  g->sym_map = NULL;
  g->field_map = NULL;
  g->sym_count = g->field_count = 0;
  g->error_kind = 0;
  g->is_ready = false;
}

static scl_status grammar_build(ts_grammar *g, scl_diag *diag)
{
  const TSLanguage *lang = g->language();
  uint32_t version = ts_language_version(lang);

  if (version < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION ||
      version > TREE_SITTER_LANGUAGE_VERSION)
    return scl_diag_set(diag, SCL_EINTERNAL,
                        "tree-sitter grammar '%s' has ABI version %u but the tree-sitter "
                        "runtime accepts %d to %d: regenerate or re-fetch the grammar for this "
                        "runtime",
                        scl_lang_name(g->lang), version,
                        TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION, TREE_SITTER_LANGUAGE_VERSION);

  scl_kinds_init(&g->kinds);
  g->sym_count = ts_language_symbol_count(lang);
  g->sym_map = scl_xcalloc(g->sym_count ? g->sym_count : 1, sizeof(*g->sym_map));
  for (uint32_t s = 0; s < g->sym_count; s++) {
    TSSymbolType type = ts_language_symbol_type(lang, (TSSymbol)s);
    const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
    if (type == TSSymbolTypeAuxiliary || !name)
      continue; /* hidden: never a node of its own in a tree */
    if (g->kinds.kind_count == UINT16_MAX)
      return scl_diag_set(diag, SCL_EINTERNAL, "grammar '%s' has more than %u node kinds",
                          scl_lang_name(g->lang), (unsigned)UINT16_MAX - 1);
    g->sym_map[s] = scl_kinds_add_kind(&g->kinds, name, type == TSSymbolTypeRegular);
  }
  g->error_kind = scl_kinds_add_kind(&g->kinds, "ERROR", true);

  /* field ids run from 1 to field_count inclusive */
  g->field_count = ts_language_field_count(lang);
  g->field_map = scl_xcalloc((size_t)g->field_count + 1, sizeof(*g->field_map));
  for (uint32_t f = 1; f <= g->field_count; f++) {
    const char *name = ts_language_field_name_for_id(lang, (TSFieldId)f);
    if (name)
      g->field_map[f] = scl_kinds_add_field(&g->kinds, name);
  }
  g->is_ready = true;
  return SCL_OK;
}

scl_status scl_frontend__ts_init(scl_diag *diag)
{
  scl_status st = SCL_OK;

  for (size_t i = 0; i < GRAMMAR_COUNT; i++) {
    if (grammars[i].is_ready)
      continue;
    st = grammar_build(&grammars[i], diag);
    if (st != SCL_OK)
      goto cleanup;
  }

cleanup:
  if (st != SCL_OK)
    scl_frontend__ts_shutdown();
  return st;
}

void scl_frontend__ts_shutdown(void)
{
  for (size_t i = 0; i < GRAMMAR_COUNT; i++)
    grammar_dispose(&grammars[i]);
}

const scl_kinds *scl_frontend__ts_kinds(scl_lang lang)
{
  ts_grammar *g = grammar_for(lang);
  return g && g->is_ready ? &g->kinds : NULL;
}

void *scl_frontend__ts_parser_new(void)
{
  return ts_parser_new();
}

void scl_frontend__ts_parser_free(void *parser)
{
  if (parser)
    ts_parser_delete(parser);
}

/* ==== per file: TSTree -> scl_tree ====================================== */

static void fill_node(scl_node *n, const ts_grammar *g, TSNode node, TSFieldId field,
                      uint32_t parent)
{
  TSSymbol sym = ts_node_symbol(node);
  TSPoint sp = ts_node_start_point(node), ep = ts_node_end_point(node);

  memset(n, 0, sizeof(*n));
  if (sym == TS_SYMBOL_ERROR)
    n->kind = g->error_kind;
  else if (sym < g->sym_count)
    n->kind = g->sym_map[sym];
  n->field = field <= g->field_count ? g->field_map[field] : 0;
  n->parent = parent;
  n->start_byte = ts_node_start_byte(node);
  n->end_byte = ts_node_end_byte(node);
  n->start_row = sp.row;
  n->start_col = sp.column;
  n->end_row = ep.row;
  n->end_col = ep.column;
  n->is_named = ts_node_is_named(node) ? 1 : 0;
  n->has_error = (sym == TS_SYMBOL_ERROR || ts_node_is_missing(node)) ? 1 : 0;
}

/*
 * Walks the tree in preorder with a cursor. open_stack holds the index of
 * every node whose children are being added; its size is the depth.
 */
static scl_status convert(scl_tree *out, const ts_grammar *g, TSTree *tree, const char *path,
                          scl_diag *diag)
{
  TSNode root = ts_tree_root_node(tree);
  TSTreeCursor cur = ts_tree_cursor_new(root);
  SCL_VEC(uint32_t) open_stack = { 0 };
  scl_status st = SCL_OK;
  scl_node proto;

  out->has_errors = ts_node_has_error(root);
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&cur);
    uint32_t parent = open_stack.count ? open_stack.items[open_stack.count - 1] : SCL_NO_NODE;
    fill_node(&proto, g, node, ts_tree_cursor_current_field_id(&cur), parent);
    uint32_t idx = scl_tree_open(out, &proto);
    if (idx == SCL_NO_NODE) {
      st = scl_diag_set_at(diag, SCL_ELIMIT, path, proto.start_row + 1, 0,
                           "more than %u syntax nodes (SCL_MAX_TREE_NODES), file skipped",
                           (unsigned)SCL_MAX_TREE_NODES);
      goto cleanup;
    }
    if (ts_tree_cursor_goto_first_child(&cur)) {
      if (open_stack.count >= SCL_MAX_TREE_DEPTH) {
        st = scl_diag_set_at(diag, SCL_ELIMIT, path, proto.start_row + 1, 0,
                             "nesting deeper than %d (SCL_MAX_TREE_DEPTH), file skipped",
                             SCL_MAX_TREE_DEPTH);
        goto cleanup;
      }
      SCL_VEC_PUSH(&open_stack, idx);
      continue;
    }
    /* a leaf: its end is already idx + 1; climb until a sibling exists */
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur) || open_stack.count == 0)
        goto cleanup;
      scl_tree_close(out, open_stack.items[--open_stack.count]);
    }
  }

cleanup:
  ts_tree_cursor_delete(&cur);
  SCL_VEC_FREE(&open_stack);
  return st;
}

/* The parse time limit for a file of len bytes, in microseconds
 * (SCL_PARSE_MICROS_PER_MB, at least SCL_PARSE_MIN_MICROS). */
static uint64_t parse_time_limit(size_t len)
{
  uint64_t mib = ((uint64_t)len + (1u << 20) - 1) >> 20;
  uint64_t limit = mib * SCL_PARSE_MICROS_PER_MB;
  return limit < SCL_PARSE_MIN_MICROS ? SCL_PARSE_MIN_MICROS : limit;
}

scl_status scl_frontend__ts_parse(scl_tree *out, void *parser, scl_lang lang, const char *path,
                                  const char *src, size_t len, scl_arena *arena,
                                  scl_diag *diag)
{
  ts_grammar *g = grammar_for(lang);
  TSTree *tree = NULL;
  scl_status st = SCL_OK;

  if (!g || !g->is_ready || !parser)
    return scl_diag_set_at(diag, SCL_EINTERNAL, path, 0, 0,
                           "tree-sitter front-end for %s used before scl_frontends_init",
                           scl_lang_name(lang));
  scl_tree_init(out, arena, &g->kinds, src, len);
  if (len > UINT32_MAX)
    return scl_diag_set_at(diag, SCL_ELIMIT, path, 0, 0,
                           "file larger than 4 GiB cannot be parsed, file skipped");
  uint32_t deep_line = 0;
  if (scl_frontend__too_deep(src, len, false, &deep_line))
    return scl_diag_set_at(diag, SCL_ELIMIT, path, deep_line, 0,
                           "brackets nested deeper than %d (SCL_MAX_TREE_DEPTH), file skipped",
                           SCL_MAX_TREE_DEPTH);
  if (!ts_parser_set_language(parser, g->language())) {
    st = scl_diag_set_at(diag, SCL_EINTERNAL, path, 0, 0,
                         "tree-sitter refused the %s grammar", scl_lang_name(lang));
    goto cleanup;
  }
  uint64_t limit = parse_time_limit(len);
  ts_parser_set_timeout_micros(parser, limit);
  tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)len);
  if (!tree) {
    /* the only way a parse with a language set returns no tree is the
     * timeout; reset so the next file starts a new parse, not this one */
    ts_parser_reset(parser);
    st = scl_diag_set_at(diag, SCL_ELIMIT, path, 0, 0,
                         "parse took longer than %llu s (limit: %llu s per MiB, at least %llu s), "
                         "file skipped",
                         (unsigned long long)(limit / 1000000),
                         SCL_PARSE_MICROS_PER_MB / 1000000, SCL_PARSE_MIN_MICROS / 1000000);
    goto cleanup;
  }
  st = convert(out, g, tree, path, diag);

cleanup:
  if (tree)
    ts_tree_delete(tree);
  if (st != SCL_OK)
    out->count = 0;
  return st;
}
