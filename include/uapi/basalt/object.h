/*
 * basalt/object.h - kernel object types, rights and signals, shared by the
 * kernel and user programs. Values are ABI: never renumber, only add.
 */
#pragma once

#include <stdint.h>

typedef uint32_t bs_handle_t;
typedef uint32_t bs_rights_t;
typedef uint32_t bs_signals_t;
typedef uint64_t bs_koid_t;

#define BS_HANDLE_INVALID 0u

/* Object types. */
#define BS_OBJ_NONE       0u
#define BS_OBJ_PROCESS    1u
#define BS_OBJ_THREAD     2u
#define BS_OBJ_VMO        3u
#define BS_OBJ_CHANNEL    4u
#define BS_OBJ_EVENT      5u
#define BS_OBJ_PORT       6u
#define BS_OBJ_EVENTPAIR  7u
#define BS_OBJ_TIMER      8u
#define BS_OBJ_JOB        9u
#define BS_OBJ_VMAR       10u
#define BS_OBJ_TYPE_COUNT 11u

/* Rights (DESIGN.md section 6). */
#define BS_RIGHT_NONE        0u
#define BS_RIGHT_DUPLICATE   (1u << 0)
#define BS_RIGHT_TRANSFER    (1u << 1)
#define BS_RIGHT_READ        (1u << 2)
#define BS_RIGHT_WRITE       (1u << 3)
#define BS_RIGHT_EXECUTE     (1u << 4)
#define BS_RIGHT_MAP         (1u << 5)
#define BS_RIGHT_WAIT        (1u << 6)
#define BS_RIGHT_SIGNAL      (1u << 7)
#define BS_RIGHT_SIGNAL_PEER (1u << 8)
#define BS_RIGHT_ENUMERATE   (1u << 9)
#define BS_RIGHT_SUSPEND     (1u << 10)
#define BS_RIGHT_RESUME      (1u << 11)
#define BS_RIGHT_INSPECT     (1u << 12)
#define BS_RIGHT_MANAGE      (1u << 13)
#define BS_RIGHT_DESTROY     (1u << 14)
#define BS_RIGHT_SET_POLICY  (1u << 15)
#define BS_RIGHTS_ALL        0xffffu
/* handle_duplicate/replace: keep the rights the handle has. */
#define BS_RIGHT_SAME_RIGHTS 0x80000000u

/* Signals common to all objects, then per type (docs/abi.md lists them). */
#define BS_SIGNAL_READABLE     (1u << 0)
#define BS_SIGNAL_WRITABLE     (1u << 1)
#define BS_SIGNAL_PEER_CLOSED  (1u << 2)
#define BS_SIGNAL_SIGNALED     (1u << 3)
#define BS_SIGNAL_TERMINATED   (1u << 4)
#define BS_SIGNAL_NO_PROCESSES (1u << 5)
#define BS_SIGNAL_USER_ALL     (0xffu << 24) /* 8 user signals on events and eventpairs */

/* vmo_create / vmo_clone options. */
#define BS_VMO_RESIZABLE  (1u << 0)
#define BS_VMO_EXECUTABLE (1u << 1) /* the new handle also gets EXECUTE (code to map) */

/* Ports (port_queue, port_wait, object_wait_async). */
#define BS_PKT_TYPE_USER   0u /* from port_queue */
#define BS_PKT_TYPE_SIGNAL 1u /* from an object_wait_async observer */

#define BS_WAIT_ASYNC_ONCE      0u /* one packet, then the observer is gone */
#define BS_WAIT_ASYNC_REPEATING 1u /* a packet each time (at most one queued at a time) */

struct bs_port_packet {
    uint64_t key;
    uint32_t type;  /* BS_PKT_TYPE_* */
    int32_t status; /* OK */
    union {
        uint64_t user[4]; /* BS_PKT_TYPE_USER: whatever port_queue was given */
        struct {
            bs_signals_t trigger;  /* the signals asked for */
            bs_signals_t observed; /* the object's signals when it fired */
            uint64_t count;        /* 1 */
        } signal;
    };
};

/* channel_call: what to write and where the reply goes. */
struct bs_channel_call_args {
    const void *wr_bytes;          /* the first 4 bytes become the transaction id */
    const bs_handle_t *wr_handles; /* moved, as channel_write */
    void *rd_bytes;
    bs_handle_t *rd_handles;
    uint32_t wr_num_bytes;
    uint32_t wr_num_handles;
    uint32_t rd_num_bytes;
    uint32_t rd_num_handles;
};

/* object_wait_many: one entry per object. */
struct bs_wait_item {
    bs_handle_t handle;
    bs_signals_t waitfor;
    bs_signals_t pending; /* out: the object's signals at the end */
};
#define BS_WAIT_MANY_MAX 64u

