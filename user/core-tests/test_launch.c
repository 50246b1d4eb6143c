/*
 * test_launch.c - the user-space launcher (libbasalt's bs_launch) and the
 * bootstrap protocol, from a test's own child process: it starts
 * grandchildren in its job (BS_AT_ROOT_JOB) from the boot file system.
 *
 * The grandchildren are /boot/fault-test, or this program in helper mode
 * (`core-tests --helper NAME ARGS...`, ct_helper_main below), which checks
 * what it was given and answers through its exit code (0: all good; 10 + n:
 * check n failed) or through a VMO it was passed.
 */
#include "ct.h"

#include <basalt/bootstrap.h>
#include <basalt/launch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SECOND       (1000ll * 1000 * 1000)
#define CT_ID_RO     0x43540001u /* test ids: any number not a BS_AT_* works */
#define CT_ID_REPORT 0x43540002u
#define PAGE         4096ull

static bs_handle_t new_vmo(uint64_t size)
{
    bs_handle_t h = BS_HANDLE_INVALID;
    bs_vmo_create(size, 0, &h);
    return h;
}

static bool is_closed(bs_handle_t h)
{
    return bs_handle_close(h) == ERR_BAD_HANDLE;
}

static bool contains(const char *s, const char *part)
{
    return s && strstr(s, part);
}

/* Starts `core-tests --helper ...` and returns its exit code (or a status on failure). */
static int64_t run_helper(int argc, const char *const *argv)
{
    bs_handle_t p;
    int64_t code = -1;
    bs_status_t s = ct_launch_self(bs_job(), argc, argv, &p);
    if (s != OK)
        return s;
    s = ct_wait_exit(p, 10 * SECOND, &code);
    bs_handle_close(p);
    return s == OK ? code : s;
}

CT_TEST(launch_child_exit_code_comes_back)
{
    const char *argv[] = {"core-tests", "--helper", "exit", "42"};
    bs_handle_t p;
    int64_t code = 0;
    CT_ASSERT_EQ(ct_launch_self(bs_job(), 4, argv, &p), OK);
    CT_EQ(ct_wait_exit(p, 10 * SECOND, &code), OK);
    CT_EQ(code, 42);
    struct bs_info_process pi = {0};
    CT_EQ(bs_object_get_info(p, BS_INFO_PROCESS, &pi, sizeof(pi), NULL), OK);
    CT_EQ(pi.state, BS_PROCESS_STATE_TERMINATED);
    CT_EQ(pi.exit_code, 42);
    CT_EQ(bs_handle_close(p), OK);
}

CT_TEST(launch_crashing_child_is_killed_with_exception_kill)
{
    struct bs_launch_args a = {
        .job = bs_job(), .image = bs_bootfs_vmo(), .path = "/boot/fault-test"};
    bs_handle_t p;
    int64_t code = 0;
    CT_ASSERT_EQ(bs_launch(&a, &p, NULL), OK);
    CT_EQ(ct_wait_exit(p, 10 * SECOND, &code), OK);
    CT_EQ(code, BS_EXIT_EXCEPTION_KILL);
    bs_handle_close(p);
}

CT_TEST(launch_task_kill_ends_a_running_child)
{
    const char *argv[] = {"core-tests", "--helper", "block"};
    bs_handle_t p;
    int64_t code = 0;
    CT_ASSERT_EQ(ct_launch_self(bs_job(), 3, argv, &p), OK);
    CT_EQ(ct_wait_exit(p, SECOND / 20, &code), ERR_TIMED_OUT);
    CT_EQ(bs_task_kill(p), OK);
    CT_EQ(ct_wait_exit(p, 10 * SECOND, &code), OK);
    CT_EQ(code, BS_EXIT_KILLED);
    bs_handle_close(p);
}

CT_TEST(launch_passes_argv_on_the_stack)
{
    const char *argv[] = {"core-tests", "--helper", "argv", "one", "two words", ""};
    CT_EQ(run_helper(6, argv), 0);
}

