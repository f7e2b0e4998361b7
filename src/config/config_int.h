/*
 * config_int.h - what the files of src/config/ share and nobody else sees:
 * error reporting at a config file's line:col and the closeness test behind
 * every "did you mean".
 */
#ifndef SCL_CONFIG_CONFIG_INT_H
#define SCL_CONFIG_CONFIG_INT_H

#include "config/config.h"

/*
 * scl_config_reporter - where problems go while a config file is checked.
 *   path          the config file, for file:line:col
 *   diag          the caller's diag: receives the first problem
 *   error_count   problems reported so far
 */
typedef struct scl_config_reporter {
  const char *path;
  scl_error_fn on_error;
  void *payload;
  scl_diag *diag;
  unsigned error_count;
} scl_config_reporter;

/* Reports one problem at line:col of the config file, status status. */
void scl_config__error(scl_config_reporter *rep, scl_status status, unsigned line, unsigned col,
                       const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 5, 6)))
#endif
  ;

/* True when a typo of `want` is a plausible reading of `got`: distance at
 * most 2 and at most a third of want's length (rounded up). */
bool scl_config__is_close(const char *got, const char *want, unsigned *distance_out);

#endif
