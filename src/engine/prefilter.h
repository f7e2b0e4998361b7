/*
 * prefilter.h - skip files that no rule can match, before parsing them.
 *
 * Every rule needs some text to be present: SCL001 cannot fire in a file
 * without `to_list` or `limit`, SCL060 not without `select`. From each kept
 * rule the prefilter derives, per language, a formula over literal tokens
 * (from the rule's regexes and the tokens its patterns spell out, see
 * relit.h), or takes the tokens the rule file declares under `prefilter:`.
 * A file whose bytes satisfy no rule's formula cannot produce a finding of
 * its own, so it is not parsed. One scan of the bytes (a scl_litset, every
 * byte read once) answers for all rules at once.
 *
 * A language where some rule yields no condition (TRUE) is not filtered at
 * all. Files mentioning `scalint` always pass, so inline suppressions are
 * seen (and reported when unused) exactly as without the prefilter.
 *
 * Cross-file findings need more than this: see the second pass in
 * src/run/run.c, which parses skipped files that mention the functions the
 * first pass found doing the work a rule looks for.
 *
 * Built once after scl_ruleset_compile; read-only afterwards, shared by all
 * workers.
 */
#ifndef SCL_ENGINE_PREFILTER_H
#define SCL_ENGINE_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "scalint/status.h"
#include "syntax/lang.h"

typedef struct scl_prefilter scl_prefilter;

/* Builds the prefilter of rs's kept rules (rs must be compiled). */
scl_status scl_prefilter_new(scl_prefilter **out, const scl_ruleset *rs, scl_diag *diag);
void scl_prefilter_free(scl_prefilter *pf);

/* Whether files of lang are filtered at all (false: every file is wanted). */
bool scl_prefilter_is_active(const scl_prefilter *pf, scl_lang lang);

/* False when no kept rule can match a file of lang with these bytes. */
bool scl_prefilter_wants(const scl_prefilter *pf, scl_lang lang, const char *buf, size_t len);

/* The same question for one kept rule (by id); true for an unknown id. */
bool scl_prefilter_rule_wants(const scl_prefilter *pf, const char *rule_id, scl_lang lang,
                              const char *buf, size_t len);

/* The condition of rule_id for lang, readable ("(\bto_list\b | \blimit\b)"),
 * or NULL when the rule has no matcher for lang. The string lives as long
 * as pf. */
const char *scl_prefilter_describe(const scl_prefilter *pf, const char *rule_id, scl_lang lang);

#endif
