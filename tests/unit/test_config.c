/* config: defaults, every setting with good and bad values, the file
 * format, errors with file and line, and the default path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idxtune/config.h"
#include "testutil.h"

static void test_defaults(void **state)
{
    (void)state;
    ixt_config c;
    memset(&c, 0x5a, sizeof c);
    ixt_config_defaults(&c);
    assert_true(c.refresh == 2.0);
    assert_string_equal(c.theme, "default");
    assert_int_equal(c.lock_timeout_ms, 2000);
    assert_int_equal(c.statement_timeout_ms, 30000);
    assert_int_equal(c.runs, 5);
    assert_true(c.budget_mb == 0);
    assert_false(c.ascii);
    assert_false(c.no_color);
    assert_true(c.mouse);
}

static void test_option_table(void **state)
{
    (void)state;
    size_t n;
    const ixt_config_option *o = ixt_config_options(&n);
    const char *want[] = {"refresh", "theme", "lock-timeout", "statement-timeout", "runs",
                          "budget-mb", "write-weight", "ascii", "no-color", "mouse", "concurrently", "node"};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    ixt_config c, d;
    ixt_config_defaults(&c);
    ixt_config_defaults(&d);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(o[i].name, want[i]);
        assert_non_null(o[i].help);
        if (strcmp(o[i].name, "node") == 0) /* none by default: test_nodes */
            continue;
        /* each option's value as written reads back to the same setting */
        char buf[160];
        ixt_err e;
        assert_non_null(ixt_config_get(&c, o[i].name, buf, sizeof buf));
        if (ixt_config_set(&d, o[i].name, buf, &e) != 0)
            fail_msg("%s = %s: %s", o[i].name, buf, e.msg);
        assert_int_equal(o[i].arg == NULL, strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0);
    }
    assert_memory_equal(&c, &d, sizeof c);
    char buf[16];
    assert_null(ixt_config_get(&c, "nope", buf, sizeof buf));
}

static void set_ok(ixt_config *c, const char *key, const char *value)
{
    ixt_err e;
    if (ixt_config_set(c, key, value, &e) != 0)
        fail_msg("%s = %s: %s", key, value, e.msg);
}

/* node is repeatable: each line adds one, up to IXT_CONFIG_NODES. */
static void test_nodes(void **state)
{
    (void)state;
    ixt_config c;
    ixt_config_defaults(&c);
    ixt_err e;
    assert_int_equal(ixt_config_parse("node = host=s1 port=5433\nnode = 'postgresql://s2/app'\n", "f", &c, &e), 0);
    assert_int_equal(c.nnodes, 2);
    assert_string_equal(c.nodes[0], "host=s1 port=5433");
    assert_string_equal(c.nodes[1], "postgresql://s2/app");
    char buf[256];
    assert_string_equal(ixt_config_get(&c, "node", buf, sizeof buf), "host=s1 port=5433\npostgresql://s2/app");
    assert_int_not_equal(ixt_config_set(&c, "node", "", &e), 0);
    for (int i = 2; i < IXT_CONFIG_NODES; i++)
        set_ok(&c, "node", "host=x");
    assert_int_not_equal(ixt_config_set(&c, "node", "host=y", &e), 0);
    assert_non_null(strstr(e.msg, "at most 8"));
}

/* A '#' inside a value (a password) is not a comment; one after a space is. */
static void test_hash_in_value(void **state)
{
    (void)state;
    ixt_config c;
    ixt_config_defaults(&c);
    ixt_err e;
    const char *good = "node = host=s1 password=pa#ss   # the standby\n"
                       "node = \"host=s3 password='x # y'\" # quoted\n"
                       "  # node = host=off\n"
                       "runs = 4 # four\n";
    assert_int_equal(ixt_config_parse(good, "f", &c, &e), 0);
    assert_int_equal(c.nnodes, 2);
    assert_string_equal(c.nodes[0], "host=s1 password=pa#ss");
    assert_string_equal(c.nodes[1], "host=s3 password='x # y'");
    assert_int_equal(c.runs, 4);
    /* no space before it: part of the value, which is then wrong */
    assert_int_equal(ixt_config_parse("runs = 4#x\n", "f", &c, &e), -1);
    assert_non_null(strstr(e.msg, "not '4#x'"));
}

