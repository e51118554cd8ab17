/* util: error messages, growable strings and allocation helpers shared by
 * every core module.  Errors are values: a function that can fail returns 0
 * on success and -1 on failure, and fills an ixt_err the UI can show. */
#ifndef IDXTUNE_UTIL_H
#define IDXTUNE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define IXT_ERR_MAX 1024

typedef struct ixt_err {
    char msg[IXT_ERR_MAX];
} ixt_err;

/* Fills e (if not NULL) with a formatted message.  Always returns -1 so a
 * caller can write `return ixt_err_set(e, "...")`. */
int ixt_err_set(ixt_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears e (if not NULL). */
void ixt_err_clear(ixt_err *e);

/* Allocation that never returns NULL: out of memory aborts, as in htop;
 * there is no useful way for an interactive tool to go on without memory.
 * The hook, if set, runs once just before the abort: the UI gives the
 * terminal back there.  NULL removes it. */
void ixt_set_oom_hook(void (*hook)(void));
void *ixt_xmalloc(size_t n);            /* caller frees */
void *ixt_xcalloc(size_t n, size_t m);  /* caller frees */
void *ixt_xrealloc(void *p, size_t n);  /* caller frees the result */
char *ixt_xstrdup(const char *s);       /* caller frees; NULL gives NULL */
char *ixt_xstrndup(const char *s, size_t n); /* caller frees */
char *ixt_xasprintf(const char *fmt, ...) /* caller frees */
    __attribute__((format(printf, 1, 2)));

/* A growable NUL-terminated string. */
typedef struct ixt_buf {
    char *s;
    size_t len;
    size_t cap;
} ixt_buf;

void ixt_buf_init(ixt_buf *b);
void ixt_buf_add(ixt_buf *b, const char *s);
void ixt_buf_addn(ixt_buf *b, const char *s, size_t n);
void ixt_buf_addc(ixt_buf *b, char c);
void ixt_buf_printf(ixt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ixt_buf_vprintf(ixt_buf *b, const char *fmt, va_list ap);
void ixt_buf_reset(ixt_buf *b);
/* Hands the string to the caller and leaves b empty.  caller frees */
char *ixt_buf_take(ixt_buf *b);
void ixt_buf_free(ixt_buf *b);

/* Collapses runs of white space (newlines, tabs) into one space and trims
 * both ends, in place: how a statement is shown on one line. */
void ixt_squash_ws(char *s);

/* The length of s cut to at most max bytes without splitting a UTF-8
 * character. */
size_t ixt_utf8_cut(const char *s, size_t max);

/* s on one line (ixt_squash_ws), cut to at most max bytes on a character
 * boundary with "..." when it was longer: a statement as an example.
 * caller frees */
char *ixt_one_line(const char *s, size_t max);

/* Trims white space at both ends, in place; returns the start.  borrowed */
char *ixt_trim(char *s);

/* Both NULL, or equal strings: fields that may be absent compare safely. */
bool ixt_streq(const char *a, const char *b);

/* The name within 2 edits of word (case-insensitive), the closest, for
 * "did you mean" hints; NULL when none is that close.  borrowed */
const char *ixt_closest_name(const char *word, const char *const *names, size_t n);

/* Reads a whole file.  caller frees; NULL with e filled on error. */
char *ixt_read_file(const char *path, size_t *len, ixt_err *e);

/* Writes data to path through a temporary file in the same directory,
 * fsync and a rename, so a reader never sees half a file.  Refuses to
 * replace an existing file unless overwrite is true, and never replaces a
 * symbolic link or anything but a regular file.  The file keeps the mode
 * of the one it replaces; a new one gets 0666 less the umask. */
int ixt_write_file_atomic(const char *path, const char *data, size_t len,
                          bool overwrite, ixt_err *e);

/* Monotonic clock in milliseconds. */
double ixt_now_ms(void);

/* The median of v[0..n-1] (the mean of the middle two when n is even, 0
 * when n is 0); sorts v in place, so v[0] is then the least. */
double ixt_median(double *v, size_t n);

/* Formats a duration in ms for humans ("812 ms", "3.4 s", "2 h 05 m") into
 * out; returns out. */
char *ixt_fmt_ms(double ms, char *out, size_t outlen);

/* Formats a byte count ("8.0 kB", "1.2 GB") into out; returns out. */
char *ixt_fmt_bytes(double bytes, char *out, size_t outlen);

/* len bytes of data in base64 (RFC 4648, padded, no line breaks), for the
 * terminal's clipboard sequence.  caller frees */
char *ixt_base64(const void *data, size_t len);

/* The installed data directory of an executable: PREFIX/share/idxtune for
 * PREFIX/bin/idxtune, so an install works under any prefix (or DESTDIR
 * moved into place) without a rebuild.  NULL when exe is not absolute.
 * Pure.  caller frees */
char *ixt_data_dir_for(const char *exe);
/* The same for the running binary (/proc/self/exe, symlinks resolved);
 * NULL when that cannot be read.  caller frees */
char *ixt_data_dir(void);

#endif
