/*
 * facts_int.h - what facts.c and facts_imports.c share inside the engine:
 * the kind and field ids they look up, the per-file scl_facts state and the
 * small tree helpers over it. Nothing outside src/engine/facts*.c includes
 * this header; everyone else uses facts.h.
 *
 * The K_ and F_ enums index the name tables of facts.c (kind_names[],
 * field_names[]): add a name in both places, in the same position.
 */
#ifndef SCL_ENGINE_FACTS_INT_H
#define SCL_ENGINE_FACTS_INT_H

#include <string.h>

#include "engine/facts.h"

/* ==== kind and field ids ================================================ */

/* Every kind name any language's rules below look at. Names are shared by
 * the tree-sitter grammars; which ones matter depends on the language. */
/* Every kind name any language's rules below look at. Names are shared by
 * the tree-sitter grammars; which ones matter depends on the language. */
enum {
  /* Python */
  K_FUNCTION_DEFINITION, K_LAMBDA, K_CLASS_DEFINITION, K_DECORATED_DEFINITION, K_DECORATOR,
  K_FOR_STATEMENT, K_WHILE_STATEMENT, K_LIST_COMPREHENSION, K_SET_COMPREHENSION,
  K_DICTIONARY_COMPREHENSION, K_GENERATOR_EXPRESSION, K_FOR_IN_CLAUSE, K_CALL, K_ATTRIBUTE,
  K_IDENTIFIER, K_IMPORT_STATEMENT, K_IMPORT_FROM_STATEMENT, K_ALIASED_IMPORT, K_DOTTED_NAME,
  K_RELATIVE_IMPORT, K_PARAMETERS, K_TYPED_PARAMETER, K_DEFAULT_PARAMETER,
  K_TYPED_DEFAULT_PARAMETER, K_BLOCK, K_MODULE, K_COMMENT, K_STRING,
  /* JavaScript / TypeScript / TSX */
  K_FUNCTION_DECLARATION, K_FUNCTION_EXPRESSION, K_FUNCTION, K_ARROW_FUNCTION,
  K_METHOD_DEFINITION, K_GENERATOR_FUNCTION_DECLARATION, K_GENERATOR_FUNCTION,
  K_CLASS_DECLARATION, K_ABSTRACT_CLASS_DECLARATION, K_CLASS, K_CLASS_BODY, K_FOR_IN_STATEMENT,
  K_DO_STATEMENT, K_CALL_EXPRESSION, K_MEMBER_EXPRESSION, K_VARIABLE_DECLARATOR,
  K_PUBLIC_FIELD_DEFINITION, K_FIELD_DEFINITION, K_THIS, K_IMPORT, K_TEMPLATE_STRING,
  K_TEMPLATE_SUBSTITUTION, K_REGEX, K_ARRAY, K_FORMAL_PARAMETERS, K_REQUIRED_PARAMETER,
  K_OPTIONAL_PARAMETER, K_ASSIGNMENT_PATTERN, K_ARGUMENTS, K_EXPORT_STATEMENT,
  K_IMPORT_REQUIRE_CLAUSE, K_IMPORT_CLAUSE, K_NAMED_IMPORTS, K_IMPORT_SPECIFIER,
  K_NAMESPACE_IMPORT, K_OBJECT_PATTERN, K_SHORTHAND_PROPERTY_IDENTIFIER_PATTERN, K_PAIR_PATTERN,
  K_ASSIGNMENT_EXPRESSION,
  /* C (libclang cursor kinds) */
  K_C_FUNCTION_DECL, K_C_FOR_STMT, K_C_WHILE_STMT, K_C_DO_STMT, K_C_CALL_EXPR,
  K_C_DECL_REF_EXPR, K_C_INCLUSION_DIRECTIVE, K_C_COMPOUND_STMT, K_C_DECL_STMT,
  /* anonymous tokens */
  K_ASYNC_TOKEN,
  K_COUNT
};

enum {
  F_BODY, F_CONDITION, F_INCREMENT, F_INITIALIZER, F_LEFT, F_RIGHT, F_FUNCTION, F_OBJECT,
  F_PROPERTY, F_ATTRIBUTE, F_NAME, F_ARGUMENTS, F_DEFINITION, F_SUPERCLASSES, F_MODULE_NAME,
  F_SOURCE, F_PARAMETERS, F_PARAMETER, F_PATTERN, F_CALLEE, F_VALUE,
  F_ALIAS, F_KEY, F_DECLARATION,
  F_COUNT
};

