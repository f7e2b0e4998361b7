/*
 * facts.c - the named facts of facts.h (in-loop, in-handler, in-async,
 * in-function, at-module-scope), the "through a call" search behind them, and
 * the call graph's functions and calls (which the link stage's summaries
 * read). The import list and import bindings are in facts_imports.c.
 *
 * All language knowledge lives in these two files, keyed by the kind and
 * field name tables below:
 * each name is resolved once per scl_kinds table to an id (a small cache
 * guarded by a mutex, copied into every scl_facts), so per-node queries
 * compare integers and walk parent links only, O(depth). The call graph and
 * the import list are built on first use, in the file's scratch arena.
 *
 * Must not recurse over the tree (trees can be SCL_MAX_TREE_DEPTH deep: walk
 * parent links or the flat array), must not print or exit, must not keep
 * global state other than the kind-id cache, and must not see any parser
 * type: it reads scl_tree only.
 */
#include "engine/facts.h"
#include "engine/facts_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/vec.h"

/* ==== fact names ======================================================== */

static const char *const fact_names[SCL_FACT_COUNT] = {
  "in-loop", "in-handler", "in-async", "in-function", "at-module-scope",
};

int scl_fact_parse(const char *name)
{
  if (!name)
    return -1;
  for (int i = 0; i < SCL_FACT_COUNT; i++)
    if (strcmp(fact_names[i], name) == 0)
      return i;
  return -1;
}

const char *scl_fact_name(scl_fact fact)
{
  return (unsigned)fact < SCL_FACT_COUNT ? fact_names[fact] : "";
}

bool scl_fact_allows_through_calls(scl_fact fact)
{
  return fact == SCL_FACT_IN_LOOP || fact == SCL_FACT_IN_HANDLER || fact == SCL_FACT_IN_ASYNC;
}

/* ==== kind and field ids ================================================ */

/* The names behind facts_int.h's K_ and F_ enums, in the same order. */
typedef struct kind_name {
  const char *name;
  bool is_named;
} kind_name;

static const kind_name kind_names[K_COUNT] = {
  { "function_definition", true }, { "lambda", true }, { "class_definition", true },
  { "decorated_definition", true }, { "decorator", true }, { "for_statement", true },
  { "while_statement", true }, { "list_comprehension", true }, { "set_comprehension", true },
  { "dictionary_comprehension", true }, { "generator_expression", true },
  { "for_in_clause", true }, { "call", true }, { "attribute", true }, { "identifier", true },
  { "import_statement", true }, { "import_from_statement", true }, { "aliased_import", true },
  { "dotted_name", true }, { "relative_import", true }, { "parameters", true },
  { "typed_parameter", true }, { "default_parameter", true },
  { "typed_default_parameter", true }, { "block", true }, { "module", true },
  { "comment", true }, { "string", true },

  { "function_declaration", true }, { "function_expression", true }, { "function", true },
  { "arrow_function", true }, { "method_definition", true },
  { "generator_function_declaration", true }, { "generator_function", true },
  { "class_declaration", true }, { "abstract_class_declaration", true }, { "class", true },
  { "class_body", true }, { "for_in_statement", true }, { "do_statement", true },
  { "call_expression", true }, { "member_expression", true }, { "variable_declarator", true },
  { "public_field_definition", true }, { "field_definition", true }, { "this", true },
  { "import", true }, { "template_string", true }, { "template_substitution", true },
  { "regex", true }, { "array", true }, { "formal_parameters", true },
  { "required_parameter", true }, { "optional_parameter", true },
  { "assignment_pattern", true }, { "arguments", true }, { "export_statement", true },
  { "import_require_clause", true }, { "import_clause", true }, { "named_imports", true },
  { "import_specifier", true }, { "namespace_import", true }, { "object_pattern", true },
  { "shorthand_property_identifier_pattern", true }, { "pair_pattern", true },
  { "assignment_expression", true },

  { "FunctionDecl", true }, { "ForStmt", true }, { "WhileStmt", true }, { "DoStmt", true },
  { "CallExpr", true }, { "DeclRefExpr", true }, { "InclusionDirective", true },
  { "CompoundStmt", true }, { "DeclStmt", true },

  { "async", false },
};

static const char *const field_names[F_COUNT] = {
  "body", "condition", "increment", "initializer", "left", "right", "function", "object",
  "property", "attribute", "name", "arguments", "definition", "superclasses", "module_name",
  "source", "parameters", "parameter", "pattern", "callee", "value", "alias", "key",
  "declaration",
};

static void ids_resolve(kind_ids *out, const scl_kinds *k)
{
  for (int i = 0; i < K_COUNT; i++)
    out->kind[i] = scl_kinds_find_kind(k, kind_names[i].name, kind_names[i].is_named);
  for (int i = 0; i < F_COUNT; i++)
    out->field[i] = scl_kinds_find_field(k, field_names[i]);
}

/* True when every id in ids still names the same thing in k: guards against
 * a table freed and another built at the same address (tests do that). */
static bool ids_still_valid(const kind_ids *ids, const scl_kinds *k)
{
  for (int i = 0; i < K_COUNT; i++) {
    uint16_t id = ids->kind[i];
    if (id && (id >= k->kind_count || k->kinds[id].is_named != kind_names[i].is_named ||
               strcmp(k->kinds[id].name, kind_names[i].name) != 0))
      return false;
  }
  for (int i = 0; i < F_COUNT; i++) {
    uint16_t id = ids->field[i];
    if (id && (id >= k->field_count || strcmp(k->fields[id], field_names[i]) != 0))
      return false;
  }
  return true;
}

/*
 * The kind-id cache: resolving is ~100 linear searches over a few hundred
 * names, so it is done once per kinds table, not per file. Eight slots: there
 * are five languages; a table that finds no slot is resolved per file. Read
 * and written only under ids_lock; callers get a copy.
 */
#define IDS_CACHE_SLOTS 8

typedef struct ids_slot {
  const scl_kinds *kinds;
  uint16_t kind_count;
  uint16_t field_count;
  kind_ids ids;
} ids_slot;

