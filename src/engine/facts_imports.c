/*
 * facts_imports.c - what a file imports: the module list behind the
 * `imports:` constraint (scl_facts_imports) and the name bindings the link
 * stage resolves calls with (scl_facts_bindings).
 *
 * Language knowledge only, over the kind ids of facts_int.h; built on first
 * use in the file's scratch arena. Like facts.c, it must not recurse over
 * the tree, print, exit or keep global state.
 */
#include "engine/facts.h"
#include "engine/facts_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

/* ==== imports =========================================================== */

typedef SCL_VEC(const char *) str_vec;

/* Copies s without whitespace (`a . b` -> `a.b`) into the arena. */
static const char *squeeze(scl_arena *a, const char *s, size_t len)
{
  char *out = scl_arena_alloc(a, len + 1);
  size_t o = 0;

  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\\')
      out[o++] = s[i];
  out[o] = '\0';
  return out;
}

static void push_text(scl_facts *f, str_vec *v, uint32_t n)
{
  size_t len;
  const char *t = text_of(f, n, &len);
  if (n != SCL_NO_NODE && len)
    SCL_VEC_PUSH(v, squeeze(f->arena, t, len));
}

/* A string literal's contents without its quotes; NULL if it is not a plain
 * literal (a template with substitutions, say). */
static const char *js_string_value(scl_facts *f, uint32_t n)
{
  size_t len;
  const char *t = text_of(f, n, &len);

  if (is_kind(f, n, K_TEMPLATE_STRING)) {
    for (uint32_t c = n + 1; c < f->nodes[n].end; c++)
      if (is_kind(f, c, K_TEMPLATE_SUBSTITUTION))
        return NULL;
  } else if (!is_kind(f, n, K_STRING)) {
    return NULL;
  }
  if (len < 2)
    return NULL;
  return scl_arena_strndup(f->arena, t + 1, len - 2);
}

static void py_imports_at(scl_facts *f, uint32_t i, str_vec *v)
{
  if (is_kind(f, i, K_IMPORT_STATEMENT)) {
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE;
         c = scl_tree_next_sibling(f->tree, c)) {
      if (is_kind(f, c, K_DOTTED_NAME))
        push_text(f, v, c);
      else if (is_kind(f, c, K_ALIASED_IMPORT))
        push_text(f, v, field_child(f, c, F_NAME));
    }
  } else if (is_kind(f, i, K_IMPORT_FROM_STATEMENT)) {
    uint32_t mod = field_child(f, i, F_MODULE_NAME);
    size_t ml;
    const char *m;
    if (mod == SCL_NO_NODE)
      return;
    m = text_of(f, mod, &ml);
    m = squeeze(f->arena, m, ml);
    ml = strlen(m);
    SCL_VEC_PUSH(v, m);
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE;
         c = scl_tree_next_sibling(f->tree, c)) {
      uint32_t name = SCL_NO_NODE;
      size_t nl;
      const char *nt;
      if (c == mod || !has_field(f, c, F_NAME))
        continue;
      name = is_kind(f, c, K_ALIASED_IMPORT) ? field_child(f, c, F_NAME) : c;
      if (name == SCL_NO_NODE)
        continue;
      nt = text_of(f, name, &nl);
      nt = squeeze(f->arena, nt, nl);
      if (ml && m[ml - 1] == '.')
        SCL_VEC_PUSH(v, scl_arena_printf(f->arena, "%s%s", m, nt));
      else
        SCL_VEC_PUSH(v, scl_arena_printf(f->arena, "%s.%s", m, nt));
    }
  }
}

static void js_imports_at(scl_facts *f, uint32_t i, str_vec *v)
{
  const char *s = NULL;

  if (is_kind(f, i, K_IMPORT_STATEMENT) || is_kind(f, i, K_EXPORT_STATEMENT)) {
    s = js_string_value(f, field_child(f, i, F_SOURCE));
  } else if (is_kind(f, i, K_IMPORT_REQUIRE_CLAUSE)) {
    /* TypeScript: import x = require("y") */
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE && !s;
         c = scl_tree_next_sibling(f->tree, c))
      if (is_kind(f, c, K_STRING))
        s = js_string_value(f, c);
  } else if (is_kind(f, i, K_CALL_EXPRESSION)) {
    uint32_t fnode = field_child(f, i, F_FUNCTION);
    uint32_t args = field_child(f, i, F_ARGUMENTS);
    if ((is_kind(f, fnode, K_IDENTIFIER) && text_eq(f, fnode, "require")) ||
        is_kind(f, fnode, K_IMPORT)) {
      if (is_kind(f, args, K_ARGUMENTS))
        s = js_string_value(f, first_named_child(f, args));
    }
  }
  if (s && *s)
    SCL_VEC_PUSH(v, s);
}

