/*
 * text.h - small string helpers shared by the loaders.
 */
#ifndef SCL_UTIL_TEXT_H
#define SCL_UTIL_TEXT_H

/* Levenshtein distance of two short strings (keys, rule names), for
 * "did you mean" hints. Strings longer than 64 bytes are "far": the result
 * is 1000. Iterative, one row on the stack. */
unsigned scl_edit_distance(const char *a, const char *b);

#endif