static void test_good_values(void **state)
{
    (void)state;
    ixt_config c;
    ixt_config_defaults(&c);
    set_ok(&c, "refresh", "0.5");
    assert_true(c.refresh == 0.5);
    set_ok(&c, "refresh", "0.2");
    assert_true(c.refresh == 0.2);
    set_ok(&c, "refresh", "750ms");
    assert_true(c.refresh == 0.75);
    set_ok(&c, "refresh", "3s");
    assert_true(c.refresh == 3);
    set_ok(&c, "lock-timeout", "250");
    assert_int_equal(c.lock_timeout_ms, 250);
    set_ok(&c, "lock-timeout", "2s");
    assert_int_equal(c.lock_timeout_ms, 2000);
    set_ok(&c, "lock-timeout", "1.5s");
    assert_int_equal(c.lock_timeout_ms, 1500);
    set_ok(&c, "lock-timeout", "500 ms");
    assert_int_equal(c.lock_timeout_ms, 500);
    set_ok(&c, "statement-timeout", "1min");
    assert_int_equal(c.statement_timeout_ms, 60000);
    set_ok(&c, "statement-timeout", "1h");
    assert_int_equal(c.statement_timeout_ms, 3600000);
    set_ok(&c, "statement-timeout", "24h");
    assert_int_equal(c.statement_timeout_ms, 86400000);
    set_ok(&c, "runs", "1");
    assert_int_equal(c.runs, 1);
    set_ok(&c, "runs", "100");
    assert_int_equal(c.runs, 100);
    set_ok(&c, "budget-mb", "250");
    assert_true(c.budget_mb == 250);
    set_ok(&c, "budget-mb", "2GB");
    assert_true(c.budget_mb == 2048);
    set_ok(&c, "budget-mb", "0");
    assert_true(c.budget_mb == 0);
    assert_true(c.write_weight == 1);
    set_ok(&c, "write-weight", "0.5");
    assert_true(c.write_weight == 0.5);
    set_ok(&c, "theme", "high-contrast");
    assert_string_equal(c.theme, "high-contrast");
    set_ok(&c, "theme", "/etc/idxtune/mine.theme");
    assert_string_equal(c.theme, "/etc/idxtune/mine.theme");
    const char *yes[] = {"true", "yes", "on", "1", "TRUE", "Yes"};
    const char *no[] = {"false", "no", "off", "0", "FALSE", "Off"};
    for (size_t i = 0; i < 6; i++) {
        set_ok(&c, "ascii", yes[i]);
        assert_true(c.ascii);
        set_ok(&c, "ascii", no[i]);
        assert_false(c.ascii);
    }
    set_ok(&c, "no-color", "true");
    assert_true(c.no_color);
    set_ok(&c, "mouse", "off");
    assert_false(c.mouse);
}

static void set_bad(const char *key, const char *value, const char *msg)
{
    ixt_config c, before;
    ixt_err e;
    ixt_config_defaults(&c);
    before = c;
    if (ixt_config_set(&c, key, value, &e) != -1)
        fail_msg("accepted %s = %s", key, value);
    assert_string_equal(e.msg, msg);
    assert_memory_equal(&c, &before, sizeof c); /* unchanged */
}