CT_TEST(launch_missing_path_is_not_found_and_consumes_handles)
{
    bs_handle_t v = new_vmo(PAGE), p = BS_HANDLE_INVALID;
    struct bs_launch_handle hs[] = {{CT_ID_RO, v}};
    struct bs_launch_args a = {.job = bs_job(),
                               .image = bs_bootfs_vmo(),
                               .path = "/boot/no-such-program",
                               .handles = hs,
                               .num_handles = 1};
    const char *why = NULL;
    CT_EQ(bs_launch(&a, &p, &why), ERR_NOT_FOUND);
    CT_TRUE(contains(why, "not in the boot file system"));
    CT_EQ(p, BS_HANDLE_INVALID);
    CT_TRUE(is_closed(v));
}

/* Appends one cpio newc member to buf at *len. */
static void cpio_add(char *buf, size_t *len, const char *name, uint32_t mode, const void *data,
                     uint32_t size)
{
    size_t namesize = strlen(name) + 1;
    *len +=
        (size_t)sprintf(buf + *len, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08zx%08x",
                        1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(buf + *len, name, namesize);
    *len = (*len + namesize + 3) & ~(size_t)3;
    memcpy(buf + *len, data, size);
    *len = (*len + size + 3) & ~(size_t)3;
}

CT_TEST(launch_refuses_a_file_that_is_not_elf)
{
    static char arc[2048];
    size_t len = 0;
    const char text[] = "Just some text, not a program: longer than an ELF header (64 bytes) so "
                        "that the magic is what the checker complains about.\n";
    cpio_add(arc, &len, "./notes.txt", 0100644, text, sizeof(text));
    cpio_add(arc, &len, "TRAILER!!!", 0, "", 0);
    bs_handle_t v = new_vmo(len);
    CT_ASSERT_EQ(bs_vmo_write(v, arc, 0, len), OK);
    uint64_t off = 0, size = 0;
    CT_EQ(bs_bootfs_find(v, "/boot/notes.txt", &off, &size), OK);
    CT_EQ(size, sizeof(text));
    CT_EQ(bs_bootfs_find(v, "/boot/other", &off, &size), ERR_NOT_FOUND);

    struct bs_launch_args a = {.job = bs_job(), .image = v, .path = "/boot/notes.txt"};
    bs_handle_t p = BS_HANDLE_INVALID;
    const char *why = NULL;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "not an ELF file"));
    CT_EQ(p, BS_HANDLE_INVALID);

    /* A corrupt archive: the magic of the second member damaged. */
    CT_ASSERT_EQ(bs_vmo_write(v, "X", (len - 124) & ~3ull, 1), OK);
    a.path = "/boot/missing";
    CT_EQ(bs_launch(&a, &p, &why), ERR_IO);
    CT_TRUE(contains(why, "corrupt"));
    bs_handle_close(v);
}

/*
 * A VMO holding the first page of /boot/core-tests (its ELF header and
 * program headers) at the size of the whole file, for damaging on purpose.
 */
static bs_handle_t elf_copy(uint8_t page[PAGE])
{
    uint64_t off, size;
    if (bs_bootfs_find(bs_bootfs_vmo(), CT_SELF_PATH, &off, &size) != OK || size < PAGE)
        return BS_HANDLE_INVALID;
    if (bs_vmo_read(bs_bootfs_vmo(), page, off, PAGE) != OK)
        return BS_HANDLE_INVALID;
    return new_vmo(size);
}

static bs_status_t launch_image(bs_handle_t v, const uint8_t *page, size_t n, const char **why)
{
    const char *argv[] = {"broken"};
    struct bs_launch_args a = {.job = bs_job(), .image = v, .argc = 1, .argv = argv};
    bs_handle_t p = BS_HANDLE_INVALID;
    bs_status_t s = bs_vmo_write(v, page, 0, n);
    if (s != OK)
        return s;
    s = bs_launch(&a, &p, why);
    if (s == OK) { /* not expected: do not let it run */
        bs_task_kill(p);
        bs_handle_close(p);
    }
    return s;
}

