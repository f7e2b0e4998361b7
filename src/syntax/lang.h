/*
 * lang.h - the languages scalint parses, and their rule-file keys.
 */
#ifndef SCL_SYNTAX_LANG_H
#define SCL_SYNTAX_LANG_H

typedef enum scl_lang {
  SCL_LANG_NONE = 0,
  SCL_LANG_PY,
  SCL_LANG_JS,   /* also JSX */
  SCL_LANG_TS,
  SCL_LANG_TSX,
  SCL_LANG_C,
  SCL_LANG_SQL,  /* .sql files: schema statements, for text and schema rules */
  SCL_LANG_COUNT
} scl_lang;

/* Grammar name for messages: "python", "javascript", "typescript", "tsx", "c", "sql". */
const char *scl_lang_name(scl_lang lang);
/* Rule-file key: "py", "js", "ts" (TS and TSX share it), "c", "sql". */
const char *scl_lang_key(scl_lang lang);
/* True when a rule written for key (py/js/ts/c) applies to lang. */
int scl_lang_matches_key(scl_lang lang, const char *key);

#endif