static void test_bad_values(void **state)
{
    (void)state;
    set_bad("refesh", "1", "unknown option 'refesh' (did you mean 'refresh'?)");
    set_bad("no_color", "1", "unknown option 'no_color' (did you mean 'no-color'?)");
    set_bad("Refresh", "1", "unknown option 'Refresh' (did you mean 'refresh'?)");
    set_bad("colour", "1", "unknown option 'colour'");
    set_bad("", "1", "unknown option ''");
    const char *refresh = "refresh needs seconds from 0.2 to 3600 such as 2, 0.5 or 500ms, not '%s'";
    const char *bad_refresh[] = {"0.1", "0", "-1", "abc", "", "2x", "3601", "nan", "inf", "1e999", " 2"};
    for (size_t i = 0; i < sizeof bad_refresh / sizeof bad_refresh[0]; i++) {
        char *msg = ixt_xasprintf(refresh, bad_refresh[i]);
        set_bad("refresh", bad_refresh[i], msg);
        free(msg);
    }
    const char *lock = "lock-timeout needs a duration from 1ms to 24h such as 2000, 500ms, 2s or 1min, not '%s'";
    const char *bad_lock[] = {"0", "3 days", "-1s", "25h", "s", "2 s s", "0.4"};
    for (size_t i = 0; i < sizeof bad_lock / sizeof bad_lock[0]; i++) {
        char *msg = ixt_xasprintf(lock, bad_lock[i]);
        set_bad("lock-timeout", bad_lock[i], msg);
        free(msg);
    }
    set_bad("statement-timeout", "forever",
            "statement-timeout needs a duration from 1ms to 24h such as 30000, 30s or 5min, not 'forever'");
    const char *runs = "runs needs a whole number from 1 to 100, not '%s'";
    const char *bad_runs[] = {"0", "101", "2.5", "", "many", "1e1", "-3", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_runs / sizeof bad_runs[0]; i++) {
        char *msg = ixt_xasprintf(runs, bad_runs[i]);
        set_bad("runs", bad_runs[i], msg);
        free(msg);
    }
    set_bad("budget-mb", "-1", "budget-mb needs a size in MB such as 500 or 2GB (0 = no limit), not '-1'");
    set_bad("write-weight", "-1", "write-weight needs a number from 0 to 1000 such as 1 or 0.5, not '-1'");
    set_bad("write-weight", "1x", "write-weight needs a number from 0 to 1000 such as 1 or 0.5, not '1x'");
    set_bad("budget-mb", "lots", "budget-mb needs a size in MB such as 500 or 2GB (0 = no limit), not 'lots'");
    set_bad("budget-mb", "5 parsecs",
            "budget-mb needs a size in MB such as 500 or 2GB (0 = no limit), not '5 parsecs'");
    set_bad("ascii", "maybe", "ascii needs true or false, not 'maybe'");
    set_bad("mouse", "", "mouse needs true or false, not ''");
    set_bad("theme", "", "theme needs a theme name or a file name, not ''");
    set_bad("theme", "a\tb", "theme needs a theme name or a file name, not 'a\tb'");
    char *long_name = ixt_xasprintf("%0200d", 1);
    char *msg = ixt_xasprintf("theme needs a theme name or a file name, not '%s'", long_name);
    set_bad("theme", long_name, msg);
    free(msg);
    free(long_name);
}

static void test_parse_text(void **state)
{
    (void)state;
    ixt_config c;
    ixt_err e;
    ixt_config_defaults(&c);
    const char *text = "# idxtune settings\n"
                       "\n"
                       "refresh = 0.5\n"
                       "  theme=\"light\"   # quoted, trailing comment\n"
                       "lock-timeout = 3s\r\n"
                       "statement-timeout = 1min\n"
                       "runs = 7\n"
                       "budget-mb = 250\n"
                       "ascii = yes\n"
                       "mouse = off\n"
                       "runs = 9"; /* the last one wins; no final newline */
    assert_int_equal(ixt_config_parse(text, "cfg", &c, &e), 0);
    assert_true(c.refresh == 0.5);
    assert_string_equal(c.theme, "light");
    assert_int_equal(c.lock_timeout_ms, 3000);
    assert_int_equal(c.statement_timeout_ms, 60000);
    assert_int_equal(c.runs, 9);
    assert_true(c.budget_mb == 250);
    assert_true(c.ascii);
    assert_false(c.mouse);
    assert_false(c.no_color);
    assert_int_equal(ixt_config_parse("", "cfg", &c, &e), 0);
}

static void parse_bad(const char *text, const char *msg)
{
    ixt_config c, before;
    ixt_err e;
    ixt_config_defaults(&c);
    before = c;
    if (ixt_config_parse(text, "~/.config/idxtune/config", &c, &e) != -1)
        fail_msg("accepted: %s", text);
    assert_string_equal(e.msg, msg);
    /* all or nothing: the good lines before the bad one do not stick */
    assert_memory_equal(&c, &before, sizeof c);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_bad("runs = 7\n# comment\nrefesh = 1\n",
              "~/.config/idxtune/config:3: unknown option 'refesh' (did you mean 'refresh'?)");
    parse_bad("theme = light\nruns = many\n",
              "~/.config/idxtune/config:2: runs needs a whole number from 1 to 100, not 'many'");
    parse_bad("refresh\n", "~/.config/idxtune/config:1: expected 'name = value'");
    parse_bad("\n\n\n\nrefresh = 0.01\n",
              "~/.config/idxtune/config:5: refresh needs seconds from 0.2 to 3600 such as 2, 0.5 or "
              "500ms, not '0.01'");
    parse_bad("= 3\n", "~/.config/idxtune/config:1: unknown option ''");
    parse_bad("--runs = 3\n", "~/.config/idxtune/config:1: unknown option '--runs' (did you mean 'runs'?)");
}

