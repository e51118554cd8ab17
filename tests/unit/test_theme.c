/* theme and config: parsing, colour mapping, search order, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idxtune/config.h"
#include "idxtune/theme.h"
#include "testutil.h"

static void test_parse_roles(void **state)
{
    (void)state;
    ixt_theme t;
    ixt_err e;
    const char *text = "name = mine\n"
                       "# a comment\n"
                       "title = black on cyan, bold | reverse\n"
                       "selected = #ffffff on 24 | reverse bold   # trailing comment\n"
                       "cost-hot = bright-red\n";
    assert_int_equal(ixt_theme_parse(text, "mine.theme", &t, &e), 0);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.roles[IXT_ROLE_TITLE].fg, 0);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].bg, 6);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].attrs, IXT_ATTR_BOLD);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].mono, IXT_ATTR_REVERSE);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].fg, 231);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].bg, 24);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].mono, IXT_ATTR_REVERSE | IXT_ATTR_BOLD);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].fg, 9);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].bg, IXT_COLOR_DEFAULT);
    /* a role left out keeps the built-in style */
    ixt_theme b;
    ixt_theme_builtin(&b);
    assert_memory_equal(&t.roles[IXT_ROLE_MUTED], &b.roles[IXT_ROLE_MUTED], sizeof(ixt_style));
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    ixt_theme t;
    ixt_err e;
    assert_int_equal(ixt_theme_parse("title = black\n\nselected = purpel\n", "x.theme", &t, &e), -1);
    assert_string_equal(e.msg, "x.theme:3: unknown colour 'purpel'");
    assert_int_equal(ixt_theme_parse("titel = black\n", "x.theme", &t, &e), -1);
    assert_string_equal(e.msg, "x.theme:1: unknown role 'titel'");
    assert_int_equal(ixt_theme_parse("title black\n", "x.theme", &t, &e), -1);
    assert_non_null(strstr(e.msg, "x.theme:1: expected"));
    assert_int_equal(ixt_theme_parse("title = red, blink\n", "x.theme", &t, &e), -1);
    assert_non_null(strstr(e.msg, "unknown attribute 'blink'"));
    char *path = ixt_xasprintf("%s/themes/broken.theme", ixt_testdata());
    assert_int_equal(ixt_theme_load_file(path, &t, &e), -1);
    assert_non_null(strstr(e.msg, "broken.theme:4: unknown colour 'purpel'"));
    free(path);
}

static void test_colour_mapping(void **state)
{
    (void)state;
    assert_int_equal(ixt_color_parse("default"), IXT_COLOR_DEFAULT);
    assert_int_equal(ixt_color_parse("red"), 1);
    assert_int_equal(ixt_color_parse("bright-white"), 15);
    assert_int_equal(ixt_color_parse("200"), 200);
    assert_int_equal(ixt_color_parse("256"), -2);
    assert_int_equal(ixt_color_parse("#5fafd7"), 74);
    assert_int_equal(ixt_color_parse("#000000"), 16);
    assert_int_equal(ixt_color_parse("#808080"), 244);
    assert_int_equal(ixt_color_parse("#zzzzzz"), -2);
    assert_int_equal(ixt_color_256to16(196), 9);  /* pure red */
    assert_int_equal(ixt_color_256to16(21), 4);   /* blue */
    assert_int_equal(ixt_color_256to16(231), 15); /* white */
    assert_int_equal(ixt_color_256to16(3), 3);
}

static void test_shipped_themes_load_and_list(void **state)
{
    (void)state;
    char *dirs[] = {"/nonexistent", "themes"};
    char **names;
    size_t n = ixt_theme_list_from(dirs, 2, &names);
    assert_true(n >= 4);
    assert_string_equal(names[0], "default");
    const char *want[] = {"light", "high-contrast", "monochrome"};
    for (size_t w = 0; w < 3; w++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(names[i], want[w]) == 0;
        assert_true(found);
    }
    for (size_t i = 0; i < n; i++) {
        ixt_theme t;
        ixt_err e;
        if (ixt_theme_load_from(names[i], dirs, 2, &t, &e) != 0)
            fail_msg("theme %s: %s", names[i], e.msg);
        assert_string_equal(t.name, names[i]);
        /* selection stays visible without colour */
        assert_true(t.roles[IXT_ROLE_SELECTED].mono & IXT_ATTR_REVERSE);
    }
    ixt_theme_list_free(names, n);
    ixt_theme t;
    ixt_err e;
    assert_int_equal(ixt_theme_load_from("nope", dirs, 2, &t, &e), -1);
    assert_non_null(strstr(e.msg, "theme 'nope' not found"));
}

static void test_config_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ixt-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "# settings\nrefresh = 0.5\ntheme = light\nlock-timeout = 3s\n"
                       "statement-timeout = 1min\nruns = 7\nbudget-mb = 250\nascii = yes\nmouse = off\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ixt_config c;
    ixt_err e;
    ixt_config_defaults(&c);
    assert_int_equal(ixt_config_load(path, &c, &e), 0);
    assert_true(c.refresh == 0.5);
    assert_string_equal(c.theme, "light");
    assert_int_equal(c.lock_timeout_ms, 3000);
    assert_int_equal(c.statement_timeout_ms, 60000);
    assert_int_equal(c.runs, 7);
    assert_true(c.budget_mb == 250);
    assert_true(c.ascii);
    assert_false(c.mouse);
    assert_false(c.no_color);
    unlink(path);
}

static void test_config_errors(void **state)
{
    (void)state;
    ixt_config c;
    ixt_err e;
    ixt_config_defaults(&c);
    assert_int_equal(c.refresh, 2);
    assert_int_equal(c.runs, 5);
    assert_int_equal(ixt_config_set(&c, "refesh", "1", &e), -1);
    assert_string_equal(e.msg, "unknown option 'refesh'");
    assert_int_equal(ixt_config_set(&c, "refresh", "0.01", &e), -1);
    assert_int_equal(ixt_config_set(&c, "runs", "2.5", &e), -1);
    assert_int_equal(ixt_config_set(&c, "lock-timeout", "3 days", &e), -1);
    assert_int_equal(ixt_config_set(&c, "ascii", "maybe", &e), -1);
    assert_int_equal(ixt_config_set(&c, "lock-timeout", "250ms", &e), 0);
    assert_int_equal(c.lock_timeout_ms, 250);
    char path[] = "/tmp/ixt-config-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "theme = x\nruns = many\n", 22), 22);
    close(fd);
    assert_int_equal(ixt_config_load(path, &c, &e), -1);
    assert_non_null(strstr(e.msg, ":2: runs needs a whole number"));
    unlink(path);
    assert_int_equal(ixt_config_load("/nonexistent/config", &c, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_roles),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_colour_mapping),
        cmocka_unit_test(test_shipped_themes_load_and_list),
        cmocka_unit_test(test_config_file),
        cmocka_unit_test(test_config_errors),
    };
    return IXT_RUN_TESTS(tests);
}