CT_TEST(launch_refuses_broken_elf_files)
{
    static uint8_t page[PAGE], bad[PAGE];
    bs_handle_t v = elf_copy(page);
    CT_ASSERT_TRUE(v != BS_HANDLE_INVALID);
    uint16_t phnum;
    uint64_t phoff;
    memcpy(&phoff, page + 32, 8);
    memcpy(&phnum, page + 56, 2);
    CT_ASSERT_TRUE(phoff + phnum * 56ull <= PAGE);
    const char *why;

    /* Truncated: the same bytes in a VMO of one page; the segments lie past its end. */
    bs_handle_t small = new_vmo(PAGE);
    CT_EQ(launch_image(small, page, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "truncated"));
    bs_handle_close(small);
    /* Shorter than an ELF header: a VMO of size 0. */
    small = new_vmo(0);
    CT_EQ(launch_image(small, page, 0, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "truncated"));
    bs_handle_close(small);

    memcpy(bad, page, PAGE);
    bad[18] = 3; /* e_machine: i386 */
    CT_EQ(launch_image(v, bad, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "another machine"));

    memcpy(bad, page, PAGE);
    bad[16] = 3; /* e_type: ET_DYN */
    CT_EQ(launch_image(v, bad, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "not an executable"));

    memcpy(bad, page, PAGE);
    uint64_t far = 1ull << 40; /* e_phoff past the end of the file */
    memcpy(bad + 32, &far, 8);
    CT_EQ(launch_image(v, bad, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "program headers"));

    /* Every executable segment made writable too: W^X. */
    memcpy(bad, page, PAGE);
    for (unsigned i = 0; i < phnum; i++) {
        uint8_t *ph = bad + phoff + i * 56;
        uint32_t type, flags;
        memcpy(&type, ph, 4);
        memcpy(&flags, ph + 4, 4);
        if (type == 1 && (flags & 1)) {
            flags |= 2;
            memcpy(ph + 4, &flags, 4);
        }
    }
    CT_EQ(launch_image(v, bad, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(contains(why, "writable and executable"));

    /* A segment whose file bytes run past the end of the file. */
    memcpy(bad, page, PAGE);
    for (unsigned i = 0; i < phnum; i++) {
        uint8_t *ph = bad + phoff + i * 56;
        uint32_t type;
        memcpy(&type, ph, 4);
        if (type == 1) {
            uint64_t huge = 1ull << 40;
            memcpy(ph + 32, &huge, 8); /* p_filesz */
            memcpy(ph + 40, &huge, 8); /* p_memsz */
            break;
        }
    }
    CT_EQ(launch_image(v, bad, PAGE, &why), ERR_INVALID_ARGS);
    CT_TRUE(why != NULL);
    bs_handle_close(v);
}

CT_TEST(launch_refuses_bad_arguments_and_consumes_handles)
{
    const char *argv[BS_LAUNCH_MAX_ARGS + 1];
    for (int i = 0; i <= BS_LAUNCH_MAX_ARGS; i++)
        argv[i] = "x";
    bs_handle_t p = BS_HANDLE_INVALID;
    const char *why;
    struct bs_launch_args a = {.job = bs_job(), .image = bs_bootfs_vmo(), .path = CT_SELF_PATH};

    CT_EQ(bs_launch(NULL, &p, &why), ERR_INVALID_ARGS);
    CT_EQ(bs_launch(&a, NULL, &why), ERR_INVALID_ARGS);

    bs_handle_t v = new_vmo(PAGE);
    struct bs_launch_handle one[] = {{CT_ID_RO, v}};
    a.handles = one;
    a.num_handles = 1;
    a.argc = BS_LAUNCH_MAX_ARGS + 1;
    a.argv = argv;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    CT_TRUE(is_closed(v));
    a.argc = 0;

    /* Two handles under one id; an id the launcher sets itself. */
    bs_handle_t v1 = new_vmo(PAGE), v2 = new_vmo(PAGE);
    struct bs_launch_handle two[] = {{CT_ID_RO, v1}, {CT_ID_RO, v2}};
    a.handles = two;
    a.num_handles = 2;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    CT_TRUE(is_closed(v1));
    CT_TRUE(is_closed(v2));
    v = new_vmo(PAGE);
    one[0] = (struct bs_launch_handle){BS_AT_BOOTSTRAP_CHANNEL, v};
    a.handles = one;
    a.num_handles = 1;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    CT_TRUE(is_closed(v));
    v = new_vmo(PAGE);
    one[0] = (struct bs_launch_handle){BS_AT_SELF_PROCESS, v};
    a.flags = BS_LAUNCH_SELF_HANDLES;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    CT_TRUE(is_closed(v));
    a.flags = 0x80;
    a.num_handles = 0;
    CT_EQ(bs_launch(&a, &p, &why), ERR_INVALID_ARGS);
    a.flags = 0;

    /* A handle without TRANSFER cannot travel: refused, consumed, nothing started. */
    bs_handle_t nt;
    v = new_vmo(PAGE);
    CT_ASSERT_EQ(bs_handle_replace(v, BS_RIGHT_READ, &nt), OK);
    one[0] = (struct bs_launch_handle){CT_ID_RO, nt};
    a.num_handles = 1;
    CT_EQ(bs_launch(&a, &p, &why), ERR_ACCESS_DENIED);
    CT_TRUE(contains(why, "bootstrap message"));
    CT_TRUE(is_closed(nt));

    /* Not a job. */
    a.job = bs_bootfs_vmo();
    a.num_handles = 0;
    CT_EQ(bs_launch(&a, &p, &why), ERR_WRONG_TYPE);
    a.job = 0x12345679u;
    CT_EQ(bs_launch(&a, &p, &why), ERR_BAD_HANDLE);
    CT_EQ(p, BS_HANDLE_INVALID);
}

CT_TEST(launch_passes_handles_with_their_rights)
{
    bs_handle_t report = new_vmo(PAGE), ro_full = new_vmo(PAGE), ro;
    CT_ASSERT_EQ(bs_vmo_write(ro_full, "marker", 0, 6), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(ro_full, BS_RIGHT_READ | BS_RIGHT_TRANSFER, &ro), OK);
    bs_handle_t report_dup;
    CT_ASSERT_EQ(bs_handle_duplicate(report, BS_RIGHT_SAME_RIGHTS, &report_dup), OK);
    bs_handle_t job_dup, bootfs_dup;
    CT_ASSERT_EQ(bs_handle_duplicate(bs_job(), BS_RIGHT_SAME_RIGHTS, &job_dup), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(bs_bootfs_vmo(), BS_RIGHT_SAME_RIGHTS, &bootfs_dup), OK);

    const char *argv[] = {"core-tests", "--helper", "handles"};
    struct bs_launch_handle hs[] = {{CT_ID_RO, ro},
                                    {CT_ID_REPORT, report_dup},
                                    {BS_AT_ROOT_JOB, job_dup},
                                    {BS_AT_BOOTFS_VMO, bootfs_dup}};
    struct bs_launch_args a = {.job = bs_job(),
                               .image = bs_bootfs_vmo(),
                               .path = CT_SELF_PATH,
                               .argc = 3,
                               .argv = argv,
                               .handles = hs,
                               .num_handles = 4,
                               .flags = BS_LAUNCH_SELF_HANDLES};
    bs_handle_t p;
    int64_t code = -1;
    CT_ASSERT_EQ(bs_launch(&a, &p, NULL), OK);
    /* Sent handles leave the launcher's table. */
    CT_TRUE(is_closed(ro));
    CT_TRUE(is_closed(report_dup));
    CT_EQ(ct_wait_exit(p, 10 * SECOND, &code), OK);
    CT_EQ(code, 0);
    /* The child wrote the koid its BS_AT_SELF_PROCESS handle names: its own. */
    struct bs_info_handle_basic b = {0};
    uint64_t koid = 0;
    CT_EQ(bs_object_get_info(p, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(bs_vmo_read(report, &koid, 0, sizeof(koid)), OK);
    CT_EQ(koid, b.koid);
    bs_handle_close(p);
    bs_handle_close(report);
    bs_handle_close(ro_full);
}

/* ---- the grandchild's side ------------------------------------------------ */

static uint32_t type_of(bs_handle_t h, bs_rights_t *rights)
{
    struct bs_info_handle_basic b = {0};
    if (bs_object_get_info(h, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL) != OK)
        return BS_OBJ_NONE;
    if (rights)
        *rights = b.rights;
    return b.type;
}

/* `--helper handles`: what launch_passes_handles_with_their_rights sent. */
static int helper_handles(void)
{
    bs_rights_t r = 0;
    bs_handle_t ro = bs_startup_handle(CT_ID_RO);
    char buf[6] = {0};
    if (type_of(ro, &r) != BS_OBJ_VMO || r != (BS_RIGHT_READ | BS_RIGHT_TRANSFER))
        return 10;
    if (bs_vmo_read(ro, buf, 0, 6) != OK || memcmp(buf, "marker", 6) != 0)
        return 11;
    if (bs_vmo_write(ro, "x", 0, 1) != ERR_ACCESS_DENIED)
        return 12;
    bs_handle_t rep = bs_take_startup_handle(CT_ID_REPORT);
    if (type_of(rep, NULL) != BS_OBJ_VMO || bs_startup_handle(CT_ID_REPORT) != BS_HANDLE_INVALID)
        return 13;
    struct bs_info_handle_basic self = {0};
    if (bs_object_get_info(bs_self_process(), BS_INFO_HANDLE_BASIC, &self, sizeof(self), NULL) !=
            OK ||
        self.type != BS_OBJ_PROCESS)
        return 14;
    if (bs_vmo_write(rep, &self.koid, 0, sizeof(self.koid)) != OK)
        return 15;
    if (type_of(bs_self_vmar(), NULL) != BS_OBJ_VMAR)
        return 16;
    if (type_of(bs_job(), NULL) != BS_OBJ_JOB || type_of(bs_bootfs_vmo(), NULL) != BS_OBJ_VMO)
        return 17;
    if (type_of(bs_startup_handle(BS_AT_BOOTSTRAP_CHANNEL), NULL) != BS_OBJ_CHANNEL)
        return 18;
    if (bs_startup_handle(0x43549999u) != BS_HANDLE_INVALID)
        return 19;
    /* The program runs at all because its entry shim kept RDI; RDI held the channel. */
    if (bs_bootstrap_handle != bs_startup_handle(BS_AT_BOOTSTRAP_CHANNEL))
        return 20;
    return bs_handle_close(rep) == OK ? 0 : 21;
}

/* `--helper argv one "two words" ""`: argv exactly as launch_passes_argv_on_the_stack sent. */
static int helper_argv(int argc, char **argv)
{
    extern char **environ;
    if (argc != 4)
        return 10;
    if (strcmp(argv[1], "one") != 0 || strcmp(argv[2], "two words") != 0 || argv[3][0] != 0)
        return 11;
    if (argv[4] != NULL || environ == NULL || environ[0] != NULL)
        return 12;
    return 0;
}

int ct_helper_main(int argc, char **argv)
{
    if (strcmp(argv[0], "exit") == 0 && argc == 2)
        return atoi(argv[1]);
    if (strcmp(argv[0], "block") == 0) {
        /* Blocks in object_wait_one on an event nobody signals, until killed. */
        bs_handle_t ev;
        bs_signals_t seen;
        if (bs_handle_create(BS_OBJ_EVENT, 0, &ev) != OK)
            return 3;
        bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
        return 4;
    }
    if (strcmp(argv[0], "handles") == 0)
        return helper_handles();
    if (strcmp(argv[0], "argv") == 0)
        return helper_argv(argc, argv);
    if (strcmp(argv[0], "echo") == 0)
        return ct_echo_main();
    ct_log("core-tests: no helper named '%s'\n", argv[0]);
    return 2;
}
