/*
 * test_policy.c - job policies: denied object types, killing on a bad
 * handle, no VMO writable and executable at once, and capability mode.
 * Each test makes a child job, sets its policy, and runs a small process
 * (tasks.h) in it that tries the forbidden calls.
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u
#define D64(a)           (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, 0, 0, 0, 0

static bs_handle_t my_job(void)
{
    return bs_startup_handle(BS_AT_ROOT_JOB);
}

static bs_handle_t job_with(struct bs_job_policy pol)
{
    bs_handle_t j = BS_HANDLE_INVALID;
    bs_job_create(my_job(), 0, &j);
    bs_job_set_policy(j, 0, &pol);
    return j;
}

/*
 * handle_create(type, 0, DATA) with the type in EDI's immediate, then
 * channel_write(arg1, DATA, 1, NULL, 0); exits with
 * handle_create's status + (channel_write's status << 16).
 */
/* clang-format off */
#define PROBE(type)                                                                                \
    {                                                                                              \
        0x48, 0x89, 0xfb,                   /* mov %rdi, %rbx: the channel */                      \
        X_MOV_EDI(type), 0x31, 0xf6,        /* edi = type, esi = 0 */                              \
        0x48, 0xba, D64(TASK_DATA_ADDR),    /* rdx = out */                                        \
        X_MOV_EAX(BS_SYS_HANDLE_CREATE), X_SYSCALL, 0x49, 0x89, 0xc4, /* mov %rax, %r12 */         \
        0x48, 0x89, 0xdf,                   /* rdi = channel */                                    \
        0x48, 0xbe, D64(TASK_DATA_ADDR),    /* rsi = bytes */                                      \
        0xba, 1, 0, 0, 0,                   /* edx = 1 */                                          \
        0x45, 0x31, 0xd2, 0x45, 0x31, 0xc0, /* r10 = r8 = 0 */                                     \
        X_MOV_EAX(BS_SYS_CHANNEL_WRITE), X_SYSCALL,                                                \
        0x48, 0xc1, 0xe0, 0x10,             /* shl $16, %rax */                                    \
        0x4c, 0x01, 0xe0,                   /* add %r12, %rax */                                   \
        X_MOV_RDI_RAX, X_MOV_EAX(BS_SYS_PROCESS_EXIT), X_SYSCALL                                   \
    }
/* clang-format on */

/* Runs `code` in a new process of `job` with one end of a channel; returns its exit code. */
static int64_t probe(bs_handle_t job, const uint8_t *code, size_t len, bool *got_message)
{
    struct task t;
    bs_handle_t ch[2];
    if (task_make(job, "probe", code, len, true, &t) != OK ||
        bs_channel_create(0, &ch[0], &ch[1]) != OK || task_start(&t, ch[1]) != OK)
        return INT64_MIN;
    int64_t code_out = task_wait(t.proc);
    char b;
    uint32_t actual[2];
    *got_message = bs_channel_read(ch[0], &b, NULL, 1, 0, actual) == OK;
    bs_handle_close(ch[0]);
    task_close(&t);
    return code_out;
}

CT_TEST(policy_denies_chosen_object_types)
{
    static const uint8_t event[] = PROBE(BS_OBJ_EVENT), port[] = PROBE(BS_OBJ_PORT);
    bs_handle_t j = job_with((struct bs_job_policy){.deny_new = 1u << BS_OBJ_EVENT});
    bool msg = false;
    CT_EQ(probe(j, event, sizeof(event), &msg), ERR_ACCESS_DENIED); /* denied; the write worked */
    CT_TRUE(msg);
    CT_EQ(probe(j, port, sizeof(port), &msg), OK); /* ports are fine */
    CT_TRUE(msg);
    bs_handle_close(j);
}

CT_TEST(policy_is_inherited_and_cannot_be_relaxed)
{
    bs_handle_t parent = job_with((struct bs_job_policy){.deny_new = 1u << BS_OBJ_EVENT}), child;
    CT_ASSERT_EQ(bs_job_create(parent, 0, &child), OK);
    struct bs_job_policy none = {0};
    CT_EQ(bs_job_set_policy(child, 0, &none), OK); /* ORed in: nothing changes */
    static const uint8_t event[] = PROBE(BS_OBJ_EVENT);
    bool msg;
    CT_EQ(probe(child, event, sizeof(event), &msg), ERR_ACCESS_DENIED);
    /* A job with a child cannot change any more. */
    struct bs_job_policy more = {.deny_new = 1u << BS_OBJ_PORT};
    CT_EQ(bs_job_set_policy(parent, 0, &more), ERR_BAD_STATE);
    bs_handle_close(child);
    bs_handle_close(parent);
}

