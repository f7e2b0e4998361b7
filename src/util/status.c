/*
 * status.c - scl_status names and scl_diag helpers (public API in status.h).
 */
#include "scalint/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalint/finding.h"

const char *scl_status_str(scl_status status)
{
  switch (status) {
  case SCL_OK: return "ok";
  case SCL_EINVAL: return "invalid argument";
  case SCL_EIO: return "i/o error";
  case SCL_EPARSE: return "parse error";
  case SCL_ERULE: return "rule error";
  case SCL_ELIMIT: return "limit exceeded";
  case SCL_ECONFIG: return "config error";
  case SCL_ESKIP: return "skipped";
  case SCL_EINTERNAL: return "internal error";
  }
  return "unknown status";
}

void scl_diag_clear(scl_diag *diag)
{
  if (!diag)
    return;
  diag->status = SCL_OK;
  diag->path[0] = '\0';
  diag->line = diag->col = 0;
  diag->msg[0] = '\0';
}

static void vset(scl_diag *diag, scl_status status, const char *fmt, va_list ap)
{
  diag->status = status;
  int n = vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
  if (n >= (int)sizeof(diag->msg))
    memcpy(diag->msg + sizeof(diag->msg) - 4, "...", 4);
}

scl_status scl_diag_set(scl_diag *diag, scl_status status, const char *fmt, ...)
{
  if (!diag)
    return status;
  diag->path[0] = '\0';
  diag->line = diag->col = 0;
  va_list ap;
  va_start(ap, fmt);
  vset(diag, status, fmt, ap);
  va_end(ap);
  return status;
}

scl_status scl_diag_set_at(scl_diag *diag, scl_status status, const char *path, unsigned line,
                           unsigned col, const char *fmt, ...)
{
  if (!diag)
    return status;
  snprintf(diag->path, sizeof(diag->path), "%s", path ? path : "");
  diag->line = line;
  diag->col = col;
  va_list ap;
  va_start(ap, fmt);
  vset(diag, status, fmt, ap);
  va_end(ap);
  return status;
}

void scl_diag_format(const scl_diag *diag, char *buf, unsigned long buf_size)
{
  if (diag->path[0] && diag->line && diag->col)
    snprintf(buf, buf_size, "%s:%u:%u: %s", diag->path, diag->line, diag->col, diag->msg);
  else if (diag->path[0] && diag->line)
    snprintf(buf, buf_size, "%s:%u: %s", diag->path, diag->line, diag->msg);
  else if (diag->path[0])
    snprintf(buf, buf_size, "%s: %s", diag->path, diag->msg);
  else
    snprintf(buf, buf_size, "%s", diag->msg);
}

const char *scl_level_str(scl_level level)
{
  switch (level) {
  case SCL_LEVEL_NOTE: return "note";
  case SCL_LEVEL_WARNING: return "warning";
  case SCL_LEVEL_ERROR: return "error";
  case SCL_LEVEL_NONE: break;
  }
  return "none";
}

int scl_level_parse(const char *name)
{
  if (!strcmp(name, "note")) return SCL_LEVEL_NOTE;
  if (!strcmp(name, "warning")) return SCL_LEVEL_WARNING;
  if (!strcmp(name, "error")) return SCL_LEVEL_ERROR;
  if (!strcmp(name, "none") || !strcmp(name, "never")) return SCL_LEVEL_NONE;
  return -1;
}