static void c_imports_at(scl_facts *f, uint32_t i, str_vec *v)
{
  size_t len, a, b;
  const char *t;

  if (!is_kind(f, i, K_C_INCLUSION_DIRECTIVE))
    return;
  t = text_of(f, i, &len);
  for (a = 0; a < len && t[a] != '<' && t[a] != '"'; a++)
    ;
  if (a == len)
    return;
  for (b = a + 1; b < len && t[b] != (t[a] == '<' ? '>' : '"') && t[b] != '\n'; b++)
    ;
  if (b == len || b == a + 1 || t[b] == '\n')
    return;
  SCL_VEC_PUSH(v, scl_arena_strndup(f->arena, t + a + 1, b - a - 1));
}

static int str_cmp(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void imports_build(scl_facts *f)
{
  str_vec v = { 0 };
  size_t out = 0;

  f->has_imports = true;
  for (uint32_t i = 0; i < f->tree->count; i++) {
    if (is_language_py(f))
      py_imports_at(f, i, &v);
    else if (is_language_js(f))
      js_imports_at(f, i, &v);
    else if (f->lang == SCL_LANG_C)
      c_imports_at(f, i, &v);
  }
  if (v.count)
    qsort(v.items, v.count, sizeof(*v.items), str_cmp);
  f->imports = scl_arena_alloc(f->arena, (v.count + 1) * sizeof(*f->imports));
  for (size_t i = 0; i < v.count; i++)
    if (out == 0 || strcmp(f->imports[out - 1], v.items[i]) != 0)
      f->imports[out++] = v.items[i];
  f->import_count = out;
  SCL_VEC_FREE(&v);
}

size_t scl_facts_imports(scl_facts *facts, const char *const **names_out)
{
  if (!facts->has_imports)
    imports_build(facts);
  *names_out = facts->imports;
  return facts->import_count;
}

/* ==== bindings ========================================================== */

typedef SCL_VEC(scl_fact_binding) binding_vec;

static const char *dup_text(scl_facts *f, uint32_t n)
{
  size_t len;
  const char *t = text_of(f, n, &len);
  return n == SCL_NO_NODE || len == 0 ? NULL : squeeze(f->arena, t, len);
}

static void add_binding(binding_vec *v, const char *local, const char *imported,
                        const char *module)
{
  scl_fact_binding b;
  if (!local || !module || !*module)
    return;
  b.local = local;
  b.imported = imported;
  b.module = module;
  SCL_VEC_PUSH(v, b);
}

/* `import a.b`, `import a.b as m`, `from m import f as g`, `from . import m`. */
static void py_bindings_at(scl_facts *f, uint32_t i, binding_vec *v)
{
  if (is_kind(f, i, K_IMPORT_STATEMENT)) {
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE;
         c = scl_tree_next_sibling(f->tree, c)) {
      const char *m;
      if (is_kind(f, c, K_DOTTED_NAME)) {
        m = dup_text(f, c);
        add_binding(v, m, NULL, m);
      } else if (is_kind(f, c, K_ALIASED_IMPORT)) {
        add_binding(v, dup_text(f, field_child(f, c, F_ALIAS)), NULL,
                    dup_text(f, field_child(f, c, F_NAME)));
      }
    }
  } else if (is_kind(f, i, K_IMPORT_FROM_STATEMENT)) {
    uint32_t mod = field_child(f, i, F_MODULE_NAME);
    const char *m = dup_text(f, mod);
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE && m;
         c = scl_tree_next_sibling(f->tree, c)) {
      const char *name;
      if (c == mod || !has_field(f, c, F_NAME))
        continue;
      if (is_kind(f, c, K_ALIASED_IMPORT)) {
        name = dup_text(f, field_child(f, c, F_NAME));
        add_binding(v, dup_text(f, field_child(f, c, F_ALIAS)), name, m);
      } else {
        name = dup_text(f, c);
        add_binding(v, name, name, m);
      }
    }
  }
}

/* The module of `require("x")`, or NULL if call is no such call. */
static const char *js_require_of(scl_facts *f, uint32_t call)
{
  uint32_t fnode = field_child(f, call, F_FUNCTION);
  uint32_t args = field_child(f, call, F_ARGUMENTS);

  if (!is_kind(f, call, K_CALL_EXPRESSION) || !is_kind(f, fnode, K_IDENTIFIER) ||
      !text_eq(f, fnode, "require") || !is_kind(f, args, K_ARGUMENTS))
    return NULL;
  return js_string_value(f, first_named_child(f, args));
}