static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static ids_slot ids_cache[IDS_CACHE_SLOTS];
static unsigned ids_next_slot;

static void ids_get(kind_ids *out, const scl_kinds *k)
{
  ids_slot *slot = NULL;
  bool is_fresh;

  pthread_mutex_lock(&ids_lock);
  for (unsigned i = 0; i < IDS_CACHE_SLOTS && !slot; i++)
    if (ids_cache[i].kinds == k)
      slot = &ids_cache[i];
  is_fresh = slot && slot->kind_count == k->kind_count && slot->field_count == k->field_count &&
             ids_still_valid(&slot->ids, k);
  if (!slot)
    slot = &ids_cache[ids_next_slot++ % IDS_CACHE_SLOTS];
  if (!is_fresh) {
    slot->kinds = k;
    slot->kind_count = k->kind_count;
    slot->field_count = k->field_count;
    ids_resolve(&slot->ids, k);
  }
  *out = slot->ids;
  pthread_mutex_unlock(&ids_lock);
}

/* ==== per-file state ==================================================== */

scl_facts *scl_facts_new(const scl_tree *tree, scl_lang lang, scl_arena *scratch)
{
  scl_facts *f = scl_arena_alloc(scratch, sizeof(*f));
  f->tree = tree;
  f->nodes = tree->nodes;
  f->lang = lang;
  f->arena = scratch;
  if (tree->kinds)
    ids_get(&f->ids, tree->kinds);
  return f;
}

/* ==== functions, classes, scopes ======================================== */

static bool c_has_body(const scl_facts *f, uint32_t n)
{
  for (uint32_t c = scl_tree_first_child(f->tree, n); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c))
    if (has_field(f, c, F_BODY) || is_kind(f, c, K_C_COMPOUND_STMT))
      return true;
  return false;
}

static bool is_function_like(const scl_facts *f, uint32_t n)
{
  if (is_language_py(f))
    return is_kind(f, n, K_FUNCTION_DEFINITION) || is_kind(f, n, K_LAMBDA);
  if (is_language_js(f))
    return is_kind(f, n, K_FUNCTION_DECLARATION) || is_kind(f, n, K_FUNCTION_EXPRESSION) ||
           is_kind(f, n, K_FUNCTION) || is_kind(f, n, K_ARROW_FUNCTION) ||
           is_kind(f, n, K_METHOD_DEFINITION) || is_kind(f, n, K_GENERATOR_FUNCTION_DECLARATION) ||
           is_kind(f, n, K_GENERATOR_FUNCTION);
  if (f->lang == SCL_LANG_C)
    return is_kind(f, n, K_C_FUNCTION_DECL) && c_has_body(f, n);
  return false;
}

static bool is_class_like(const scl_facts *f, uint32_t n)
{
  if (is_language_py(f))
    return is_kind(f, n, K_CLASS_DEFINITION);
  if (is_language_js(f))
    return is_kind(f, n, K_CLASS_DECLARATION) || is_kind(f, n, K_CLASS) ||
           is_kind(f, n, K_CLASS_BODY) || is_kind(f, n, K_ABSTRACT_CLASS_DECLARATION);
  return false;
}

uint32_t scl_facts_enclosing_function(scl_facts *facts, uint32_t node)
{
  if (!facts || node >= facts->tree->count)
    return SCL_NO_NODE;
  for (uint32_t p = parent_of(facts, node); p != SCL_NO_NODE; p = parent_of(facts, p))
    if (is_function_like(facts, p))
      return p;
  return SCL_NO_NODE;
}

static bool at_module_scope(const scl_facts *f, uint32_t node)
{
  for (uint32_t p = parent_of(f, node); p != SCL_NO_NODE; p = parent_of(f, p)) {
    if (f->lang == SCL_LANG_C && is_kind(f, p, K_C_FUNCTION_DECL))
      return false;
    if (is_function_like(f, p) || is_class_like(f, p))
      return false;
  }
  return true;
}

static bool is_async_function(const scl_facts *f, uint32_t fn)
{
  for (uint32_t c = scl_tree_first_child(f->tree, fn); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c)) {
    if (is_kind(f, c, K_ASYNC_TOKEN))
      return true;
    if (has_field(f, c, F_BODY))
      break; /* modifiers come before the body */
  }
  return false;
}

/* ==== in-loop =========================================================== */

static const char *const js_iteration_methods[] = {
  "forEach", "map", "flatMap", "filter", "reduce", "reduceRight", "some", "every", "find",
  "findIndex", "findLast", "findLastIndex", NULL,
};

/* If fn is the first argument of `xs.forEach(fn)` and the like, the call;
 * else SCL_NO_NODE. The callback then runs once per element. */
static uint32_t js_iteration_call(const scl_facts *f, uint32_t fn)
{
  uint32_t args = parent_of(f, fn), call, callee;

  if (!is_kind(f, fn, K_ARROW_FUNCTION) && !is_kind(f, fn, K_FUNCTION_EXPRESSION) &&
      !is_kind(f, fn, K_FUNCTION))
    return SCL_NO_NODE;
  if (!is_kind(f, args, K_ARGUMENTS) || first_named_child(f, args) != fn)
    return SCL_NO_NODE;
  call = parent_of(f, args);
  if (!is_kind(f, call, K_CALL_EXPRESSION))
    return SCL_NO_NODE;
  callee = field_child(f, call, F_FUNCTION);
  if (!is_kind(f, callee, K_MEMBER_EXPRESSION))
    return SCL_NO_NODE;
  if (!text_in(f, field_child(f, callee, F_PROPERTY), js_iteration_methods))
    return SCL_NO_NODE;
  return call;
}

/* Is node inside the iterable of the first for_in_clause `clause`? That
 * iterable is evaluated once, before the comprehension loops. */