CT_TEST(job_set_policy_refuses_bad_input)
{
    bs_handle_t j, weak, ev;
    CT_ASSERT_EQ(bs_job_create(my_job(), 0, &j), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(j, BS_RIGHT_INSPECT, &weak), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct bs_job_policy ok = {0}, bad = {0};
    CT_EQ(bs_job_set_policy(BS_HANDLE_INVALID, 0, &ok), ERR_BAD_HANDLE);
    CT_EQ(bs_job_set_policy(ev, 0, &ok), ERR_WRONG_TYPE);
    CT_EQ(bs_job_set_policy(weak, 0, &ok), ERR_ACCESS_DENIED);
    CT_EQ(bs_job_set_policy(j, 1, &ok), ERR_INVALID_ARGS);
    CT_EQ(bs_job_set_policy(j, 0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_job_set_policy(j, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    bad.flags = 1u << 7;
    CT_EQ(bs_job_set_policy(j, 0, &bad), ERR_INVALID_ARGS);
    bad = (struct bs_job_policy){.bad_handle = 2};
    CT_EQ(bs_job_set_policy(j, 0, &bad), ERR_INVALID_ARGS);
    bad = (struct bs_job_policy){.deny_new = 1u << 31};
    CT_EQ(bs_job_set_policy(j, 0, &bad), ERR_INVALID_ARGS);
    bad = (struct bs_job_policy){.reserved = 1};
    CT_EQ(bs_job_set_policy(j, 0, &bad), ERR_INVALID_ARGS);
    /* Not on the job this test runs in: it has a process. */
    CT_EQ(bs_job_set_policy(my_job(), 0, &ok), ERR_BAD_STATE);
    bs_handle_close(ev);
    bs_handle_close(weak);
    bs_handle_close(j);
}

CT_TEST(policy_kills_on_a_bad_handle)
{
    static const uint8_t code[] = {X_MOV_EDI(BAD_HANDLE_VALUE),
                                   X_MOV_EAX(BS_SYS_HANDLE_CLOSE),
                                   X_SYSCALL,
                                   X_MOV_RDI_RAX,
                                   X_MOV_EAX(BS_SYS_PROCESS_EXIT),
                                   X_SYSCALL};
    struct task t;
    /* Without the policy the call just fails ... */
    CT_ASSERT_EQ(task_make(my_job(), "lenient", code, sizeof(code), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_wait(t.proc), ERR_BAD_HANDLE);
    task_close(&t);
    /* ... with it the process dies. */
    bs_handle_t j = job_with((struct bs_job_policy){.bad_handle = BS_POLICY_KILL});
    CT_ASSERT_EQ(task_make(j, "strict", code, sizeof(code), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_POLICY_KILL);
    task_close(&t);
    bs_handle_close(j);
}

CT_TEST(policy_forbids_writable_and_executable_aliases)
{
    static const uint8_t code[] = {X_EXIT(0)};
    bs_handle_t j = job_with((struct bs_job_policy){.flags = BS_POLICY_FLAG_NO_WX_ALIAS});
    struct task t;
    /* The code VMO is mapped read+execute in the new process: no writable alias now. */
    CT_ASSERT_EQ(task_make(j, "wx", code, sizeof(code), true, &t), OK);
    bs_handle_t cv;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, BS_VMO_EXECUTABLE, &cv), OK);
    uint64_t a = 0x20000000, b = 0x20100000;
    CT_EQ(bs_vmar_map(t.vmar, 1 | 4, cv, 0, TASK_PAGE, &a), OK);
    CT_EQ(bs_vmar_map(t.vmar, 1 | 2, cv, 0, TASK_PAGE, &b), ERR_ACCESS_DENIED);
    /* The data VMO is mapped read+write: it cannot become code elsewhere, nor by protect. */
    uint64_t c = 0x20200000;
    CT_EQ(bs_vmar_map(t.vmar, 1 | 4, t.data, 0, TASK_PAGE, &c), ERR_ACCESS_DENIED);
    /* Outside the job the same aliases are allowed (W^X holds per mapping only)... */
    struct task u;
    bs_handle_t free_vmo;
    CT_ASSERT_EQ(task_make(my_job(), "free", code, sizeof(code), true, &u), OK);
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, BS_VMO_EXECUTABLE, &free_vmo), OK);
    uint64_t d = 0x20000000, e = 0x20100000, f = 0x20200000;
    CT_EQ(bs_vmar_map(u.vmar, 1 | 4, free_vmo, 0, TASK_PAGE, &d), OK);
    CT_EQ(bs_vmar_map(u.vmar, 1 | 2, free_vmo, 0, TASK_PAGE, &e), OK);
    /* ... but not for code the policy sealed (policy_seals_code_against_later_writes). */
    CT_EQ(bs_vmar_map(u.vmar, 1 | 2, cv, 0, TASK_PAGE, &f), ERR_ACCESS_DENIED);
    bs_handle_close(free_vmo);
    bs_handle_close(cv);
    task_close(&u);
    task_close(&t);
    bs_handle_close(j);
}

CT_TEST(policy_seals_code_against_later_writes)
{
    static const uint8_t code[] = {X_EXIT(0)};
    bs_handle_t j = job_with((struct bs_job_policy){.flags = BS_POLICY_FLAG_NO_WX_ALIAS});
    struct task t;
    CT_ASSERT_EQ(task_make(j, "sealed", code, sizeof(code), false, &t), OK);
    bs_handle_t cv;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, BS_VMO_EXECUTABLE, &cv), OK);
    CT_EQ(bs_vmo_write(cv, "x", 0, 1), OK); /* not code yet */
    uint64_t a = 0x20000000;
    CT_EQ(bs_vmar_map(t.vmar, 1 | 4, cv, 0, TASK_PAGE, &a), OK);
    /* Code now: no more writes, by anyone, in any way. */
    CT_EQ(bs_vmo_write(cv, "y", 0, 1), ERR_ACCESS_DENIED);
    struct task u;
    CT_ASSERT_EQ(task_make(my_job(), "other", code, sizeof(code), false, &u), OK);
    uint64_t b = 0x20000000;
    CT_EQ(bs_vmar_map(u.vmar, 1 | 2, cv, 0, TASK_PAGE, &b), ERR_ACCESS_DENIED);
    uint64_t c = 0x20100000;
    CT_EQ(bs_vmar_map(u.vmar, 1, cv, 0, TASK_PAGE, &c), OK); /* reading is fine */
    CT_EQ(bs_vmar_protect(u.vmar, c, TASK_PAGE, 1 | 2), ERR_ACCESS_DENIED);
    bs_handle_close(cv);
    task_close(&u);
    task_close(&t);
    bs_handle_close(j);
}

