/* util: errors, strings, files and clocks shared by the core. */
#include "idxtune/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ixt_err_set(ixt_err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void ixt_err_clear(ixt_err *e)
{
    if (e)
        e->msg[0] = '\0';
}

static void (*oom_hook)(void);

void ixt_set_oom_hook(void (*hook)(void))
{
    oom_hook = hook;
}

static void *oom_check(void *p)
{
    if (!p) {
        /* cleared first: a hook that runs out of memory itself must not loop */
        void (*hook)(void) = oom_hook;
        oom_hook = NULL;
        if (hook)
            hook();
        abort();
    }
    return p;
}

void *ixt_xmalloc(size_t n) { return oom_check(malloc(n ? n : 1)); }
void *ixt_xcalloc(size_t n, size_t m) { return oom_check(calloc(n ? n : 1, m ? m : 1)); }
void *ixt_xrealloc(void *p, size_t n) { return oom_check(realloc(p, n ? n : 1)); }

char *ixt_xstrdup(const char *s)
{
    return s ? oom_check(strdup(s)) : NULL;
}

char *ixt_xstrndup(const char *s, size_t n)
{
    return oom_check(strndup(s, n));
}

char *ixt_xasprintf(const char *fmt, ...)
{
    ixt_buf b;
    va_list ap;
    ixt_buf_init(&b);
    va_start(ap, fmt);
    ixt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return ixt_buf_take(&b);
}

void ixt_buf_init(ixt_buf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
}

static void buf_grow(ixt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->s = ixt_xrealloc(b->s, cap);
    b->cap = cap;
}

void ixt_buf_addn(ixt_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ixt_buf_add(ixt_buf *b, const char *s)
{
    ixt_buf_addn(b, s, strlen(s));
}

void ixt_buf_addc(ixt_buf *b, char c)
{
    ixt_buf_addn(b, &c, 1);
}

void ixt_buf_vprintf(ixt_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    buf_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ixt_buf_printf(ixt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ixt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ixt_buf_reset(ixt_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *ixt_buf_take(ixt_buf *b)
{
    char *s = b->s ? b->s : ixt_xstrdup("");
    ixt_buf_init(b);
    return s;
}

void ixt_buf_free(ixt_buf *b)
{
    free(b->s);
    ixt_buf_init(b);
}

void ixt_squash_ws(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            space = w != s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
}

size_t ixt_utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

char *ixt_one_line(const char *s, size_t max)
{
    char *one = ixt_xstrdup(s);
    ixt_squash_ws(one);
    size_t cut = ixt_utf8_cut(one, max);
    char *r = ixt_xasprintf("%.*s%s", (int)cut, one, one[cut] ? "..." : "");
    free(one);
    return r;
}

char *ixt_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

bool ixt_streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

char *ixt_read_file(const char *path, size_t *len, ixt_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ixt_err_set(e, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    ixt_buf b;
    ixt_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ixt_buf_addn(&b, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        ixt_buf_free(&b);
        ixt_err_set(e, "cannot read %s", path);
        return NULL;
    }
    if (len)
        *len = b.len;
    return ixt_buf_take(&b);
}

/* The process's umask without changing it (umask() can only be read by
 * setting it, which would race with other threads creating files). */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned mask = 0;
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = sscanf(line, "Umask: %o", &mask) == 1;
    if (f)
        fclose(f);
    if (found)
        return (mode_t)mask;
    mode_t m = umask(022);
    umask(m);
    return m;
}

static int write_all(int fd, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

int ixt_write_file_atomic(const char *path, const char *data, size_t len,
                          bool overwrite, ixt_err *e)
{
    struct stat st;
    mode_t mode;
    if (lstat(path, &st) == 0) {
        /* a rename would replace the link itself, not what it points to:
         * neither is what the user may expect, so ask for the real path */
        if (S_ISLNK(st.st_mode))
            return ixt_err_set(e, "%s is a symbolic link: give the path of the file itself", path);
        if (!S_ISREG(st.st_mode))
            return ixt_err_set(e, "%s is not a regular file", path);
        if (!overwrite)
            return ixt_err_set(e, "%s already exists (use --force to replace it)", path);
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        return ixt_err_set(e, "cannot write %s: %s", path, strerror(errno));
    } else {
        mode = 0666 & ~current_umask();
    }
    char *tmp = ixt_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ixt_err_set(e, "cannot create a file next to %s: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes 0600: the file gets the mode the replaced one had, or
     * the one any new file of the user would get */
    int rc = write_all(fd, data, len) == 0 && fchmod(fd, mode) == 0 && fsync(fd) == 0 ? 0 : -1;
    int err = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        err = errno;
    }
    if (rc != 0) {
        ixt_err_set(e, "cannot write %s: %s", path, strerror(err));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

double ixt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double ixt_median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

char *ixt_fmt_ms(double ms, char *out, size_t outlen)
{
    /* NaN and absurd values (from a hostile plan) must not reach the
     * integer conversions below */
    if (isnan(ms) || ms > 1e15)
        snprintf(out, outlen, "?");
    else if (ms < 0)
        snprintf(out, outlen, "-");
    else if (ms < 10)
        snprintf(out, outlen, "%.2f ms", ms);
    else if (ms < 1000)
        snprintf(out, outlen, "%.0f ms", ms);
    else if (ms < 60000)
        snprintf(out, outlen, "%.1f s", ms / 1000);
    else if (ms < 3600000)
        snprintf(out, outlen, "%lld m %02lld s", (long long)(ms / 60000), (long long)(ms / 1000) % 60);
    else
        snprintf(out, outlen, "%lld h %02lld m", (long long)(ms / 3600000), (long long)(ms / 60000) % 60);
    return out;
}

char *ixt_fmt_bytes(double bytes, char *out, size_t outlen)
{
    static const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, outlen, "%.0f B", bytes);
    else
        snprintf(out, outlen, "%.1f %s", bytes, units[u]);
    return out;
}

char *ixt_base64(const void *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    char *out = ixt_xmalloc((len + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        *o++ = abc[v >> 18 & 63];
        *o++ = abc[v >> 12 & 63];
        *o++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? abc[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* Levenshtein distance, case-insensitive; names longer than 63 bytes are
 * never close. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

const char *ixt_closest_name(const char *word, const char *const *names, size_t n)
{
    size_t best = 3;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best) {
            best = d;
            pick = names[i];
        }
    }
    return pick;
}

char *ixt_data_dir_for(const char *exe)
{
    if (!exe || exe[0] != '/')
        return NULL;
    char *dir = ixt_xstrdup(exe);
    for (int up = 0; up < 2; up++) { /* BIN/idxtune -> BIN -> its parent */
        char *slash = strrchr(dir, '/');
        if (slash) /* "/idxtune": the root is its own parent */
            *slash = '\0';
    }
    char *share = ixt_xasprintf("%s/share/idxtune", dir);
    free(dir);
    return share;
}

char *ixt_data_dir(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || (size_t)n >= sizeof exe - 1)
        return NULL;
    exe[n] = '\0';
    return ixt_data_dir_for(exe);
}