static bool in_first_iterable(const scl_facts *f, uint32_t comp, uint32_t clause, uint32_t node)
{
  uint32_t first = SCL_NO_NODE;

  for (uint32_t c = scl_tree_first_child(f->tree, comp); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c)) {
    if (is_kind(f, c, K_FOR_IN_CLAUSE)) {
      first = c;
      break;
    }
  }
  if (first != clause)
    return false;
  for (uint32_t c = scl_tree_first_child(f->tree, clause); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c))
    if (has_field(f, c, F_RIGHT) && (c == node || scl_tree_is_inside(f->tree, node, c)))
      return true;
  return false;
}

/*
 * Byte offset of the first ';' of a C for header (paren depth 1, outside
 * literals and comments), or 0 if none is found (e.g. the loop comes from a
 * macro and its text is not a for statement). Children that end before it
 * are the init clause, which runs once. libclang omits absent clauses, so
 * child positions alone cannot tell init from condition.
 */
static uint32_t c_for_first_semicolon(const scl_facts *f, uint32_t loop)
{
  size_t len;
  const char *s = text_of(f, loop, &len);
  int depth = 0;

  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '"' || ch == '\'') {
      for (i++; i < len && s[i] != ch; i++)
        if (s[i] == '\\')
          i++;
    } else if (ch == '/' && i + 1 < len && s[i + 1] == '*') {
      for (i += 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++)
        ;
      i++;
    } else if (ch == '/' && i + 1 < len && s[i + 1] == '/') {
      while (i < len && s[i] != '\n')
        i++;
    } else if (ch == '(') {
      depth++;
    } else if (ch == ')') {
      if (--depth <= 0)
        return 0;
    } else if (ch == ';' && depth == 1) {
      return f->nodes[loop].start_byte + (uint32_t)i;
    }
  }
  return 0;
}

/* Does the loop p run child (the child of p that contains the node) once per
 * iteration? node is the original node, for the comprehension check. */
static bool loop_runs_child(const scl_facts *f, uint32_t p, uint32_t child, uint32_t node)
{
  if (is_language_py(f)) {
    if (is_kind(f, p, K_FOR_STATEMENT))
      return has_field(f, child, F_BODY);
    if (is_kind(f, p, K_WHILE_STATEMENT))
      return has_field(f, child, F_BODY) || has_field(f, child, F_CONDITION);
    if (is_kind(f, p, K_LIST_COMPREHENSION) || is_kind(f, p, K_SET_COMPREHENSION) ||
        is_kind(f, p, K_DICTIONARY_COMPREHENSION) || is_kind(f, p, K_GENERATOR_EXPRESSION))
      return !(is_kind(f, child, K_FOR_IN_CLAUSE) && in_first_iterable(f, p, child, node));
    return false;
  }
  if (is_language_js(f)) {
    if (is_kind(f, p, K_FOR_STATEMENT))
      return has_field(f, child, F_BODY) || has_field(f, child, F_CONDITION) ||
             has_field(f, child, F_INCREMENT);
    if (is_kind(f, p, K_FOR_IN_STATEMENT))
      return has_field(f, child, F_BODY);
    return is_kind(f, p, K_WHILE_STATEMENT) || is_kind(f, p, K_DO_STATEMENT);
  }
  if (f->lang == SCL_LANG_C) {
    if (is_kind(f, p, K_C_WHILE_STMT) || is_kind(f, p, K_C_DO_STMT))
      return true;
    if (is_kind(f, p, K_C_FOR_STMT)) {
      uint32_t semi;
      if (has_field(f, child, F_BODY))
        return true;
      if (is_kind(f, child, K_C_DECL_STMT))
        return false;
      semi = c_for_first_semicolon(f, p);
      return !(semi && f->nodes[child].end_byte <= semi);
    }
  }
  return false;
}

/* The nearest loop around node in its own function (JS iteration callbacks
 * count as loops), or SCL_NO_NODE. */
static uint32_t loop_direct(const scl_facts *f, uint32_t node)
{
  uint32_t child = node;

  for (uint32_t p = parent_of(f, node); p != SCL_NO_NODE; child = p, p = parent_of(f, p)) {
    if (is_function_like(f, p)) {
      uint32_t call = is_language_js(f) ? js_iteration_call(f, p) : SCL_NO_NODE;
      return call;
    }
    if (loop_runs_child(f, p, child, node))
      return p;
  }
  return SCL_NO_NODE;
}

/*
 * The innermost loop around node that accept() takes, looking outward from
 * the nearest one: loops in node's own function and, past a JS iteration
 * callback (which is itself the innermost "loop"), the loops around that
 * callback. SCL_NO_NODE when none is taken.
 */
static uint32_t loop_find(const scl_facts *f, uint32_t node, scl_loop_filter_fn accept,
                          void *payload)
{
  uint32_t child = node;

  for (uint32_t p = parent_of(f, node); p != SCL_NO_NODE; child = p, p = parent_of(f, p)) {
    if (is_function_like(f, p)) {
      uint32_t call = is_language_js(f) ? js_iteration_call(f, p) : SCL_NO_NODE;
      if (call == SCL_NO_NODE)
        return SCL_NO_NODE;
      if (accept(payload, call))
        return call;
      p = call; /* go on with the loops around the iteration call */
      continue;
    }
    if (loop_runs_child(f, p, child, node) && accept(payload, p))
      return p;
  }
  return SCL_NO_NODE;
}

/* ==== in-async ========================================================== */

/* The function around node when it is async (in-async holds directly). */
static uint32_t async_direct(const scl_facts *f, uint32_t node)
{
  uint32_t fn;

  if (f->lang == SCL_LANG_C)
    return SCL_NO_NODE;
  fn = scl_facts_enclosing_function((scl_facts *)f, node);
  return fn != SCL_NO_NODE && is_async_function(f, fn) ? fn : SCL_NO_NODE;
}

/* ==== in-handler: Python ================================================ */

static const char *const py_route_methods[] = {
  "get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket",
  "middleware", "before_request", "after_request", "view", NULL,
};

/* `@app.get("/x")`, `@router.post(...)`, `@api.v1.route(...)`, `@app.middleware("http")`.
 * `@mock.patch(...)` is not one. */
