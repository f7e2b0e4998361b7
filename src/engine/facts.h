/*
 * facts.h - properties of a node that the engine computes the same way for
 * every language, for rules to use (`fact: in-loop`). Defined for rule
 * authors in rules/README.md ("Facts").
 *
 * Language knowledge (which node kinds are loops, functions, calls,
 * decorators, imports) lives in the per-language tables of facts.c, keyed by
 * kind names resolved once against each language's scl_kinds.
 */
#ifndef SCL_ENGINE_FACTS_H
#define SCL_ENGINE_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalint/status.h"
#include "syntax/lang.h"
#include "syntax/tree.h"
#include "util/arena.h"
#include "util/limits.h"

typedef enum scl_fact {
  SCL_FACT_IN_LOOP,
  SCL_FACT_IN_HANDLER,
  SCL_FACT_IN_ASYNC,
  SCL_FACT_IN_FUNCTION,
  SCL_FACT_AT_MODULE_SCOPE,
  SCL_FACT_COUNT
} scl_fact;

/* "in-loop" -> SCL_FACT_IN_LOOP, ...; -1 if unknown. */
int scl_fact_parse(const char *name);
const char *scl_fact_name(scl_fact fact);
/* Whether through-calls is meaningful for the fact (in-loop, in-handler,
 * in-async). */
bool scl_fact_allows_through_calls(scl_fact fact);

/*
 * scl_fact_trace - why a fact holds through calls, in flow order: the outer
 * loop (or handler function), then each call site down to the function that
 * contains the node. Empty when the fact holds directly.
 *   nodes[i]   node index in the same tree
 *   labels[i]  static text: "the loop", "the request handler", "calls it"
 */
#define SCL_MAX_TRACE (2 * SCL_MAX_CALL_DEPTH + 2)
typedef struct scl_fact_trace {
  uint32_t nodes[SCL_MAX_TRACE];
  const char *labels[SCL_MAX_TRACE];
  unsigned count;
} scl_fact_trace;

/* scl_facts - per-file state (lazy caches), allocated in the scratch arena. */
typedef struct scl_facts scl_facts;

/*
 * Prepares facts for tree (borrowed; must outlive the facts). Cheap: heavy
 * work (the call graph for through-calls, the import list) is done on first
 * use. All memory in scratch.
 */
scl_facts *scl_facts_new(const scl_tree *tree, scl_lang lang, scl_arena *scratch);

/*
 * Does fact hold at node? With through_calls (in-loop, in-handler, in-async),
 * also when the node's enclosing function is called, directly or through up
 * to SCL_MAX_CALL_DEPTH calls resolved by name in this file, from a place
 * where the fact holds directly; recursion never loops. trace (may be NULL)
 * receives the outer loop/handler/async function and the call sites when the
 * fact holds only through calls (count 0 otherwise). For in-async, a call
 * made inside an anonymous function (a lambda passed to an executor) is not
 * followed.
 */
bool scl_facts_holds(scl_facts *facts, scl_fact fact, uint32_t node, bool through_calls,
                     scl_fact_trace *trace);

/*
 * Module names the file imports: Python `import a.b` -> "a.b", `from a.b
 * import c` -> "a.b" (and "a.b.c"), relative imports keep their dots;
 * JS/TS `import ... from "x"`, `require("x")`, `import("x")` -> "x"; C
 * `#include <x.h>` / "x.h" -> "x.h". *names_out points into facts' memory.
 */
size_t scl_facts_imports(scl_facts *facts, const char *const **names_out);

/* The innermost function-like node containing node (def, lambda, arrow,
 * method, C FunctionDecl), or SCL_NO_NODE at module scope. */
uint32_t scl_facts_enclosing_function(scl_facts *facts, uint32_t node);

/*
 * scl_loop_filter_fn - says whether a loop node (a for/while/do statement, a
 * comprehension, or a JS `xs.forEach(...)`-style call) counts.
 */
typedef bool (*scl_loop_filter_fn)(void *payload, uint32_t loop);