/* Job policies (job_set_policy). A job's policy is its parent's made stricter. */
struct bs_job_policy {
    uint32_t deny_new; /* bit (1 << BS_OBJ_x): creating such objects fails with ERR_ACCESS_DENIED */
    uint32_t bad_handle; /* BS_POLICY_DENY (the call fails) or BS_POLICY_KILL (the process dies) */
    uint32_t flags;      /* BS_POLICY_FLAG_* */
    uint32_t reserved;   /* 0 */
};
#define BS_POLICY_DENY 0u
#define BS_POLICY_KILL 1u
/* No VMO may be mapped writable and executable at once, even by two mappings. */
#define BS_POLICY_FLAG_NO_WX_ALIAS (1u << 0)
/*
 * Capability mode: no call that uses ambient authority (a job made from the
 * caller's own job, later every POSIX call naming a path or a pid); the
 * process acts only through the handles it holds.
 */
#define BS_POLICY_FLAG_CAPABILITY_MODE (1u << 1)

/* Exit code of a process killed by its job's bad-handle policy. */
#define BS_EXIT_POLICY_KILL (-1030)

/* Exit code of a process killed because one of its threads faulted. */
#define BS_EXIT_EXCEPTION_KILL (-1028)
/* Exit code of a process killed through task_kill. */
#define BS_EXIT_KILLED (-1024)

/* Auxiliary-vector entries through which the kernel hands /boot/init its handles. */
#define BS_AT_BOOTSTRAP_CHANNEL 0x42530001u
#define BS_AT_BOOTFS_VMO        0x42530002u
#define BS_AT_ROOT_JOB          0x42530003u
#define BS_AT_SELF_PROCESS      0x42530004u
#define BS_AT_SELF_VMAR         0x42530005u

/* object_get_info topics and their records. */
#define BS_INFO_HANDLE_BASIC    1u /* struct bs_info_handle_basic; no right needed */
#define BS_INFO_PROCESS         2u /* struct bs_info_process; INSPECT */
#define BS_INFO_VMO             3u /* struct bs_info_vmo; INSPECT */
#define BS_INFO_SYSTEM          4u /* struct bs_info_system; INSPECT (any handle) */
#define BS_INFO_THREAD          5u /* struct bs_info_thread; INSPECT */
#define BS_INFO_JOB             6u /* struct bs_info_job; INSPECT */
#define BS_INFO_JOB_CHILDREN    7u /* bs_koid_t[]: the child jobs; ENUMERATE */
#define BS_INFO_JOB_PROCESSES   8u /* bs_koid_t[]: the live processes; ENUMERATE */
#define BS_INFO_PROCESS_THREADS 9u /* bs_koid_t[]: the threads not yet dead; ENUMERATE */

struct bs_info_handle_basic {
    bs_koid_t koid;
    bs_rights_t rights;
    uint32_t type; /* BS_OBJ_* */
};

#define BS_PROCESS_STATE_INITIAL    0u
#define BS_PROCESS_STATE_RUNNING    1u
#define BS_PROCESS_STATE_TERMINATED 2u
#define BS_PROCESS_STATE_DYING      3u /* killed or exiting: its threads are stopping */

struct bs_info_process {
    int64_t exit_code; /* valid once TERMINATED */
    uint32_t state;    /* BS_PROCESS_STATE_* */
    uint32_t threads;
};

#define BS_THREAD_STATE_NEW       0u /* created, not started */
#define BS_THREAD_STATE_RUNNING   1u /* running or ready to */
#define BS_THREAD_STATE_SUSPENDED 2u
#define BS_THREAD_STATE_BLOCKED   3u /* waiting in a system call */
#define BS_THREAD_STATE_DYING     4u /* killed, not yet gone */
#define BS_THREAD_STATE_DEAD      5u

struct bs_info_thread {
    uint32_t state; /* BS_THREAD_STATE_* */
    uint32_t reserved;
    bs_koid_t process; /* koid of the process it belongs to */
    uint64_t cpu_time_ns;
};

struct bs_info_job {
    bs_koid_t parent;   /* 0 for the root job */
    uint32_t children;  /* child jobs */
    uint32_t processes; /* live processes */
    uint32_t killed;    /* 1 once task_kill'ed: no new processes or jobs */
    uint32_t depth;     /* 0 for the root job */
};

struct bs_info_vmo {
    uint64_t size;            /* bytes */
    uint64_t committed_bytes; /* pages committed, in bytes */
};

/* Memory and object totals of the whole system: what the leak checks compare. */
struct bs_info_system {
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t heap_bytes;   /* kernel heap bytes in use */
    uint64_t live_objects; /* kernel objects of every type */
};