static bool py_decorator_is_route(const scl_facts *f, uint32_t dec)
{
  uint32_t e = first_named_child(f, dec), attr, obj, last;

  if (is_kind(f, e, K_CALL))
    e = field_child(f, e, F_FUNCTION);
  if (!is_kind(f, e, K_ATTRIBUTE))
    return false;
  attr = field_child(f, e, F_ATTRIBUTE);
  obj = field_child(f, e, F_OBJECT);
  if (!text_in(f, attr, py_route_methods))
    return false;
  last = is_kind(f, obj, K_ATTRIBUTE) ? field_child(f, obj, F_ATTRIBUTE) : obj;
  if (text_eq(f, last, "mock"))
    return false;
  while (is_kind(f, obj, K_ATTRIBUTE))
    obj = field_child(f, obj, F_OBJECT);
  return is_kind(f, obj, K_IDENTIFIER);
}

/* The decorated_definition around a def, or SCL_NO_NODE. */
static uint32_t py_decorated(const scl_facts *f, uint32_t fn)
{
  uint32_t p = parent_of(f, fn);
  return is_kind(f, p, K_DECORATED_DEFINITION) ? p : SCL_NO_NODE;
}

/* 1: the def is at module scope, 2: directly in a class body (a method),
 * 0: elsewhere. *cls_out receives the class for 2. */
static int py_def_scope(const scl_facts *f, uint32_t fn, uint32_t *cls_out)
{
  uint32_t p = parent_of(f, fn);

  if (is_kind(f, p, K_DECORATED_DEFINITION))
    p = parent_of(f, p);
  if (p == SCL_NO_NODE || is_kind(f, p, K_MODULE))
    return 1;
  if (is_kind(f, p, K_BLOCK) && is_kind(f, parent_of(f, p), K_CLASS_DEFINITION)) {
    *cls_out = parent_of(f, p);
    return 2;
  }
  return 0;
}

/* The identifier naming a parameter node, or SCL_NO_NODE. */
static uint32_t py_param_name(const scl_facts *f, uint32_t p)
{
  if (is_kind(f, p, K_IDENTIFIER))
    return p;
  if (is_kind(f, p, K_TYPED_PARAMETER))
    return first_named_child(f, p);
  if (is_kind(f, p, K_DEFAULT_PARAMETER) || is_kind(f, p, K_TYPED_DEFAULT_PARAMETER))
    return field_child(f, p, F_NAME);
  return SCL_NO_NODE;
}

static bool py_is_handler(const scl_facts *f, uint32_t fn)
{
  static const char *const self_names[] = { "self", "cls", NULL };
  uint32_t dec = py_decorated(f, fn), cls = SCL_NO_NODE, params, p;
  int scope;

  if (!is_kind(f, fn, K_FUNCTION_DEFINITION))
    return false;
  if (dec != SCL_NO_NODE) {
    for (uint32_t c = scl_tree_first_child(f->tree, dec); c != SCL_NO_NODE;
         c = scl_tree_next_sibling(f->tree, c)) {
      size_t len;
      const char *t;
      if (!is_kind(f, c, K_DECORATOR))
        continue;
      if (py_decorator_is_route(f, c))
        return true;
      t = text_of(f, c, &len);
      if (mem_contains(t, len, "fixture"))
        return false; /* pytest fixtures take `request` too */
    }
  }
  scope = py_def_scope(f, fn, &cls);
  if (scope == 0)
    return false;
  /* Starlette BaseHTTPMiddleware.dispatch */
  if (scope == 2 && text_eq(f, field_child(f, fn, F_NAME), "dispatch")) {
    size_t len;
    const char *t = text_of(f, field_child(f, cls, F_SUPERCLASSES), &len);
    if (mem_contains(t, len, "Middleware"))
      return true;
  }
  /* Django views: def view(request, ...), class-based def get(self, request) */
  params = field_child(f, fn, F_PARAMETERS);
  p = params == SCL_NO_NODE ? SCL_NO_NODE : first_named_child(f, params);
  if (scope == 2 && text_in(f, py_param_name(f, p), self_names))
    p = next_named_sibling(f, p);
  return text_eq(f, py_param_name(f, p), "request");
}

/* ==== in-handler: JavaScript / TypeScript =============================== */

static const char *const js_route_methods[] = {
  "get", "post", "put", "patch", "delete", "all", "use", "options", "head", "route", NULL,
};

static const char *const nest_route_decorators[] = {
  "Get", "Post", "Put", "Patch", "Delete", "All", "Head", "Options", NULL,
};

/* The identifier naming a JS/TS parameter node, or SCL_NO_NODE. */
static uint32_t js_param_name(const scl_facts *f, uint32_t p)
{
  uint32_t n;

  if (is_kind(f, p, K_IDENTIFIER))
    return p;
  if (is_kind(f, p, K_REQUIRED_PARAMETER) || is_kind(f, p, K_OPTIONAL_PARAMETER)) {
    n = field_child(f, p, F_PATTERN);
    if (n == SCL_NO_NODE)
      n = field_child(f, p, F_NAME);
    return is_kind(f, n, K_IDENTIFIER) ? n : SCL_NO_NODE;
  }
  if (is_kind(f, p, K_ASSIGNMENT_PATTERN)) {
    n = field_child(f, p, F_LEFT);
    return is_kind(f, n, K_IDENTIFIER) ? n : SCL_NO_NODE;
  }
  return SCL_NO_NODE;
}

/* Whether fn's first two parameters are (req|request, res|reply|response). */
static bool js_has_req_res_params(const scl_facts *f, uint32_t fn)
{
  static const char *const req[] = { "req", "request", NULL };
  static const char *const res[] = { "res", "reply", "response", NULL };
  uint32_t params = field_child(f, fn, F_PARAMETERS), p0, p1;

  if (params == SCL_NO_NODE)
    return false;
  p0 = first_named_child(f, params);
  p1 = p0 == SCL_NO_NODE ? SCL_NO_NODE : next_named_sibling(f, p0);
  return text_in(f, js_param_name(f, p0), req) && text_in(f, js_param_name(f, p1), res);
}

