/* util: strings, white space, files, formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idxtune/conn.h"
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

static void test_streq(void **state)
{
    (void)state;
    assert_true(ixt_streq(NULL, NULL));
    assert_true(ixt_streq("Seq Scan", "Seq Scan"));
    assert_false(ixt_streq(NULL, "Seq Scan"));
    assert_false(ixt_streq("Seq Scan", NULL));
    assert_false(ixt_streq("Seq Scan", "Seq"));
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

static void test_data_dir(void **state)
{
    (void)state;
    char *d = ixt_data_dir_for("/opt/ixt/bin/idxtune");
    assert_string_equal(d, "/opt/ixt/share/idxtune");
    free(d);
    d = ixt_data_dir_for("/bin/idxtune");
    assert_string_equal(d, "/share/idxtune");
    free(d);
    d = ixt_data_dir_for("/idxtune");
    assert_string_equal(d, "/share/idxtune");
    free(d);
    assert_null(ixt_data_dir_for("idxtune"));
    assert_null(ixt_data_dir_for(NULL));
    /* this test binary is BUILD/tests/unit/test_util */
    d = ixt_data_dir();
    assert_non_null(d);
    assert_non_null(strstr(d, "/tests/share/idxtune"));
    free(d);
}

/* Under ASan a failed malloc must return NULL, as libc's does, so the hook
 * below gets its turn; ASan's warning about it goes to stderr, not to the
 * suite's sanitizer report files. */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#define EXPECT_FAILED_MALLOC() __sanitizer_set_report_path("stderr")
#else
#define EXPECT_FAILED_MALLOC() ((void)0)
#endif

static int oom_fd = -1;
static void oom_restore(void)
{
    ssize_t w = write(oom_fd, "restored", 8);
    (void)w;
}

/* Out of memory runs the hook (the UI's endwin) before it aborts. */
static void test_oom_hook(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        oom_fd = p[1];
        signal(SIGABRT, SIG_DFL);
        ixt_set_oom_hook(oom_restore);
        EXPECT_FAILED_MALLOC();
        volatile size_t huge = SIZE_MAX;
        free(ixt_xmalloc(huge));
        _exit(0); /* not reached */
    }
    close(p[1]);
    char buf[16] = {0};
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
    assert_int_equal(n, 8);
    assert_string_equal(buf, "restored");
}

/* RFC 4648's test vectors, a byte of every value, and text with a quote,
 * a newline and UTF-8, as the clipboard sequence carries them. */
static void test_base64(void **state)
{
    (void)state;
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *b = ixt_base64(in[i], strlen(in[i]));
        assert_string_equal(b, want[i]);
        free(b);
    }
    unsigned char bytes[] = {0x00, 0xff, 0xfe, 0x80, 0x7f};
    char *b = ixt_base64(bytes, sizeof bytes);
    assert_string_equal(b, "AP/+gH8=");
    free(b);
    const char *sql = "SELECT 'é'\nFROM t";
    b = ixt_base64(sql, strlen(sql));
    assert_string_equal(b, "U0VMRUNUICfDqScKRlJPTSB0");
    free(b);
}

/* A node never reached is named by what it points at, never its password. */
static void test_conninfo_label(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"host=standby1 port=5433 user=dba password=s3cret dbname=app", "dba@standby1:5433/app"},
        {"postgresql://dba:s3cret@10.0.0.2:6432/app?sslmode=require", "dba@10.0.0.2:6432/app"},
        {"hostaddr=10.0.0.3 password='pa ss'", "10.0.0.3"},
        {"host=/var/run/postgresql port=5432", "/var/run/postgresql:5432"},
        {"", "[local]"},
        {"host=x password=", "x"},
        {"host='unterminated password=s3cret", "a connection string that does not parse"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *l = ixt_conninfo_label(cases[i][0]);
        assert_string_equal(l, cases[i][1]);
        assert_null(strstr(l, "s3cret"));
        free(l);
    }
}

static void test_median(void **state)
{
    (void)state;
    double odd[] = {9, 1, 5}, even[] = {4, 1, 3, 2};
    assert_true(ixt_median(odd, 3) == 5 && odd[0] == 1);
    assert_true(ixt_median(even, 4) == 2.5 && even[0] == 1);
    assert_true(ixt_median(NULL, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows),
        cmocka_unit_test(test_conninfo_label),
        cmocka_unit_test(test_squash_ws),
        cmocka_unit_test(test_streq),
        cmocka_unit_test(test_err_set_returns_minus_one),
        cmocka_unit_test(test_atomic_write_refuses_overwrite),
        cmocka_unit_test(test_atomic_write_modes),
        cmocka_unit_test(test_read_missing_file),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_data_dir),
        cmocka_unit_test(test_oom_hook),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_median),
    };
    return IXT_RUN_TESTS(tests);
}
