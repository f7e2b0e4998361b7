/*
 * lang.c - language names and rule-file keys.
 */
#include "syntax/lang.h"

#include <string.h>

const char *scl_lang_name(scl_lang lang)
{
  switch (lang) {
  case SCL_LANG_PY: return "python";
  case SCL_LANG_JS: return "javascript";
  case SCL_LANG_TS: return "typescript";
  case SCL_LANG_TSX: return "tsx";
  case SCL_LANG_C: return "c";
  case SCL_LANG_SQL: return "sql";
  case SCL_LANG_NONE:
  case SCL_LANG_COUNT: break;
  }
  return "none";
}

const char *scl_lang_key(scl_lang lang)
{
  switch (lang) {
  case SCL_LANG_PY: return "py";
  case SCL_LANG_JS: return "js";
  case SCL_LANG_TS:
  case SCL_LANG_TSX: return "ts";
  case SCL_LANG_C: return "c";
  case SCL_LANG_SQL: return "sql";
  case SCL_LANG_NONE:
  case SCL_LANG_COUNT: break;
  }
  return "";
}

int scl_lang_matches_key(scl_lang lang, const char *key)
{
  return strcmp(scl_lang_key(lang), key) == 0;
}