/* A route path as an argument: '/users', `*`, `/u/${id}`, /re/, ['/a', '/b']. */
static bool js_is_route_path(const scl_facts *f, uint32_t n)
{
  size_t len;
  const char *t = text_of(f, n, &len);

  if (is_kind(f, n, K_STRING))
    return len >= 3 && (t[1] == '/' || t[1] == '*');
  if (is_kind(f, n, K_TEMPLATE_STRING))
    return len >= 3 && t[1] == '/';
  if (is_kind(f, n, K_REGEX))
    return true;
  if (is_kind(f, n, K_ARRAY)) {
    uint32_t e = first_named_child(f, n);
    return e != SCL_NO_NODE && !is_kind(f, e, K_ARRAY) && js_is_route_path(f, e);
  }
  return false;
}

/* A NestJS route decorator: @Get(), @Post('x'), ... */
static bool js_decorator_is_route(const scl_facts *f, uint32_t dec)
{
  uint32_t e = first_named_child(f, dec);

  if (is_kind(f, e, K_CALL_EXPRESSION))
    e = field_child(f, e, F_FUNCTION);
  return is_kind(f, e, K_IDENTIFIER) && text_in(f, e, nest_route_decorators);
}

/* Decorators of a method: its own children (JavaScript) or the decorators
 * right before it in the class body (TypeScript). */
static bool js_method_has_route_decorator(const scl_facts *f, uint32_t m)
{
  uint32_t body = parent_of(f, m), run = SCL_NO_NODE;

  for (uint32_t c = scl_tree_first_child(f->tree, m); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(f->tree, c))
    if (is_kind(f, c, K_DECORATOR) && js_decorator_is_route(f, c))
      return true;
  if (body == SCL_NO_NODE)
    return false;
  for (uint32_t c = scl_tree_first_child(f->tree, body); c != SCL_NO_NODE && c != m;
       c = scl_tree_next_sibling(f->tree, c)) {
    if (is_kind(f, c, K_DECORATOR)) {
      if (run == SCL_NO_NODE)
        run = c;
    } else if (!is_kind(f, c, K_COMMENT)) {
      run = SCL_NO_NODE;
    }
  }
  for (uint32_t c = run; c != SCL_NO_NODE && c != m; c = scl_tree_next_sibling(f->tree, c))
    if (is_kind(f, c, K_DECORATOR) && js_decorator_is_route(f, c))
      return true;
  return false;
}

static bool js_is_handler(const scl_facts *f, uint32_t fn)
{
  uint32_t args, call, callee, prop, obj;
  bool is_chained = false;

  if (is_kind(f, fn, K_METHOD_DEFINITION) && js_method_has_route_decorator(f, fn))
    return true;
  if (js_has_req_res_params(f, fn))
    return true;
  args = parent_of(f, fn);
  if (!is_kind(f, args, K_ARGUMENTS))
    return false;
  call = parent_of(f, args);
  if (!is_kind(f, call, K_CALL_EXPRESSION))
    return false;
  callee = field_child(f, call, F_FUNCTION);
  if (!is_kind(f, callee, K_MEMBER_EXPRESSION))
    return false;
  prop = field_child(f, callee, F_PROPERTY);
  obj = field_child(f, callee, F_OBJECT);
  if (!text_in(f, prop, js_route_methods))
    return false;
  if (is_kind(f, obj, K_CALL_EXPRESSION)) {
    /* router.route('/x').get(fn) */
    uint32_t inner = field_child(f, obj, F_FUNCTION);
    if (!is_kind(f, inner, K_MEMBER_EXPRESSION) ||
        !text_eq(f, field_child(f, inner, F_PROPERTY), "route"))
      return false;
    is_chained = true;
  } else if (!is_kind(f, obj, K_IDENTIFIER) && !is_kind(f, obj, K_MEMBER_EXPRESSION) &&
             !is_kind(f, obj, K_THIS)) {
    return false;
  }
  if (is_chained || text_eq(f, prop, "use"))
    return true;
  return js_is_route_path(f, first_named_child(f, args));
}

/* The innermost request-handler function around node (any enclosing
 * function, so closures inside a handler count), or SCL_NO_NODE. */
static uint32_t handler_direct(const scl_facts *f, uint32_t node)
{
  if (!is_language_py(f) && !is_language_js(f))
    return SCL_NO_NODE;
  for (uint32_t p = parent_of(f, node); p != SCL_NO_NODE; p = parent_of(f, p)) {
    if (!is_function_like(f, p))
      continue;
    if (is_language_py(f) ? py_is_handler(f, p) : js_is_handler(f, p))
      return p;
  }
  return SCL_NO_NODE;
}

/* ==== call graph ======================================================== */

/*
 * The name of a C function: libclang gives FunctionDecl no name child, so
 * take the identifier right before the first '(' of the declaration text
 * (before the body). Good for `static int *make_conn(int fd) {`; a
 * declaration whose name comes from a macro may resolve to nothing.
 */
static bool c_function_name(const scl_facts *f, uint32_t fn, const char **name, uint32_t *len)
{
  size_t tl;
  const char *t = text_of(f, fn, &tl);
  size_t open = 0, end, start;

  while (open < tl && t[open] != '(' && t[open] != '{')
    open++;
  if (open == tl || t[open] != '(')
    return false;
  end = open;
  while (end > 0 && (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\n' ||
                     t[end - 1] == '\r'))
    end--;
  start = end;
  while (start > 0 && (t[start - 1] == '_' || (t[start - 1] >= 'a' && t[start - 1] <= 'z') ||
                       (t[start - 1] >= 'A' && t[start - 1] <= 'Z') ||
                       (t[start - 1] >= '0' && t[start - 1] <= '9')))
    start--;
  if (start == end || (t[start] >= '0' && t[start] <= '9'))
    return false;
  *name = t + start;
  *len = (uint32_t)(end - start);
  return true;
}

typedef SCL_VEC(fn_rec) fn_vec;
typedef SCL_VEC(call_rec) call_vec;

