/*
 * frontend.c - the front-end entry points: start-up, per-worker state and
 * dispatch by language to the tree-sitter, libclang or SQL back-end.
 *
 * Must not parse anything itself, and must not include a parser API: the
 * back-ends own those. Start-up and shutdown are not thread-safe (call them
 * from the main thread before and after the workers run); everything else is
 * per-worker.
 */
#include "frontend/frontend.h"

#include <stdbool.h>
#include <stdlib.h>

#include "frontend/fe_internal.h"
#include "util/alloc.h"

/* scl_frontend - one worker's parsers: a TSParser and a CXIndex. */
struct scl_frontend {
  void *ts_parser;  /* TSParser *, reused across files */
  void *cx_index;   /* CXIndex, one translation unit per file */
};

static bool frontends_ready;

scl_status scl_frontends_init(scl_diag *diag)
{
  scl_status st;

  if (frontends_ready)
    return SCL_OK;
  st = scl_frontend__ts_init(diag);
  if (st != SCL_OK)
    goto cleanup;
  st = scl_frontend__c_init(diag);
  if (st != SCL_OK)
    goto cleanup;
  st = scl_frontend__sql_init(diag);
  if (st != SCL_OK)
    goto cleanup;
  frontends_ready = true;

cleanup:
  if (st != SCL_OK) {
    scl_frontend__ts_shutdown();
    scl_frontend__c_shutdown();
    scl_frontend__sql_shutdown();
  }
  return st;
}

void scl_frontends_shutdown(void)
{
  scl_frontend__ts_shutdown();
  scl_frontend__c_shutdown();
  scl_frontend__sql_shutdown();
  frontends_ready = false;
}

const scl_kinds *scl_frontend_kinds(scl_lang lang)
{
  if (lang == SCL_LANG_C)
    return scl_frontend__c_kinds();
  if (lang == SCL_LANG_SQL)
    return scl_frontend__sql_kinds();
  return scl_frontend__ts_kinds(lang);
}

scl_status scl_frontend_new(scl_frontend **out, scl_diag *diag)
{
  scl_frontend *fe;

  *out = NULL;
  if (!frontends_ready)
    return scl_diag_set(diag, SCL_EINTERNAL, "scl_frontend_new called before scl_frontends_init");
  fe = scl_xcalloc(1, sizeof(*fe));
  fe->ts_parser = scl_frontend__ts_parser_new();
  fe->cx_index = scl_frontend__c_index_new();
  *out = fe;
  return SCL_OK;
}

void scl_frontend_set_c_mode(scl_frontend *fe, scl_c_mode mode)
{
  scl_frontend__c_index_set_mode(fe->cx_index, (int)mode);
}

void scl_frontend_free(scl_frontend *fe)
{
  if (!fe)
    return;
  scl_frontend__ts_parser_free(fe->ts_parser);
  scl_frontend__c_index_free(fe->cx_index);
  free(fe);
}

scl_status scl_frontend_parse(scl_tree *out, scl_frontend *fe, scl_lang lang, const char *path,
                              const char *src, size_t len, scl_arena *arena, scl_diag *diag)
{
  switch (lang) {
  case SCL_LANG_PY:
  case SCL_LANG_JS:
  case SCL_LANG_TS:
  case SCL_LANG_TSX:
    return scl_frontend__ts_parse(out, fe->ts_parser, lang, path, src, len, arena, diag);
  case SCL_LANG_C:
    return scl_frontend__c_parse(out, fe->cx_index, path, src, len, arena, diag);
  case SCL_LANG_SQL:
    return scl_frontend__sql_parse(out, path, src, len, arena, diag);
  case SCL_LANG_NONE:
  case SCL_LANG_COUNT:
    break;
  }
  return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "no front-end for language %d", (int)lang);
}
