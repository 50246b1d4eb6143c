/*
 * main.c - kmain(), where the loader hands over.
 *
 * Brings the kernel up in the order of DESIGN.md section 4, logging one line
 * per step. Later steps (memory, ACPI, interrupts, timers, scheduler, drivers,
 * file systems, init) slot in after the CPU tables. Once the scheduler runs,
 * the boot thread commits the requested crash, if any, starts the "kmain"
 * thread for the rest (benchmarks, tests) and becomes the idle thread.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <bench.h>
#include <boot.h>
#include <cmdline.h>
#include <console.h>
#include <drivers/acpi.h>
#include <drivers/ps2.h>
#include <drivers/uart.h>
#include <fs/vfs.h>
#include <kshell.h>
#include <ktest.h>
#include <lib/string.h>
#include <log.h>
#include <mm/heap.h>
#include <mm/kvm.h>
#include <mm/pmm.h>
#include <object/futex.h>
#include <object/init_launch.h>
#include <object/job.h>
#include <panic.h>
#include <printf.h>
#include <prof.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <time.h>

#ifndef BASALT_VERSION
#define BASALT_VERSION "unknown"
#endif

static const char *const mem_type_names[] = {
    [BOOT_MEM_USABLE] = "usable",       [BOOT_MEM_RESERVED] = "reserved",
    [BOOT_MEM_ACPI_RECLAIM] = "ACPI",   [BOOT_MEM_ACPI_NVS] = "ACPI NVS",
    [BOOT_MEM_MMIO] = "MMIO",           [BOOT_MEM_FW_RUNTIME] = "firmware runtime",
    [BOOT_MEM_KERNEL] = "kernel",       [BOOT_MEM_INITRD] = "initrd",
    [BOOT_MEM_BOOT_DATA] = "boot data", [BOOT_MEM_BAD] = "bad",
};

static void log_memory_map(const struct boot_info *bi, const struct boot_mem_range *mem)
{
    uint64_t usable = 0;
    for (uint32_t i = 0; i < bi->mem_map_count; i++) {
        if (mem[i].type == BOOT_MEM_USABLE)
            usable += mem[i].length;
    }
    kprintf("boot: memory map: %u ranges, %lu MiB usable, physical map %lu GiB\n",
            bi->mem_map_count, usable >> 20, bi->physmap_size >> 30);
    if (!cmdline_has("quiet")) {
        for (uint32_t i = 0; i < bi->mem_map_count; i++)
            kprintf("  0x%012lx-0x%012lx %s\n", mem[i].base, mem[i].base + mem[i].length - 1,
                    mem_type_names[mem[i].type]);
    }
}

/* The end of start-up, in a thread of its own (it may block): benchmarks, tests. */
static int kmain_thread(void *arg)
{
    (void)arg;
    if (cmdline_has("bench")) {
        bench_run_all();
        arch_debug_exit(DEBUG_EXIT_SUCCESS);
    }

    if (cmdline_has("ktest")) {
        int failed = ktest_run_all();
        arch_debug_exit(failed ? DEBUG_EXIT_FAILURE : DEBUG_EXIT_SUCCESS);
    }

    if (cmdline_has("kshell"))
        kshell_run();

    struct process *init;
    struct kobject *bootstrap;
    char how[16];
    bool exit_qemu = cmdline_value("init_exit", how, sizeof(how)) && strcmp(how, "qemu") == 0;
    if (init_launch(&init, &bootstrap) == OK) {
        bs_signals_t seen;
        kobject_wait(&init->obj, BS_SIGNAL_TERMINATED, DEADLINE_INFINITE, &seen);
        struct bs_info_process info;
        process_get_info(init, &info);
        int64_t code = info.exit_code;
        kprintf("init exited with code %ld\n", code);
        prof_report();
        kobject_unref(bootstrap);
        kobject_unref(&init->obj);
        if (exit_qemu && code == 0)
            arch_debug_exit(DEBUG_EXIT_SUCCESS);
        else if (exit_qemu && code > 0 && code <= DEBUG_EXIT_CODE_MAX)
            arch_debug_exit((uint8_t)(DEBUG_EXIT_CODE_BASE + code));
        else if (exit_qemu)
            arch_debug_exit(DEBUG_EXIT_FAILURE);
    } else if (exit_qemu) {
        arch_debug_exit(DEBUG_EXIT_FAILURE);
    }

    kprintf("boot: nothing more to do yet; idling\n");
    return 0;
}

void kmain(struct boot_info *bi);

void kmain(struct boot_info *bi)
{
    uart_init();
    kprintf("\nBasalt %s (x86_64), built " __DATE__ " " __TIME__ "\n", BASALT_VERSION);

    const struct boot_mem_range *mem =
        bi->mem_map ? (const struct boot_mem_range *)(PHYSMAP_BASE + bi->mem_map) : NULL;
    const char *why = boot_info_check(bi, mem);
    if (why)
        panic("the loader's boot information is invalid: %s", why);

    kprintf("cmdline: %s\n", bi->cmdline[0] ? bi->cmdline : "(empty)");
    cmdline_init(bi->cmdline);
    char klog[16];
    if (cmdline_value("klog", klog, sizeof(klog)) && strcmp(klog, "debugcon") == 0) {
        /* tools/basalt-exec takes the serial output after this line as the programs'. */
        kprintf("klog: the kernel log continues on the debug port only\n");
        log_consoles_quiet();
    }
    char val[32];
    if (cmdline_value("panic", val, sizeof(val)) && strcmp(val, "exit") == 0)
        panic_exits_emulator = true;

    kprintf("boot: console on COM1 and the debug port\n");
    arch_early_init();
    log_memory_map(bi, mem);
    pmm_init(mem, bi->mem_map_count);
    pmm_print_stats();
    heap_init();
    arch_mmu_init(bi, mem);
    kvm_init();
    kprintf("boot: kernel heap and kernel virtual area ready\n");
    acpi_init(bi->rsdp);
    arch_irq_init();
    time_init();
    ps2_init();
    uart_enable_rx();
    sched_init();
    console_init();
    arch_user_init();
    job_init();
    futex_init();
    bootfs_init(bi);
    vfs_init();
    arch_irq_enable();
    kprintf("boot: interrupts on\n");
    if (bi->fb.format != BOOT_FB_NONE)
        kprintf("boot: framebuffer %ux%u at %#lx\n", bi->fb.width, bi->fb.height, bi->fb.base);
    kprintf("boot: initrd %lu bytes at %#lx\n", bi->initrd_size, bi->initrd_phys);
    kprintf("boot: done\n");

    if (cmdline_value("crash", val, sizeof(val)))
        arch_crash(val);

    /* What is left may block, so it runs in a thread; the boot thread becomes the idle thread. */
    struct thread *t;
    status_t s = thread_create(&t, "kmain", kmain_thread, NULL, THREAD_FLAG_DETACHED);
    ASSERT_MSG(s == OK, "cannot create the kmain thread: %s", status_name(s));
    thread_start(t);
    sched_idle_loop();
}