static void add_fn(fn_vec *v, const scl_facts *f, uint32_t fn, uint32_t name_node, bool is_method)
{
  size_t len;
  const char *t = text_of(f, name_node, &len);
  fn_rec r;

  if (name_node == SCL_NO_NODE || len == 0 || len > UINT32_MAX)
    return;
  r.node = fn;
  r.name = t;
  r.name_len = (uint32_t)len;
  r.is_method = is_method;
  SCL_VEC_PUSH(v, r);
}

/* Appends a call of name_node's text. qual (SCL_NO_NODE for none) is the
 * receiver of a qualified call. */
static void add_call(call_vec *v, const scl_facts *f, uint32_t call, uint32_t name_node,
                     uint32_t qual, bool is_member)
{
  size_t len, qlen = 0;
  const char *t = text_of(f, name_node, &len);
  const char *q = qual == SCL_NO_NODE ? NULL : text_of(f, qual, &qlen);
  call_rec r;

  if (name_node == SCL_NO_NODE || len == 0 || len > UINT32_MAX || qlen > UINT32_MAX)
    return;
  r.node = call;
  r.name = t;
  r.name_len = (uint32_t)len;
  r.qual = q;
  r.qual_len = (uint32_t)qlen;
  r.is_member = is_member;
  SCL_VEC_PUSH(v, r);
}

/* A Python module reference: an identifier or a dotted chain of them. */
static bool py_is_dotted(const scl_facts *f, uint32_t n)
{
  while (is_kind(f, n, K_ATTRIBUTE))
    n = field_child(f, n, F_OBJECT);
  return is_kind(f, n, K_IDENTIFIER);
}

static void py_graph_visit(const scl_facts *f, uint32_t i, fn_vec *fns, call_vec *calls)
{
  static const char *const self_names[] = { "self", "cls", NULL };
  uint32_t fnode, obj;

  if (is_kind(f, i, K_FUNCTION_DEFINITION)) {
    uint32_t cls = SCL_NO_NODE;
    add_fn(fns, f, i, field_child(f, i, F_NAME), py_def_scope(f, i, &cls) == 2);
    return;
  }
  if (!is_kind(f, i, K_CALL))
    return;
  fnode = field_child(f, i, F_FUNCTION);
  if (is_kind(f, fnode, K_IDENTIFIER)) {
    add_call(calls, f, i, fnode, SCL_NO_NODE, false);
  } else if (is_kind(f, fnode, K_ATTRIBUTE)) {
    obj = field_child(f, fnode, F_OBJECT);
    if (text_in(f, obj, self_names))
      add_call(calls, f, i, field_child(f, fnode, F_ATTRIBUTE), SCL_NO_NODE, true);
    else if (py_is_dotted(f, obj))
      add_call(calls, f, i, field_child(f, fnode, F_ATTRIBUTE), obj, false);
  }
}

/* `exports.f = function () {}` / `module.exports.f = () => {}`: the
 * function node and its name, or false. */
static bool js_commonjs_export(const scl_facts *f, uint32_t i, uint32_t *fn, uint32_t *name)
{
  uint32_t left = field_child(f, i, F_LEFT), right = field_child(f, i, F_RIGHT), obj;

  if (!is_kind(f, left, K_MEMBER_EXPRESSION))
    return false;
  if (!is_kind(f, right, K_ARROW_FUNCTION) && !is_kind(f, right, K_FUNCTION_EXPRESSION) &&
      !is_kind(f, right, K_FUNCTION))
    return false;
  obj = field_child(f, left, F_OBJECT);
  if (!text_eq(f, obj, "exports") && !text_eq(f, obj, "module.exports"))
    return false;
  *fn = right;
  *name = field_child(f, left, F_PROPERTY);
  return true;
}

static void js_graph_visit(const scl_facts *f, uint32_t i, fn_vec *fns, call_vec *calls)
{
  uint32_t fnode, obj, value, name;

  if (is_kind(f, i, K_FUNCTION_DECLARATION) || is_kind(f, i, K_GENERATOR_FUNCTION_DECLARATION)) {
    add_fn(fns, f, i, field_child(f, i, F_NAME), false);
  } else if (is_kind(f, i, K_METHOD_DEFINITION)) {
    add_fn(fns, f, i, field_child(f, i, F_NAME), true);
  } else if (is_kind(f, i, K_VARIABLE_DECLARATOR) || is_kind(f, i, K_PUBLIC_FIELD_DEFINITION) ||
             is_kind(f, i, K_FIELD_DEFINITION)) {
    value = field_child(f, i, F_VALUE);
    name = field_child(f, i, F_NAME);
    if (name == SCL_NO_NODE)
      name = field_child(f, i, F_PROPERTY); /* field_definition in JS */
    if (is_kind(f, value, K_ARROW_FUNCTION) || is_kind(f, value, K_FUNCTION_EXPRESSION) ||
        is_kind(f, value, K_FUNCTION))
      add_fn(fns, f, value, name, !is_kind(f, i, K_VARIABLE_DECLARATOR));
  } else if (is_kind(f, i, K_ASSIGNMENT_EXPRESSION)) {
    if (js_commonjs_export(f, i, &value, &name))
      add_fn(fns, f, value, name, false);
  } else if (is_kind(f, i, K_CALL_EXPRESSION)) {
    fnode = field_child(f, i, F_FUNCTION);
    obj = field_child(f, fnode, F_OBJECT);
    if (is_kind(f, fnode, K_IDENTIFIER))
      add_call(calls, f, i, fnode, SCL_NO_NODE, false);
    else if (is_kind(f, fnode, K_MEMBER_EXPRESSION) && is_kind(f, obj, K_THIS))
      add_call(calls, f, i, field_child(f, fnode, F_PROPERTY), SCL_NO_NODE, true);
    else if (is_kind(f, fnode, K_MEMBER_EXPRESSION) && is_kind(f, obj, K_IDENTIFIER))
      add_call(calls, f, i, field_child(f, fnode, F_PROPERTY), obj, false);
  }
}