/* A scratch directory standing in for XDG_CONFIG_HOME and HOME. */
static char *scratch_dir(void)
{
    char tmpl[] = "/tmp/ixt-config-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return ixt_xstrdup(tmpl);
}

static char *write_config(const char *dir, const char *sub, const char *text)
{
    char *d = ixt_xasprintf("%s/%s", dir, sub);
    char *cmd = ixt_xasprintf("mkdir -p '%s'", d);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    char *path = ixt_xasprintf("%s/config", d);
    free(d);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void remove_tree(char *dir)
{
    char *cmd = ixt_xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(dir);
}

static void test_load_file(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char *path = write_config(dir, "idxtune", "refresh = 1\nno-color = on\n");
    ixt_config c;
    ixt_err e;
    ixt_config_defaults(&c);
    assert_int_equal(ixt_config_load(path, &c, &e), 0);
    assert_true(c.refresh == 1);
    assert_true(c.no_color);
    free(path);
    path = write_config(dir, "bad", "runs = 3\nmouse = sometimes\n");
    assert_int_equal(ixt_config_load(path, &c, &e), -1);
    char *want = ixt_xasprintf("%s:2: mouse needs true or false, not 'sometimes'", path);
    assert_string_equal(e.msg, want);
    free(want);
    assert_int_equal(c.runs, 5); /* unchanged */
    free(path);
    /* a missing file is no error and changes nothing */
    ixt_config before = c;
    path = ixt_xasprintf("%s/none/config", dir);
    assert_int_equal(ixt_config_load(path, &c, &e), 0);
    assert_memory_equal(&c, &before, sizeof c);
    free(path);
    /* a directory is */
    assert_int_equal(ixt_config_load(dir, &c, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    remove_tree(dir);
}

static void test_default_path(void **state)
{
    (void)state;
    char *p = ixt_config_path_for("/x", "/home/u");
    assert_string_equal(p, "/x/idxtune/config");
    free(p);
    p = ixt_config_path_for("", "/home/u");
    assert_string_equal(p, "/home/u/.config/idxtune/config");
    free(p);
    assert_null(ixt_config_path_for(NULL, NULL));
    assert_null(ixt_config_path_for("", ""));

    /* load(NULL) follows the environment; here a scratch HOME, and the
     * message shows the path the way people write it */
    char *dir = scratch_dir();
    char *path = write_config(dir, ".config/idxtune", "theme = light\nrefesh = 2\n");
    char *old_home = ixt_xstrdup(getenv("HOME")), *old_xdg = ixt_xstrdup(getenv("XDG_CONFIG_HOME"));
    setenv("HOME", dir, 1);
    unsetenv("XDG_CONFIG_HOME");
    ixt_config c;
    ixt_err e;
    ixt_config_defaults(&c);
    int rc = ixt_config_load(NULL, &c, &e);
    char *msg = ixt_xstrdup(e.msg);
    /* XDG_CONFIG_HOME wins over HOME; its directory has no config */
    char *xdg = ixt_xasprintf("%s/xdg", dir);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    int rc2 = ixt_config_load(NULL, &c, &e);
    if (old_home)
        setenv("HOME", old_home, 1);
    else
        unsetenv("HOME");
    if (old_xdg)
        setenv("XDG_CONFIG_HOME", old_xdg, 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(rc, -1);
    assert_string_equal(msg, "~/.config/idxtune/config:2: unknown option 'refesh' (did you mean 'refresh'?)");
    assert_int_equal(rc2, 0);
    assert_string_equal(c.theme, "default");
    free(msg);
    free(xdg);
    free(old_home);
    free(old_xdg);
    free(path);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_option_table),
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_parse_text),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_hash_in_value),
    };
    return IXT_RUN_TESTS(tests);
}
