/*
 * summary.h - what the engine remembers about one scanned file so that the
 * link stage can follow "through a call" facts across files: the file's
 * named functions, its nameable call sites (and whether in-loop/in-handler
 * already hold at each), its import bindings, and the findings that wait for
 * a caller in another file (deferred findings).
 *
 * Plain data, no handles and no tree: every pointer here (strings, arrays)
 * lives in the arena the engine was given (a worker's out arena, run
 * lifetime), so summaries outlive the per-file scratch memory. Built by
 * scl_engine_scan (src/engine/summarize.c), read by scl_link (link.c).
 */
#ifndef SCL_LINK_SUMMARY_H
#define SCL_LINK_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalint/finding.h"
#include "syntax/lang.h"

/* The facts that can hold through calls, as bit positions of the masks below. */
typedef enum scl_sum_fact {
  SCL_SUM_IN_LOOP = 0,
  SCL_SUM_IN_HANDLER = 1,
  SCL_SUM_FACT_COUNT
} scl_sum_fact;

/* scl_sum_fn - a named function defined in the file. */
typedef struct scl_sum_fn {
  const char *name;
  bool is_method;      /* reached as self.f() / this.f() only */
} scl_sum_fn;

/*
 * scl_sum_binding - a name an import binds (see scl_fact_binding in
 * engine/facts.h): local name, the name in the module ("default" for a JS
 * default import, NULL when local names the module itself), the module as
 * written in the import.
 */
typedef struct scl_sum_binding {
  const char *local;
  const char *imported;
  const char *module;
} scl_sum_binding;

/*
 * scl_sum_call - one call site whose callee can be named.
 *   name        the called name: `f` in f(), jobs.f(), self.f()
 *   qual        `jobs` / `app.jobs` in jobs.f(); NULL for f() and self.f()
 *   caller      index into the file's fns of the named function around the
 *               call, -1 at module scope
 *   span        the whole call
 *   holds       bit (1 << scl_sum_fact) set when the fact holds at the call
 *               within its own file, directly or through calls there
 *   via, via_count   for each set bit: the related locations that explain it,
 *               in flow order (the outer loop or handler, then the call sites
 *               down to this call's function); the call itself is not in it
 */
typedef struct scl_sum_call {
  const char *name;
  const char *qual;
  bool is_member;
  int32_t caller;
  scl_span span;
  unsigned holds;
  const scl_location *via[SCL_SUM_FACT_COUNT];
  uint32_t via_count[SCL_SUM_FACT_COUNT];
} scl_sum_call;

/*
 * scl_sum_deferred - a match that passed every constraint of its rule but a
 * through-calls fact that does not hold within its file.
 *   finding   complete as it would be reported (related empty)
 *   need      fact bits: the finding fires if any holds at a caller
 *   fn        index into the file's fns: the named function around the match
 */
typedef struct scl_sum_deferred {
  scl_finding finding;
  unsigned need;
  int32_t fn;
} scl_sum_deferred;

/*
 * scl_sum_keyed - a finding of a built-in check that stands unless some file
 * of the scan lists its key among its cancel_keys (SCL006: a foreign key,
 * cancelled by an index that covers it in any .sql file).
 */
typedef struct scl_sum_keyed {
  scl_finding finding;
  const char *key;
} scl_sum_keyed;

/*
 * scl_file_summary - one file's summary. path is the finding path (the same
 * string the file's findings use). A file whose language no through-calls
 * rule applies to has only path and lang.
 *   default_export   JS/TS: the function exported as default, or NULL
 */
typedef struct scl_file_summary {
  const char *path;
  scl_lang lang;
  const scl_sum_fn *fns;
  size_t fn_count;
  const scl_sum_call *calls;
  size_t call_count;
  const scl_sum_binding *bindings;
  size_t binding_count;
  const char *default_export;
  const scl_sum_deferred *deferred;
  size_t deferred_count;
  const scl_sum_keyed *keyed;
  size_t keyed_count;
  const char *const *cancel_keys;
  size_t cancel_key_count;
} scl_file_summary;

#endif
