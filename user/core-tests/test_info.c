/*
 * test_info.c - object_get_info: the topics, their types and rights, and
 * bad input.
 */
#include "ct.h"

CT_TEST(info_handle_basic_gives_koid_type_and_rights)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS);
    struct bs_info_handle_basic b = {0};
    size_t actual = 0;
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, &b, sizeof(b), &actual), OK);
    CT_EQ(actual, sizeof(b));
    CT_EQ(b.type, BS_OBJ_PROCESS);
    CT_GE(b.koid, 1024);
    CT_TRUE(b.rights & BS_RIGHT_INSPECT);

    /* A duplicate with fewer rights reports those, and the same koid. */
    bs_handle_t d;
    CT_ASSERT_EQ(bs_handle_duplicate(self, BS_RIGHT_DUPLICATE, &d), OK);
    struct bs_info_handle_basic bd = {0};
    CT_EQ(bs_object_get_info(d, BS_INFO_HANDLE_BASIC, &bd, sizeof(bd), NULL), OK);
    CT_EQ(bd.koid, b.koid);
    CT_EQ(bd.rights, BS_RIGHT_DUPLICATE);
    /* ...and without INSPECT, the other topics are refused. */
    struct bs_info_process pi;
    CT_EQ(bs_object_get_info(d, BS_INFO_PROCESS, &pi, sizeof(pi), NULL), ERR_ACCESS_DENIED);
    bs_handle_close(d);
}

CT_TEST(info_process_reports_running_and_one_thread)
{
    struct bs_info_process pi = {0};
    CT_EQ(bs_object_get_info(bs_startup_handle(BS_AT_SELF_PROCESS), BS_INFO_PROCESS, &pi,
                             sizeof(pi), NULL),
          OK);
    CT_EQ(pi.state, BS_PROCESS_STATE_RUNNING);
    CT_EQ(pi.threads, 1);
}

CT_TEST(info_vmo_reports_size_and_committed_bytes)
{
    bs_handle_t v;
    CT_ASSERT_EQ(bs_vmo_create(3 * 4096, 0, &v), OK);
    struct bs_info_vmo vi = {0};
    CT_EQ(bs_object_get_info(v, BS_INFO_VMO, &vi, sizeof(vi), NULL), OK);
    CT_EQ(vi.size, 3 * 4096);
    CT_EQ(vi.committed_bytes, 0);
    char byte = 1;
    CT_EQ(bs_vmo_write(v, &byte, 4096, 1), OK);
    CT_EQ(bs_object_get_info(v, BS_INFO_VMO, &vi, sizeof(vi), NULL), OK);
    CT_EQ(vi.committed_bytes, 4096);
    /* The wrong type for the topic. */
    struct bs_info_process pi;
    CT_EQ(bs_object_get_info(v, BS_INFO_PROCESS, &pi, sizeof(pi), NULL), ERR_WRONG_TYPE);
    bs_handle_close(v);
}

CT_TEST(info_system_counts_memory)
{
    struct bs_info_system si = {0};
    CT_EQ(bs_object_get_info(bs_startup_handle(BS_AT_SELF_PROCESS), BS_INFO_SYSTEM, &si, sizeof(si),
                             NULL),
          OK);
    CT_GT(si.total_pages, 1000);
    CT_GT(si.free_pages, 0);
    CT_LT(si.free_pages, si.total_pages);
    CT_GT(si.live_objects, 0);
}

CT_TEST(info_refuses_bad_input)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS);
    struct bs_info_handle_basic b;
    size_t actual = 0;
    CT_EQ(bs_object_get_info(self, 0, &b, sizeof(b), NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(self, 99, &b, sizeof(b), NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(0, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), ERR_BAD_HANDLE);
    CT_EQ(bs_object_get_info(0x12345679, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL),
          ERR_BAD_HANDLE);
    /* Too small: the size needed comes back. */
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, &b, 4, &actual), ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual, sizeof(b));
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, CT_PTR_NULL, sizeof(b), NULL),
          ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, CT_PTR_KERNEL, sizeof(b), NULL),
          ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, CT_PTR_UNMAPPED, sizeof(b), NULL),
          ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, &b, sizeof(b), CT_PTR_KERNEL),
          ERR_INVALID_ARGS);
    CT_EQ(bs_object_get_info(self, BS_INFO_HANDLE_BASIC, &b, sizeof(b), CT_PTR_NONCANON),
          ERR_INVALID_ARGS);
}
