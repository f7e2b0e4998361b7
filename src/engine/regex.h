/*
 * regex.h - PCRE2 behind a small API; the only place that includes pcre2.h.
 *
 * A compiled regex is immutable and shared by all worker threads; match
 * data is created per call from a small per-thread cache (no locking).
 * JIT is used when PCRE2 has it.
 */
#ifndef SCL_ENGINE_REGEX_H
#define SCL_ENGINE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "scalint/status.h"

typedef struct scl_regex scl_regex;

/*
 * Compiles pattern (UTF-8, PCRE2 syntax). On error returns SCL_ERULE with
 * diag->msg = PCRE2's message and diag->col = 1-based offset in pattern.
 * Caller frees with scl_regex_free.
 */
scl_status scl_regex_compile(scl_regex **out, const char *pattern, scl_diag *diag);
void scl_regex_free(scl_regex *re);
/* Searches subject (len bytes, need not be NUL-terminated). A match-limit or
 * other runtime error counts as no match. */
bool scl_regex_search(const scl_regex *re, const char *subject, size_t len);
/* The source text of the pattern. */
const char *scl_regex_source(const scl_regex *re);
/*
 * Frees the calling thread's cached match data (created by its first
 * scl_regex_search). Worker threads call it before they exit; a thread that
 * never calls it keeps one small block until the process ends. Safe to call
 * more than once, and from a thread that never searched.
 */
void scl_regex_thread_cleanup(void);

#endif