static void c_graph_visit(const scl_facts *f, uint32_t i, fn_vec *fns, call_vec *calls)
{
  if (is_function_like(f, i)) {
    fn_rec r;
    if (c_function_name(f, i, &r.name, &r.name_len)) {
      r.node = i;
      r.is_method = false;
      SCL_VEC_PUSH(fns, r);
    }
  } else if (is_kind(f, i, K_C_CALL_EXPR)) {
    uint32_t callee = field_child(f, i, F_CALLEE);
    if (callee == SCL_NO_NODE)
      callee = scl_tree_first_child(f->tree, i);
    if (callee != SCL_NO_NODE && !is_kind(f, callee, K_C_DECL_REF_EXPR) &&
        f->nodes[callee].end == callee + 2)
      callee = callee + 1; /* a lone wrapper, e.g. an implicit decay */
    if (is_kind(f, callee, K_C_DECL_REF_EXPR))
      add_call(calls, f, i, callee, SCL_NO_NODE, false);
  }
}

/* Functions and nameable calls at node i, appended to fns and calls. */
static void graph_visit(const scl_facts *f, uint32_t i, fn_vec *fns, call_vec *calls)
{
  if (is_language_py(f))
    py_graph_visit(f, i, fns, calls);
  else if (is_language_js(f))
    js_graph_visit(f, i, fns, calls);
  else if (f->lang == SCL_LANG_C)
    c_graph_visit(f, i, fns, calls);
}

static int fn_cmp_node(const void *a, const void *b)
{
  const fn_rec *x = a, *y = b;
  return x->node < y->node ? -1 : x->node > y->node;
}

static int name_cmp(const char *a, uint32_t al, const char *b, uint32_t bl)
{
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c)
    return c;
  return al < bl ? -1 : al > bl;
}

static int call_cmp(const void *a, const void *b)
{
  const call_rec *x = a, *y = b;
  int c = name_cmp(x->name, x->name_len, y->name, y->name_len);
  if (c)
    return c;
  return x->node < y->node ? -1 : x->node > y->node;
}

static void graph_build(scl_facts *f)
{
  fn_vec fns = { 0 };
  call_vec calls = { 0 };

  f->has_graph = true;
  for (uint32_t i = 0; i < f->tree->count; i++)
    graph_visit(f, i, &fns, &calls);
  if (fns.count)
    qsort(fns.items, fns.count, sizeof(*fns.items), fn_cmp_node);
  if (calls.count)
    qsort(calls.items, calls.count, sizeof(*calls.items), call_cmp);
  f->fn_count = (uint32_t)fns.count;
  f->call_count = (uint32_t)calls.count;
  f->fns = scl_arena_alloc(f->arena, (fns.count + 1) * sizeof(*f->fns));
  f->calls = scl_arena_alloc(f->arena, (calls.count + 1) * sizeof(*f->calls));
  if (fns.count)
    memcpy(f->fns, fns.items, fns.count * sizeof(*fns.items));
  if (calls.count)
    memcpy(f->calls, calls.items, calls.count * sizeof(*calls.items));
  SCL_VEC_FREE(&fns);
  SCL_VEC_FREE(&calls);
}

/* Index in fns of the function whose node is fn, or -1. */
static int64_t fn_index(const scl_facts *f, uint32_t fn)
{
  uint32_t lo = 0, hi = f->fn_count;

  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (f->fns[mid].node < fn)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < f->fn_count && f->fns[lo].node == fn ? (int64_t)lo : -1;
}

/* The innermost named function around node (anonymous ones are skipped), as
 * an index in fns, or -1. */
static int64_t named_enclosing(const scl_facts *f, uint32_t node)
{
  for (uint32_t p = parent_of(f, node); p != SCL_NO_NODE; p = parent_of(f, p)) {
    if (is_function_like(f, p)) {
      int64_t i = fn_index(f, p);
      if (i >= 0)
        return i;
    }
  }
  return -1;
}