/*
 * in-loop restricted to the loops accept() takes (a rule's `loop:` option):
 * true when a loop that runs node, in its own function (any nesting level,
 * and past a JS iteration callback the loops around it), is accepted, or,
 * with through_calls, when a call site of node's function (up to
 * SCL_MAX_CALL_DEPTH calls deep, by name in this file) is run by an
 * accepted loop. Call sites in refused loops are followed further up. trace
 * as for scl_facts_holds (its first node is the accepted loop). Not
 * memoised: each call searches again.
 */
bool scl_facts_in_loop_where(scl_facts *facts, uint32_t node, bool through_calls,
                             scl_loop_filter_fn accept, void *payload, scl_fact_trace *trace);

/*
 * For in-loop, in-handler and in-async: the loop (or handler function) that makes the
 * fact hold at node directly, in node's own function, or SCL_NO_NODE. The
 * same test as scl_facts_holds without through_calls.
 */
uint32_t scl_facts_direct(scl_facts *facts, scl_fact fact, uint32_t node);

/* ---- the call graph, for the link stage's summaries ---- */

/*
 * scl_fact_fn - a named function: a def, function declaration, method, a
 * variable/field initialised with a function expression, or a CommonJS
 * `exports.f = function ...`. name points into the source (borrowed).
 *   is_method   called as self.f() / this.f()
 */
typedef struct scl_fact_fn {
  uint32_t node;
  const char *name;
  uint32_t name_len;
  bool is_method;
} scl_fact_fn;

/*
 * scl_fact_call - a call whose target can be named. name and qual point
 * into the source (borrowed).
 *   qual        the receiver of a qualified call, `jobs` in jobs.f() or
 *               `app.jobs` in app.jobs.f() (Python identifiers and dotted
 *               attributes, JS identifiers); NULL otherwise. Never resolved
 *               within the file: only an import can say what it names.
 *   is_member   self.f() / cls.f() / this.f()
 */
typedef struct scl_fact_call {
  uint32_t node;
  const char *name;
  uint32_t name_len;
  const char *qual;
  uint32_t qual_len;
  bool is_member;
} scl_fact_call;

/* The file's named functions, sorted by node. *fns_out points into facts'
 * memory (valid as long as the scratch arena). */
size_t scl_facts_functions(scl_facts *facts, const scl_fact_fn **fns_out);

/* The file's nameable calls, in no particular order. *calls_out as above. */
size_t scl_facts_calls(scl_facts *facts, const scl_fact_call **calls_out);

/* The innermost named function around node (anonymous ones are skipped, as
 * the through-calls search does), as an index into scl_facts_functions(),
 * or -1 at module scope. */
int64_t scl_facts_named_function(scl_facts *facts, uint32_t node);

/*
 * scl_fact_binding - one name an import statement binds in the file.
 *   local     the name the file uses: `s` in `from jobs import f as s`,
 *             `jobs` in `import * as jobs from "./jobs"`, `app.jobs` in
 *             `import app.jobs`
 *   imported  the name in the module (`f`), "default" for a JS default
 *             import, NULL when local names the module itself
 *   module    as written: "jobs", ".jobs", "..", "./jobs"
 */
typedef struct scl_fact_binding {
  const char *local;
  const char *imported;
  const char *module;
} scl_fact_binding;

/*
 * The import bindings of a Python or JS/TS file (none for C: its functions
 * are global by name): `import m`, `import a.b as m`, `from m import f as g`,
 * relative imports; `import {f as g} from`, `import * as m from`, default
 * imports, `import m = require()`, `const m = require()`,
 * `const {f, g: h} = require()`. *default_out (may be NULL) receives the
 * name of the JS function exported as default (`export default function f`,
 * `export default f`, `module.exports = f`) or NULL. Everything points into
 * facts' memory.
 */
size_t scl_facts_bindings(scl_facts *facts, const scl_fact_binding **bindings_out,
                          const char **default_out);

#endif