/* `import d, { f as g } from "m"`, `import * as m from "m"`. */
static void js_import_clause(scl_facts *f, uint32_t clause, const char *m, binding_vec *v)
{
  for (uint32_t c = scl_tree_first_child(f->tree, clause); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c)) {
    if (is_kind(f, c, K_IDENTIFIER)) {
      add_binding(v, dup_text(f, c), "default", m);
    } else if (is_kind(f, c, K_NAMESPACE_IMPORT)) {
      add_binding(v, dup_text(f, first_named_child(f, c)), NULL, m);
    } else if (is_kind(f, c, K_NAMED_IMPORTS)) {
      for (uint32_t s = scl_tree_first_child(f->tree, c); s != SCL_NO_NODE;
           s = scl_tree_next_sibling(f->tree, s)) {
        uint32_t alias = field_child(f, s, F_ALIAS);
        const char *name = dup_text(f, field_child(f, s, F_NAME));
        if (is_kind(f, s, K_IMPORT_SPECIFIER))
          add_binding(v, alias == SCL_NO_NODE ? name : dup_text(f, alias), name, m);
      }
    }
  }
}

/* `const m = require("m")`, `const { f, g: h } = require("m")`. */
static void js_require_binding(scl_facts *f, uint32_t decl, binding_vec *v)
{
  const char *m = js_require_of(f, field_child(f, decl, F_VALUE));
  uint32_t name = field_child(f, decl, F_NAME);

  if (!m)
    return;
  if (is_kind(f, name, K_IDENTIFIER)) {
    add_binding(v, dup_text(f, name), NULL, m);
    return;
  }
  if (!is_kind(f, name, K_OBJECT_PATTERN))
    return;
  for (uint32_t c = scl_tree_first_child(f->tree, name); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c)) {
    if (is_kind(f, c, K_SHORTHAND_PROPERTY_IDENTIFIER_PATTERN)) {
      const char *t = dup_text(f, c);
      add_binding(v, t, t, m);
    } else if (is_kind(f, c, K_PAIR_PATTERN)) {
      uint32_t val = field_child(f, c, F_VALUE);
      if (is_kind(f, val, K_IDENTIFIER))
        add_binding(v, dup_text(f, val), dup_text(f, field_child(f, c, F_KEY)), m);
    }
  }
}

/* `export default function f`, `export default f`, `module.exports = f`. */
static const char *js_default_export_at(scl_facts *f, uint32_t i)
{
  size_t len;
  const char *t = text_of(f, i, &len);
  uint32_t n;

  if (is_kind(f, i, K_EXPORT_STATEMENT) && len > 15 && memcmp(t, "export default", 14) == 0) {
    n = field_child(f, i, F_DECLARATION);
    if (is_kind(f, n, K_FUNCTION_DECLARATION) || is_kind(f, n, K_GENERATOR_FUNCTION_DECLARATION))
      return dup_text(f, field_child(f, n, F_NAME));
    n = field_child(f, i, F_VALUE);
    return is_kind(f, n, K_IDENTIFIER) ? dup_text(f, n) : NULL;
  }
  if (is_kind(f, i, K_ASSIGNMENT_EXPRESSION) &&
      text_eq(f, field_child(f, i, F_LEFT), "module.exports")) {
    n = field_child(f, i, F_RIGHT);
    return is_kind(f, n, K_IDENTIFIER) ? dup_text(f, n) : NULL;
  }
  return NULL;
}

static void js_bindings_at(scl_facts *f, uint32_t i, binding_vec *v)
{
  const char *m;

  if (is_kind(f, i, K_IMPORT_STATEMENT)) {
    m = js_string_value(f, field_child(f, i, F_SOURCE));
    for (uint32_t c = scl_tree_first_child(f->tree, i); c != SCL_NO_NODE && m;
         c = scl_tree_next_sibling(f->tree, c))
      if (is_kind(f, c, K_IMPORT_CLAUSE))
        js_import_clause(f, c, m, v);
  } else if (is_kind(f, i, K_IMPORT_REQUIRE_CLAUSE)) {
    uint32_t src = field_child(f, i, F_SOURCE);
    m = js_string_value(f, src);
    add_binding(v, dup_text(f, first_named_child(f, i)), NULL, m);
  } else if (is_kind(f, i, K_VARIABLE_DECLARATOR)) {
    js_require_binding(f, i, v);
  } else if (!f->default_export) {
    f->default_export = js_default_export_at(f, i);
  }
}

static void bindings_build(scl_facts *f)
{
  binding_vec v = { 0 };

  f->has_bindings = true;
  for (uint32_t i = 0; i < f->tree->count; i++) {
    if (is_language_py(f))
      py_bindings_at(f, i, &v);
    else if (is_language_js(f))
      js_bindings_at(f, i, &v);
  }
  f->bindings = scl_arena_alloc(f->arena, (v.count + 1) * sizeof(*f->bindings));
  if (v.count)
    memcpy(f->bindings, v.items, v.count * sizeof(*v.items));
  f->binding_count = v.count;
  SCL_VEC_FREE(&v);
}

size_t scl_facts_bindings(scl_facts *facts, const scl_fact_binding **bindings_out,
                          const char **default_out)
{
  if (!facts->has_bindings)
    bindings_build(facts);
  *bindings_out = facts->bindings;
  if (default_out)
    *default_out = facts->default_export;
  return facts->binding_count;
}
