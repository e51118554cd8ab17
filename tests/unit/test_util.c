/* util: strings, white space, files, formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idxtune/util.h"
#include "testutil.h"

static void test_buf_grows(void **state)
{
    (void)state;
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        ixt_buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.s));
    assert_memory_equal(b.s, "0,1,2,", 6);
    assert_non_null(strstr(b.s, "999,"));
    char *s = ixt_buf_take(&b);
    assert_null(b.s);
    assert_int_equal(b.len, 0);
    free(s);
}

static void test_squash_ws(void **state)
{
    (void)state;
    char s[] = "  SELECT *\n\tFROM   runs\n WHERE id = $1  ";
    ixt_squash_ws(s);
    assert_string_equal(s, "SELECT * FROM runs WHERE id = $1");
    char empty[] = " \n ";
    ixt_squash_ws(empty);
    assert_string_equal(empty, "");
}

static void test_err_set_returns_minus_one(void **state)
{
    (void)state;
    ixt_err e;
    assert_int_equal(ixt_err_set(&e, "bad %s at %d", "thing", 3), -1);
    assert_string_equal(e.msg, "bad thing at 3");
    assert_int_equal(ixt_err_set(NULL, "ignored"), -1);
}

static void test_atomic_write_refuses_overwrite(void **state)
{
    (void)state;
    char dir[] = "/tmp/ixt-util-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = ixt_xasprintf("%s/out.sql", dir);
    ixt_err e;
    assert_int_equal(ixt_write_file_atomic(path, "one", 3, false, &e), 0);
    assert_int_equal(ixt_write_file_atomic(path, "two", 3, false, &e), -1);
    assert_non_null(strstr(e.msg, "already exists"));
    size_t len;
    char *got = ixt_read_file(path, &len, &e);
    assert_string_equal(got, "one");
    free(got);
    assert_int_equal(ixt_write_file_atomic(path, "two", 3, true, &e), 0);
    got = ixt_read_file(path, &len, &e);
    assert_string_equal(got, "two");
    assert_int_equal(len, 3);
    free(got);
    unlink(path);
    rmdir(dir);
    free(path);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & 07777;
}

/* A new file gets 0666 less the umask; a replaced one keeps its mode
 * (--force must not widen a 0600 file); a symbolic link or a directory
 * is never replaced. */
static void test_atomic_write_modes(void **state)
{
    (void)state;
    char dir[] = "/tmp/ixt-util-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = ixt_xasprintf("%s/out.sql", dir), *link = ixt_xasprintf("%s/link.sql", dir);
    ixt_err e;
    mode_t old = umask(027);
    assert_int_equal(ixt_write_file_atomic(path, "one", 3, false, &e), 0);
    assert_int_equal(mode_of(path), 0640);
    unlink(path);
    umask(0);
    assert_int_equal(ixt_write_file_atomic(path, "one", 3, false, &e), 0);
    assert_int_equal(mode_of(path), 0666);
    assert_int_equal(chmod(path, 0600), 0);
    umask(022);
    assert_int_equal(ixt_write_file_atomic(path, "two", 3, true, &e), 0);
    assert_int_equal(mode_of(path), 0600);
    umask(old);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(ixt_write_file_atomic(link, "three", 5, true, &e), -1);
    assert_non_null(strstr(e.msg, "symbolic link"));
    char *got = ixt_read_file(path, NULL, &e);
    assert_string_equal(got, "two");
    free(got);
    unlink(link);
    assert_int_equal(symlink("/nonexistent/target", link), 0); /* dangling: still a link */
    assert_int_equal(ixt_write_file_atomic(link, "three", 5, false, &e), -1);
    assert_non_null(strstr(e.msg, "symbolic link"));
    assert_int_equal(ixt_write_file_atomic(dir, "x", 1, true, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    unlink(link);
    unlink(path);
    rmdir(dir);
    free(path);
    free(link);
}

static void test_read_missing_file(void **state)
{
    (void)state;
    ixt_err e;
    assert_null(ixt_read_file("/nonexistent/x.sql", NULL, &e));
    assert_non_null(strstr(e.msg, "/nonexistent/x.sql"));
}

static void test_format(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ixt_fmt_ms(1.234, b, sizeof b), "1.23 ms");
    assert_string_equal(ixt_fmt_ms(812, b, sizeof b), "812 ms");
    assert_string_equal(ixt_fmt_ms(3400, b, sizeof b), "3.4 s");
    assert_string_equal(ixt_fmt_ms(125000, b, sizeof b), "2 m 05 s");
    assert_string_equal(ixt_fmt_ms(7500000, b, sizeof b), "2 h 05 m");
    assert_string_equal(ixt_fmt_ms(0.0 / 0.0, b, sizeof b), "?");
    assert_string_equal(ixt_fmt_ms(1e300, b, sizeof b), "?");
    assert_string_equal(ixt_fmt_bytes(512, b, sizeof b), "512 B");
    assert_string_equal(ixt_fmt_bytes(8192, b, sizeof b), "8.0 kB");
    assert_string_equal(ixt_fmt_bytes(1.5 * 1024 * 1024 * 1024, b, sizeof b), "1.5 GB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows),
        cmocka_unit_test(test_squash_ws),
        cmocka_unit_test(test_err_set_returns_minus_one),
        cmocka_unit_test(test_atomic_write_refuses_overwrite),
        cmocka_unit_test(test_atomic_write_modes),
        cmocka_unit_test(test_read_missing_file),
        cmocka_unit_test(test_format),
    };
    return IXT_RUN_TESTS(tests);
}