/* First index in calls named like fns[fi], or call_count. */
static uint32_t calls_lower_bound(const scl_facts *f, const fn_rec *fn)
{
  uint32_t lo = 0, hi = f->call_count;

  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (name_cmp(f->calls[mid].name, f->calls[mid].name_len, fn->name, fn->name_len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ==== through calls ===================================================== */

static uint32_t direct(const scl_facts *f, scl_fact fact, uint32_t node)
{
  if (fact == SCL_FACT_IN_LOOP)
    return loop_direct(f, node);
  if (fact == SCL_FACT_IN_ASYNC)
    return async_direct(f, node);
  return handler_direct(f, node);
}

static const char *outer_label(scl_fact fact)
{
  if (fact == SCL_FACT_IN_LOOP)
    return "the loop";
  if (fact == SCL_FACT_IN_ASYNC)
    return "is an async function that runs it on the event loop";
  return "the request handler";
}

/* Which through[] slot memoises fact. */
static int through_slot(scl_fact fact)
{
  return fact == SCL_FACT_IN_LOOP ? 0 : fact == SCL_FACT_IN_HANDLER ? 1 : 2;
}

/*
 * Breadth-first search from function f0 up through its callers, so the
 * shortest chain wins; among chains of equal length, the one found first in
 * (caller discovery, call-site node) order, which is deterministic. Each
 * function is visited once, so recursion terminates. Returns the trace in
 * the arena, or NULL.
 *
 * With accept (in-loop only), a call site counts only when one of the loops
 * around it is taken by accept (loop_find); a call site in loops that are
 * all refused is followed further up, like one in no loop.
 */
static scl_fact_trace *through_search(scl_facts *f, scl_fact fact, uint32_t f0,
                                      scl_loop_filter_fn accept, void *payload)
{
  uint32_t head = 0, tail = 0;

  if (!f->seen_gen) {
    size_t n = (size_t)f->fn_count + 1;
    f->seen_gen = scl_arena_alloc(f->arena, n * sizeof(uint32_t));
    f->q_fn = scl_arena_alloc(f->arena, n * sizeof(uint32_t));
    f->q_prev = scl_arena_alloc(f->arena, n * sizeof(uint32_t));
    f->q_call = scl_arena_alloc(f->arena, n * sizeof(uint32_t));
    f->q_depth = scl_arena_alloc(f->arena, n * sizeof(uint32_t));
  }
  f->gen++;
  f->seen_gen[f0] = f->gen;
  f->q_fn[tail] = f0;
  f->q_prev[tail] = UINT32_MAX;
  f->q_call[tail] = SCL_NO_NODE;
  f->q_depth[tail] = 0;
  tail++;

  while (head < tail) {
    uint32_t e = head++;
    const fn_rec *fn = &f->fns[f->q_fn[e]];
    if (f->q_depth[e] >= SCL_MAX_CALL_DEPTH)
      continue;
    for (uint32_t ci = calls_lower_bound(f, fn); ci < f->call_count; ci++) {
      const call_rec *c = &f->calls[ci];
      uint32_t outer;
      int64_t g;
      if (name_cmp(c->name, c->name_len, fn->name, fn->name_len) != 0)
        break;
      if (c->is_member != fn->is_method || c->qual)
        continue; /* jobs.f() names another module's f */
      outer = accept ? loop_find(f, c->node, accept, payload) : direct(f, fact, c->node);
      if (outer != SCL_NO_NODE) {
        scl_fact_trace *tr = scl_arena_alloc(f->arena, sizeof(*tr));
        tr->nodes[0] = outer;
        tr->labels[0] = outer_label(fact);
        tr->nodes[1] = c->node;
        tr->labels[1] = "calls it";
        tr->count = 2;
        for (uint32_t k = e; f->q_call[k] != SCL_NO_NODE && tr->count < SCL_MAX_TRACE;
             k = f->q_prev[k]) {
          tr->nodes[tr->count] = f->q_call[k];
          tr->labels[tr->count] = "calls it";
          tr->count++;
        }
        return tr;
      }
      g = named_enclosing(f, c->node);
      if (g < 0 || f->seen_gen[g] == f->gen)
        continue;
      /* in-async: a call made in an anonymous function (a lambda handed to
       * run_in_executor) does not run where the named function runs */
      if (fact == SCL_FACT_IN_ASYNC &&
          scl_facts_enclosing_function(f, c->node) != f->fns[g].node)
        continue;
      f->seen_gen[g] = f->gen;
      f->q_fn[tail] = (uint32_t)g;
      f->q_prev[tail] = e;
      f->q_call[tail] = c->node;
      f->q_depth[tail] = f->q_depth[e] + 1;
      tail++;
    }
  }
  return NULL;
}

static bool holds_through(scl_facts *f, scl_fact fact, uint32_t node, scl_fact_trace *trace)
{
  int slot = through_slot(fact);
  through_result *r;
  int64_t fi;

  if (!f->has_graph)
    graph_build(f);
  fi = named_enclosing(f, node);
  if (fi < 0)
    return false;
  if (!f->through[slot])
    f->through[slot] =
      scl_arena_alloc(f->arena, ((size_t)f->fn_count + 1) * sizeof(*f->through[slot]));
  r = &f->through[slot][fi];
  if (r->state == 0) {
    r->trace = through_search(f, fact, (uint32_t)fi, NULL, NULL);
    r->state = r->trace ? 2 : 1;
  }
  if (r->state != 2)
    return false;
  if (trace)
    *trace = *r->trace;
  return true;
}

bool scl_facts_holds(scl_facts *facts, scl_fact fact, uint32_t node, bool through_calls,
                     scl_fact_trace *trace)
{
  if (trace)
    trace->count = 0;
  if (!facts || node >= facts->tree->count)
    return false;
  switch (fact) {
  case SCL_FACT_IN_FUNCTION:
    return scl_facts_enclosing_function(facts, node) != SCL_NO_NODE;
  case SCL_FACT_AT_MODULE_SCOPE:
    return at_module_scope(facts, node);
  case SCL_FACT_IN_ASYNC:
  case SCL_FACT_IN_LOOP:
  case SCL_FACT_IN_HANDLER:
    if (direct(facts, fact, node) != SCL_NO_NODE)
      return true;
    return through_calls && holds_through(facts, fact, node, trace);
  case SCL_FACT_COUNT:
    break;
  }
  return false;
}

uint32_t scl_facts_direct(scl_facts *facts, scl_fact fact, uint32_t node)
{
  if (!facts || node >= facts->tree->count || !scl_fact_allows_through_calls(fact))
    return SCL_NO_NODE;
  return direct(facts, fact, node);
}

bool scl_facts_in_loop_where(scl_facts *facts, uint32_t node, bool through_calls,
                             scl_loop_filter_fn accept, void *payload, scl_fact_trace *trace)
{
  int64_t fi;
  scl_fact_trace *tr;

  if (trace)
    trace->count = 0;
  if (!facts || node >= facts->tree->count || !accept)
    return false;
  if (loop_find(facts, node, accept, payload) != SCL_NO_NODE)
    return true;
  if (!through_calls)
    return false;
  if (!facts->has_graph)
    graph_build(facts);
  fi = named_enclosing(facts, node);
  if (fi < 0)
    return false;
  /* not memoised: accept may depend on the match's captures */
  tr = through_search(facts, SCL_FACT_IN_LOOP, (uint32_t)fi, accept, payload);
  if (tr && trace)
    *trace = *tr;
  return tr != NULL;
}

/* ==== the call graph, for summaries ===================================== */

size_t scl_facts_functions(scl_facts *facts, const scl_fact_fn **fns_out)
{
  if (!facts->has_graph)
    graph_build(facts);
  *fns_out = facts->fns;
  return facts->fn_count;
}

size_t scl_facts_calls(scl_facts *facts, const scl_fact_call **calls_out)
{
  if (!facts->has_graph)
    graph_build(facts);
  *calls_out = facts->calls;
  return facts->call_count;
}

int64_t scl_facts_named_function(scl_facts *facts, uint32_t node)
{
  if (!facts || node >= facts->tree->count)
    return -1;
  if (!facts->has_graph)
    graph_build(facts);
  return named_enclosing(facts, node);
}
