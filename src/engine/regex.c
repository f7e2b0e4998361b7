/*
 * regex.c - PCRE2 behind scl_regex (API in engine/regex.h).
 *
 * A compiled scl_regex is immutable after scl_regex_compile: its code, JIT
 * code and match context are only read by scl_regex_search, so any number of
 * threads may search with it at once. The one piece of mutable state is the
 * match data, which lives in a per-thread cache. This is the only file that
 * includes <pcre2.h>; it must not print, exit, or keep an error anywhere but
 * the caller's scl_diag. Every PCRE2 allocation goes through scl_xmalloc, so
 * running out of memory aborts here as it does everywhere else.
 */
#include "engine/regex.h"

#include <stdlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util/alloc.h"

/* Backtracking steps one search may take before it gives up (and counts as
 * no match). A million is far above what rule patterns need on a source
 * line or identifier, and stops (a+)+$-style blow-ups within milliseconds. */
#define MATCH_LIMIT 1000000u

/* Heap the interpreter may use for backtracking frames in one search, in
 * KiB. 16 MiB: rule patterns need a few KiB; the cached match data keeps
 * what a thread used, so this also bounds what each worker holds. */
#define HEAP_LIMIT_KIB (16u * 1024u)

/* Capture pairs in the cached match data. Only "did it match" is reported,
 * and PCRE2 still reports a match when a pattern has more groups than this. */
#define MATCH_PAIRS 32u

/*
 * scl_regex - a compiled pattern.
 *   code    compiled pattern, JIT-compiled too when PCRE2 supports it
 *   mctx    match limits shared by every search with this pattern
 *   source  copy of the pattern text
 */
struct scl_regex {
  pcre2_code *code;
  pcre2_match_context *mctx;
  char *source;
};

/* Match data of the calling thread, created on its first search. Freed by
 * scl_regex_thread_cleanup(); otherwise kept (one small block per thread)
 * for the life of the process. */
static _Thread_local pcre2_match_data *tl_match_data;

/* ---------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------- */

static void *pcre_alloc(PCRE2_SIZE size, void *payload)
{
  return scl_xmalloc(size);
}

static void pcre_free(void *ptr, void *payload)
{
  free(ptr);
}

/* A general context that routes PCRE2's allocations to scl_xmalloc. Objects
 * created from it copy the allocator, so the caller frees it right after. */
static pcre2_general_context *general_context_new(void)
{
  return pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
}

static pcre2_match_data *thread_match_data(void)
{
  if (!tl_match_data) {
    pcre2_general_context *gctx = general_context_new();
    tl_match_data = pcre2_match_data_create(MATCH_PAIRS, gctx);
    pcre2_general_context_free(gctx);
  }
  return tl_match_data;
}

/* ---------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------- */

scl_status scl_regex_compile(scl_regex **out, const char *pattern, scl_diag *diag)
{
  *out = NULL;
  if (!pattern)
    return scl_diag_set(diag, SCL_EINVAL, "no regex pattern given");

  scl_status status = SCL_OK;
  pcre2_general_context *gctx = general_context_new();
  pcre2_compile_context *cctx = pcre2_compile_context_create(gctx);
  scl_regex *re = scl_xcalloc(1, sizeof(*re));

  /* MATCH_INVALID_UTF: subjects are raw source bytes, and invalid UTF-8 in
   * them must simply not match rather than fail the search. */
  int err_code = 0;
  PCRE2_SIZE err_offset = 0;
  re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                           PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err_code, &err_offset, cctx);
  if (!re->code) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(err_code, msg, sizeof(msg)) < 0)
      msg[0] = '\0';
    status = scl_diag_set_at(diag, SCL_ERULE, NULL, 0, (unsigned)err_offset + 1, "%s",
                             msg[0] ? (const char *)msg : "invalid regex");
    goto cleanup;
  }
  /* Without JIT support (or on failure) pcre2_match uses the interpreter. */
  (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);

  re->mctx = pcre2_match_context_create(gctx);
  pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
  pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
  re->source = scl_xstrdup(pattern);
  *out = re;
  re = NULL;

cleanup:
  scl_regex_free(re);
  pcre2_compile_context_free(cctx);
  pcre2_general_context_free(gctx);
  return status;
}

void scl_regex_free(scl_regex *re)
{
  if (!re)
    return;
  pcre2_code_free(re->code);
  pcre2_match_context_free(re->mctx);
  free(re->source);
  free(re);
}

bool scl_regex_search(const scl_regex *re, const char *subject, size_t len)
{
  if (!re)
    return false;
  if (!subject) {
    subject = "";
    len = 0;
  }
  pcre2_match_data *md = thread_match_data();
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, re->mctx);
  /* The JIT stack is small and fixed; the interpreter's frames live on the
   * heap under HEAP_LIMIT_KIB, so it can finish what JIT could not. */
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_JIT, md, re->mctx);
  /* rc == 0 is a match with more groups than MATCH_PAIRS. */
  return rc >= 0;
}

const char *scl_regex_source(const scl_regex *re)
{
  return re ? re->source : NULL;
}

void scl_regex_thread_cleanup(void)
{
  pcre2_match_data_free(tl_match_data);
  tl_match_data = NULL;
}
