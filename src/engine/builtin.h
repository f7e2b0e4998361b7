/*
 * builtin.h - the rule files embedded into the binary at build time.
 *
 * The table is defined in builtin_rules.c, which is generated into the build
 * directory by cmake/EmbedRules.cmake from the rules/ YAML files (sorted) and
 * is never edited by hand. The last entry is all NULL/0.
 */
#ifndef SCL_ENGINE_BUILTIN_H
#define SCL_ENGINE_BUILTIN_H

#include <stddef.h>

/*
 * scl_builtin_rule - one embedded rule file.
 *   origin  "rules/<file name>", used in messages
 *   text    the file's bytes (NUL-terminated; len excludes the NUL)
 */
typedef struct scl_builtin_rule {
  const char *origin;
  const char *text;
  size_t len;
} scl_builtin_rule;

extern const scl_builtin_rule scl_builtin_rules[];

#endif