CT_TEST(capability_mode_denies_ambient_authority_but_handles_work)
{
    static const uint8_t job[] = PROBE(BS_OBJ_JOB), event[] = PROBE(BS_OBJ_EVENT);
    bs_handle_t j = job_with((struct bs_job_policy){.flags = BS_POLICY_FLAG_CAPABILITY_MODE});
    bool msg = false;
    /* A job under its own job, named by no handle: refused. */
    CT_EQ(probe(j, job, sizeof(job), &msg), ERR_ACCESS_DENIED);
    CT_TRUE(msg); /* while its channel handle works */
    /* Making objects from nothing is no ambient authority. */
    CT_EQ(probe(j, event, sizeof(event), &msg), OK);
    CT_TRUE(msg);
    bs_handle_close(j);
}

/*
 * A POSIX probe: open("/boot/init", 0), kill(1, 0) and getpid() through the
 * Linux numbers, exit code = low byte of each result (open | kill << 8 |
 * getpid's sign << 16).
 */
/* clang-format off */
static const uint8_t posix_probe[] = {
    0x48, 0x8d, 0x3d, 0x3e, 0x00, 0x00, 0x00, /* lea path(%rip), %rdi */
    0x31, 0xf6,                               /* xor %esi, %esi */
    X_MOV_EAX(2), X_SYSCALL,                  /* open */
    0x89, 0xc3,                               /* mov %eax, %ebx */
    X_MOV_EDI(1), 0x31, 0xf6,                 /* edi = 1, esi = 0 */
    X_MOV_EAX(62), X_SYSCALL,                 /* kill(1, 0) */
    0x41, 0x89, 0xc4,                         /* mov %eax, %r12d */
    X_MOV_EAX(39), X_SYSCALL,                 /* getpid */
    0xc1, 0xe8, 0x1f,                         /* shr $31, %eax: 1 if negative */
    0xc1, 0xe0, 0x10,                         /* shl $16, %eax */
    0x0f, 0xb6, 0xfb,                         /* movzbl %bl, %edi */
    0x09, 0xc7,                               /* or %eax, %edi */
    0x41, 0x0f, 0xb6, 0xc4,                   /* movzbl %r12b, %eax */
    0xc1, 0xe0, 0x08,                         /* shl $8, %eax */
    0x09, 0xc7,                               /* or %eax, %edi */
    X_MOV_EAX(BS_SYS_PROCESS_EXIT), X_SYSCALL,
    '/', 'b', 'o', 'o', 't', '/', 'i', 'n', 'i', 't', 0,
};
/* clang-format on */

CT_TEST(capability_mode_denies_posix_paths_and_pids)
{
    /* The lea's displacement: from the end of the lea (7 bytes in) to the path. */
    CT_EQ(posix_probe[3] + 7, (int)sizeof(posix_probe) - 11);
    bs_handle_t j = job_with((struct bs_job_policy){.flags = BS_POLICY_FLAG_CAPABILITY_MODE});
    struct task t;
    CT_EQ(task_make(j, "posix-probe", posix_probe, sizeof(posix_probe), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    /* open and kill: -EPERM (0xff low byte each); getpid works (not negative). */
    CT_EQ(task_wait(t.proc), 0xffff);
    task_close(&t);
    /* The same probe outside capability mode: open works (a descriptor: 3), kill(1, 0) too. */
    bs_handle_t free_job = job_with((struct bs_job_policy){0});
    CT_EQ(task_make(free_job, "posix-probe", posix_probe, sizeof(posix_probe), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_wait(t.proc), 3);
    task_close(&t);
    bs_handle_close(j);
    bs_handle_close(free_job);
}