/* kind_ids - the ids of kind_names[] and field_names[] in one scl_kinds;
 * 0 where the language has no such kind or field. */
typedef struct kind_ids {
  uint16_t kind[K_COUNT];
  uint16_t field[F_COUNT];
} kind_ids;

/* ==== per-file state ==================================================== */

/* The call graph's records are the public ones of facts.h. */
typedef scl_fact_fn fn_rec;
typedef scl_fact_call call_rec;

/* through_result - the memoised through-calls answer for one function. */
typedef struct through_result {
  uint8_t state;            /* 0 not computed, 1 no, 2 yes */
  scl_fact_trace *trace;    /* when yes */
} through_result;

struct scl_facts {
  const scl_tree *tree;
  const scl_node *nodes;
  scl_lang lang;
  scl_arena *arena;
  kind_ids ids;

  /* call graph, built by graph_build() on the first through-calls query */
  bool has_graph;
  fn_rec *fns;                  /* sorted by node */
  uint32_t fn_count;
  call_rec *calls;              /* sorted by (name, node) */
  uint32_t call_count;
  through_result *through[3];   /* [0] in-loop, [1] in-handler, [2] in-async; fn_count each */
  /* breadth-first search work arrays, fn_count each, reused across queries */
  uint32_t *seen_gen;
  uint32_t gen;
  uint32_t *q_fn, *q_prev, *q_call, *q_depth;

  /* imports, built on first scl_facts_imports() (facts_imports.c) */
  bool has_imports;
  const char **imports;
  size_t import_count;

  /* import bindings, built on first scl_facts_bindings() (facts_imports.c) */
  bool has_bindings;
  scl_fact_binding *bindings;
  size_t binding_count;
  const char *default_export;
};

/* ==== small tree helpers ================================================ */

static inline bool is_kind(const scl_facts *f, uint32_t n, int k)
{
  return n != SCL_NO_NODE && f->ids.kind[k] && f->nodes[n].kind == f->ids.kind[k];
}

static inline bool has_field(const scl_facts *f, uint32_t n, int fl)
{
  return f->ids.field[fl] && f->nodes[n].field == f->ids.field[fl];
}

static inline uint32_t parent_of(const scl_facts *f, uint32_t n)
{
  return f->nodes[n].parent;
}

static inline uint32_t field_child(const scl_facts *f, uint32_t n, int fl)
{
  if (n == SCL_NO_NODE || !f->ids.field[fl])
    return SCL_NO_NODE;
  return scl_tree_child_by_field(f->tree, n, f->ids.field[fl]);
}

static inline bool is_language_py(const scl_facts *f)
{
  return f->lang == SCL_LANG_PY;
}

static inline bool is_language_js(const scl_facts *f)
{
  return f->lang == SCL_LANG_JS || f->lang == SCL_LANG_TS || f->lang == SCL_LANG_TSX;
}

/* First named child that is not a comment, or SCL_NO_NODE. */
static inline uint32_t first_named_child(const scl_facts *f, uint32_t n)
{
  for (uint32_t c = scl_tree_first_child(f->tree, n); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c))
    if (f->nodes[c].is_named && !is_kind(f, c, K_COMMENT))
      return c;
  return SCL_NO_NODE;
}

static inline uint32_t next_named_sibling(const scl_facts *f, uint32_t n)
{
  for (uint32_t c = scl_tree_next_sibling(f->tree, n); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c))
    if (f->nodes[c].is_named && !is_kind(f, c, K_COMMENT))
      return c;
  return SCL_NO_NODE;
}

static inline const char *text_of(const scl_facts *f, uint32_t n, size_t *len)
{
  *len = 0;
  if (n == SCL_NO_NODE)
    return "";
  return scl_tree_text(f->tree, n, len);
}

static inline bool text_eq(const scl_facts *f, uint32_t n, const char *s)
{
  size_t len;
  const char *t = text_of(f, n, &len);
  return n != SCL_NO_NODE && len == strlen(s) && memcmp(t, s, len) == 0;
}

/* Is the node's text one of the NULL-terminated words? */
static inline bool text_in(const scl_facts *f, uint32_t n, const char *const *words)
{
  for (; *words; words++)
    if (text_eq(f, n, *words))
      return true;
  return false;
}

static inline bool mem_contains(const char *s, size_t len, const char *needle)
{
  size_t nl = strlen(needle);
  for (size_t i = 0; i + nl <= len; i++)
    if (memcmp(s + i, needle, nl) == 0)
      return true;
  return false;
}

#endif
