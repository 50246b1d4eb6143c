/*
 * test_more2.c - narrow edge cases of descriptors, offsets, vectored and
 * zero-length transfers, names, links and pipes, one point per test, each
 * checked against what Linux does.
 */
#include "pt.h"
#include "pt_child.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static long fsize(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    return st.st_size;
}

PT_TEST(dup_of_bad_descriptors_is_ebadf)
{
    CHECK_ERR(dup(-1), EBADF);
    CHECK_ERR(dup(999), EBADF);
    CHECK_ERR(dup(5000), EBADF);
}

PT_TEST(dup_clears_close_on_exec)
{
    int fd = open("/boot/init", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    int d = dup(fd);
    CHECK(d >= 0);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(d);
    close(fd);
}

PT_TEST(dup_takes_lowest_free_slot_in_a_gap)
{
    int a = open("/boot/init", O_RDONLY), b = open("/boot/init", O_RDONLY),
        c = open("/boot/init", O_RDONLY);
    CHECK(a >= 0 && b == a + 1 && c == b + 1);
    CHECK_EQ(close(b), 0);
    CHECK_EQ(dup(c), b);
    close(a);
    close(b);
    close(c);
}

PT_TEST(dup2_same_bad_descriptor_is_ebadf)
{
    CHECK_ERR(dup2(999, 999), EBADF);
    CHECK_ERR(dup2(-1, -1), EBADF);
}

PT_TEST(dup2_onto_itself_keeps_close_on_exec)
{
    int fd = open("/boot/init", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(dup2(fd, fd), fd);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
}

PT_TEST(dup3_same_descriptor_with_cloexec_is_einval)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(syscall(SYS_dup3, fd, fd, O_CLOEXEC), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, 999, 300, 0), EBADF);
    CHECK_ERR(syscall(SYS_dup3, fd, -1, 0), EBADF);
    close(fd);
}

PT_TEST(dup3_replaces_an_open_target)
{
    int a = pt_make_file("/tmp/pt-d3a", "AAAA");
    int b = pt_make_file("/tmp/pt-d3b", "BBBB");
    CHECK(a >= 0 && b >= 0);
    CHECK_EQ(syscall(SYS_dup3, a, b, 0), b);
    char c;
    CHECK_EQ(pread(b, &c, 1, 0), 1);
    CHECK_EQ(c, 'A');
    CHECK_EQ(fcntl(b, F_GETFD), 0);
    close(a);
    close(b);
    unlink("/tmp/pt-d3a");
    unlink("/tmp/pt-d3b");
}

PT_TEST(close_on_exec_is_per_descriptor)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    int d = dup(fd);
    CHECK(d >= 0);
    CHECK_EQ(fcntl(d, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(fcntl(d, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    close(d);
    close(fd);
}

PT_TEST(status_flags_are_shared_by_duplicates)
{
    int fd = pt_make_file("/tmp/pt-shfl", "");
    CHECK(fd >= 0);
    int d = dup(fd);
    CHECK(d >= 0);
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
    CHECK(fcntl(d, F_GETFL) & O_APPEND);
    close(d);
    close(fd);
    unlink("/tmp/pt-shfl");
}

PT_TEST(close_twice_is_ebadf)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(close(fd), 0);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(close(-1), EBADF);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
}

PT_TEST(fcntl_getfl_reports_access_mode)
{
    int r = open("/tmp/pt-accm", O_RDONLY | O_CREAT, 0644);
    int w = open("/tmp/pt-accm", O_WRONLY);
    int rw = open("/tmp/pt-accm", O_RDWR);
    CHECK(r >= 0 && w >= 0 && rw >= 0);
    CHECK_EQ(fcntl(r, F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(w, F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_EQ(fcntl(rw, F_GETFL) & O_ACCMODE, O_RDWR);
    close(r);
    close(w);
    close(rw);
    unlink("/tmp/pt-accm");
}

PT_TEST(fcntl_dupfd_takes_lowest_at_or_above)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_DUPFD, 300), 300);
    CHECK_EQ(fcntl(fd, F_DUPFD, 300), 301);
    CHECK_EQ(close(300), 0);
    CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 300), 300);
    CHECK_EQ(fcntl(300, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(301, F_GETFD), 0);
    close(300);
    close(301);
    close(fd);
}

PT_TEST(fcntl_dupfd_negative_is_einval)
{
    CHECK_ERR(fcntl(0, F_DUPFD, -1), EINVAL);
    CHECK_ERR(fcntl(0, F_DUPFD_CLOEXEC, -5), EINVAL);
    CHECK_ERR(fcntl(999, F_DUPFD, 0), EBADF);
}

PT_TEST(fcntl_on_bad_descriptor_is_ebadf)
{
    CHECK_ERR(fcntl(999, F_GETFD), EBADF);
    CHECK_ERR(fcntl(999, F_SETFD, FD_CLOEXEC), EBADF);
    CHECK_ERR(fcntl(-1, F_GETFL), EBADF);
    CHECK_ERR(fcntl(999, F_SETFL, O_NONBLOCK), EBADF);
}

PT_TEST(fcntl_setfl_clears_append_again)
{
    int fd = open("/tmp/pt-clap", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcd", 4), 4);
    CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_APPEND, 0);
    CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
    CHECK_EQ(write(fd, "X", 1), 1);
    char buf[5] = {0};
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "aXcd", 4) == 0);
    close(fd);
    unlink("/tmp/pt-clap");
}

PT_TEST(lseek_seek_end_past_end_reads_eof)
{
    int fd = pt_make_file("/tmp/pt-send", "hello");
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 5, SEEK_END), 10);
    char c;
    CHECK_EQ(read(fd, &c, 1), 0);
    CHECK_EQ(fsize(fd), 5); /* seeking alone does not grow the file */
    CHECK_EQ(lseek(fd, 0, SEEK_END), 5);
    close(fd);
    unlink("/tmp/pt-send");
}

PT_TEST(lseek_negative_result_is_einval_and_keeps_offset)
{
    int fd = pt_make_file("/tmp/pt-sneg", "hello");
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -6, SEEK_END), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    CHECK_EQ(lseek(fd, -5, SEEK_END), 0);
    close(fd);
    unlink("/tmp/pt-sneg");
}

PT_TEST(lseek_on_pipe_is_espipe)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERR(lseek(p[1], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(lseek(999, 0, SEEK_SET), EBADF);
    close(p[0]);
    close(p[1]);
}

PT_TEST(open_append_writes_land_at_the_end)
{
    int fd = pt_make_file("/tmp/pt-app", "0123");
    CHECK(fd >= 0);
    close(fd);
    fd = open("/tmp/pt-app", O_RDWR | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(write(fd, "ab", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    char buf[8];
    CHECK_EQ(pread(fd, buf, 8, 0), 6);
    CHECK(memcmp(buf, "0123ab", 6) == 0);
    close(fd);
    unlink("/tmp/pt-app");
}

PT_TEST(pwrite_on_append_file_appends_as_linux)
{
    int fd = pt_make_file("/tmp/pt-papp", "0123");
    CHECK(fd >= 0);
    close(fd);
    fd = open("/tmp/pt-papp", O_RDWR | O_APPEND);
    CHECK(fd >= 0);
    /* Linux: with O_APPEND, pwrite appends whatever the offset (pwrite(2) BUGS). */
    CHECK_EQ(pwrite(fd, "Z", 1, 0), 1);
    char buf[8];
    CHECK_EQ(pread(fd, buf, 8, 0), 5);
    CHECK(memcmp(buf, "0123Z", 5) == 0);
    close(fd);
    unlink("/tmp/pt-papp");
}

PT_TEST(zero_length_read_and_write)
{
    int fd = pt_make_file("/tmp/pt-zero", "abc");
    CHECK(fd >= 0);
    char c = 'q';
    CHECK_EQ(read(fd, &c, 0), 0);
    CHECK_EQ(c, 'q');
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(write(fd, "x", 0), 0);
    CHECK_EQ(fsize(fd), 3);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(pwrite(fd, "x", 0, 100), 0);
    CHECK_EQ(fsize(fd), 3); /* a zero-length pwrite past the end does not grow */
    close(fd);
    unlink("/tmp/pt-zero");
}

PT_TEST(zero_length_io_on_bad_descriptor_is_ebadf)
{
    char c;
    CHECK_ERR(read(999, &c, 0), EBADF);
    CHECK_ERR(write(999, &c, 0), EBADF);
}

PT_TEST(read_at_end_of_file_is_zero)
{
    int fd = pt_make_file("/tmp/pt-eof", "ab");
    CHECK(fd >= 0);
    char buf[8];
    CHECK_EQ(read(fd, buf, 8), 2);
    CHECK_EQ(read(fd, buf, 8), 0);
    CHECK_EQ(read(fd, buf, 8), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    close(fd);
    unlink("/tmp/pt-eof");
}

PT_TEST(write_to_read_only_descriptor_is_ebadf)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    CHECK_ERR(pwrite(fd, "x", 1, 0), EBADF);
    struct iovec v = {"x", 1};
    CHECK_ERR(writev(fd, &v, 1), EBADF);
    close(fd);
}

PT_TEST(read_from_write_only_descriptor_is_ebadf)
{
    int fd = open("/tmp/pt-wo", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
    CHECK_ERR(pread(fd, &c, 1, 0), EBADF);
    struct iovec v = {&c, 1};
    CHECK_ERR(readv(fd, &v, 1), EBADF);
    close(fd);
    unlink("/tmp/pt-wo");
}

PT_TEST(creat_opens_write_only_and_truncates)
{
    int fd = pt_make_file("/tmp/pt-creat", "something");
    CHECK(fd >= 0);
    close(fd);
    fd = creat("/tmp/pt-creat", 0644);
    CHECK(fd >= 0);
    CHECK_EQ(fsize(fd), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
    close(fd);
    unlink("/tmp/pt-creat");
}

PT_TEST(readv_writev_zero_iovcnt_is_zero)
{
    int fd = pt_make_file("/tmp/pt-iov0", "abc");
    CHECK(fd >= 0);
    struct iovec v = {NULL, 0};
    CHECK_EQ(readv(fd, &v, 0), 0);
    CHECK_EQ(writev(fd, &v, 0), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(fsize(fd), 3);
    close(fd);
    unlink("/tmp/pt-iov0");
}

PT_TEST(readv_writev_iovcnt_over_1024_is_einval)
{
    static struct iovec v[1025];
    static char byte;
    for (int i = 0; i < 1025; i++)
        v[i] = (struct iovec){&byte, 1};
    int fd = open("/tmp/pt-iovmax", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_ERR(writev(fd, v, 1025), EINVAL);
    CHECK_ERR(readv(fd, v, 1025), EINVAL);
    CHECK_ERR(readv(fd, v, -1), EINVAL);
    CHECK_EQ(fsize(fd), 0);
    /* Exactly IOV_MAX is fine. */
    CHECK_EQ(writev(fd, v, 1024), 1024);
    CHECK_EQ(fsize(fd), 1024);
    close(fd);
    unlink("/tmp/pt-iovmax");
}

PT_TEST(readv_fills_buffers_in_order_and_stops_at_eof)
{
    int fd = pt_make_file("/tmp/pt-iovs", "abcdefg");
    CHECK(fd >= 0);
    char a[3], b[3], c[3] = {'?', '?', '?'};
    struct iovec v[3] = {{a, 3}, {b, 3}, {c, 3}};
    CHECK_EQ(readv(fd, v, 3), 7);
    CHECK(memcmp(a, "abc", 3) == 0);
    CHECK(memcmp(b, "def", 3) == 0);
    CHECK_EQ(c[0], 'g');
    CHECK_EQ(c[1], '?');
    CHECK_EQ(readv(fd, v, 3), 0);
    close(fd);
    unlink("/tmp/pt-iovs");
}

PT_TEST(o_trunc_empties_an_existing_file)
{
    int fd = pt_make_file("/tmp/pt-otr", "data data");
    CHECK(fd >= 0);
    close(fd);
    fd = open("/tmp/pt-otr", O_RDWR | O_TRUNC);
    CHECK(fd >= 0);
    CHECK_EQ(fsize(fd), 0);
    close(fd);
    unlink("/tmp/pt-otr");
}

PT_TEST(open_directory_for_writing_is_eisdir)
{
    CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
    CHECK_ERR(open("/tmp", O_RDWR), EISDIR);
    int fd = open("/tmp", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
}

PT_TEST(open_file_with_trailing_slash_is_enotdir)
{
    CHECK_ERR(open("/boot/init/", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("/boot/init/.", O_RDONLY), ENOTDIR);
}

PT_TEST(open_creat_with_trailing_slash_is_eisdir)
{
    CHECK_ERR(open("/tmp/pt-slash/", O_RDWR | O_CREAT, 0644), EISDIR);
    CHECK_ERR(access("/tmp/pt-slash", F_OK), ENOENT);
}

PT_TEST(open_excl_on_existing_directory_is_eexist)
{
    CHECK_ERR(open("/tmp", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
}

PT_TEST(component_of_255_ok_256_enametoolong)
{
    char name[5 + 256 + 1] = "/tmp/";
    memset(name + 5, 'n', 255);
    name[5 + 255] = 0;
    int fd = open(name, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(access(name, F_OK), 0);
    CHECK_EQ(unlink(name), 0);
    name[5 + 255] = 'n';
    name[5 + 256] = 0;
    CHECK_ERR(open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
    CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);
    struct stat st;
    CHECK_ERR(stat(name, &st), ENAMETOOLONG);
}

PT_TEST(mkdir_over_a_file_or_symlink_is_eexist)
{
    int fd = pt_make_file("/tmp/pt-mkf", "");
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(mkdir("/tmp/pt-mkf", 0755), EEXIST);
    CHECK_EQ(symlink("/tmp/pt-nowhere", "/tmp/pt-mkl"), 0);
    CHECK_ERR(mkdir("/tmp/pt-mkl", 0755), EEXIST); /* a dangling link is not followed */
    CHECK_ERR(mkdir("/", 0755), EEXIST);
    unlink("/tmp/pt-mkf");
    unlink("/tmp/pt-mkl");
}

PT_TEST(rmdir_dot_is_einval)
{
    CHECK_EQ(mkdir("/tmp/pt-rdot", 0755), 0);
    CHECK_ERR(rmdir("/tmp/pt-rdot/."), EINVAL);
    CHECK_EQ(access("/tmp/pt-rdot", F_OK), 0);
    CHECK_EQ(rmdir("/tmp/pt-rdot"), 0);
}

PT_TEST(rmdir_of_a_symlink_to_a_directory_is_enotdir)
{
    CHECK_EQ(mkdir("/tmp/pt-rdl", 0755), 0);
    CHECK_EQ(symlink("/tmp/pt-rdl", "/tmp/pt-rdl-link"), 0);
    CHECK_ERR(rmdir("/tmp/pt-rdl-link"), ENOTDIR);
    CHECK_EQ(unlink("/tmp/pt-rdl-link"), 0);
    CHECK_EQ(access("/tmp/pt-rdl", F_OK), 0);
    CHECK_EQ(rmdir("/tmp/pt-rdl"), 0);
}

PT_TEST(rename_directory_onto_empty_directory)
{
    CHECK_EQ(mkdir("/tmp/pt-rda", 0755), 0);
    CHECK_EQ(mkdir("/tmp/pt-rdb", 0755), 0);
    int fd = pt_make_file("/tmp/pt-rda/f", "x");
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(rename("/tmp/pt-rda", "/tmp/pt-rdb"), 0);
    CHECK_ERR(access("/tmp/pt-rda", F_OK), ENOENT);
    CHECK_EQ(access("/tmp/pt-rdb/f", F_OK), 0);
    CHECK_EQ(unlink("/tmp/pt-rdb/f"), 0);
    CHECK_EQ(rmdir("/tmp/pt-rdb"), 0);
}

PT_TEST(rename_between_hard_links_of_one_file_is_a_no_op)
{
    int fd = pt_make_file("/tmp/pt-rhl1", "x");
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(link("/tmp/pt-rhl1", "/tmp/pt-rhl2"), 0);
    CHECK_EQ(rename("/tmp/pt-rhl1", "/tmp/pt-rhl2"), 0);
    /* POSIX: both names stay. */
    CHECK_EQ(access("/tmp/pt-rhl1", F_OK), 0);
    CHECK_EQ(access("/tmp/pt-rhl2", F_OK), 0);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-rhl1", &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    unlink("/tmp/pt-rhl1");
    unlink("/tmp/pt-rhl2");
}

PT_TEST(rename_directory_onto_itself_is_a_no_op)
{
    CHECK_EQ(mkdir("/tmp/pt-rself", 0755), 0);
    CHECK_EQ(rename("/tmp/pt-rself", "/tmp/pt-rself"), 0);
    CHECK_EQ(access("/tmp/pt-rself", F_OK), 0);
    CHECK_EQ(rmdir("/tmp/pt-rself"), 0);
}

PT_TEST(rename_into_deeper_own_subdirectory_is_einval)
{
    CHECK_EQ(mkdir("/tmp/pt-rdeep", 0755), 0);
    CHECK_EQ(mkdir("/tmp/pt-rdeep/a", 0755), 0);
    CHECK_ERR(rename("/tmp/pt-rdeep", "/tmp/pt-rdeep/a/b"), EINVAL);
    CHECK_EQ(access("/tmp/pt-rdeep/a", F_OK), 0);
    CHECK_EQ(rmdir("/tmp/pt-rdeep/a"), 0);
    CHECK_EQ(rmdir("/tmp/pt-rdeep"), 0);
}

PT_TEST(rename_moves_a_symlink_not_its_target)
{
    CHECK_EQ(symlink("/boot/init", "/tmp/pt-rsl"), 0);
    CHECK_EQ(rename("/tmp/pt-rsl", "/tmp/pt-rsl2"), 0);
    struct stat st;
    CHECK_EQ(lstat("/tmp/pt-rsl2", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(access("/boot/init", F_OK), 0);
    CHECK_EQ(unlink("/tmp/pt-rsl2"), 0);
}

PT_TEST(unlink_directory_with_trailing_slash_fails)
{
    CHECK_EQ(mkdir("/tmp/pt-uds", 0755), 0);
    errno = 0;
    CHECK_EQ(unlink("/tmp/pt-uds/"), -1);
    CHECK(errno == EISDIR || errno == EPERM);
    CHECK_EQ(rmdir("/tmp/pt-uds/"), 0);
}

PT_TEST(link_to_symlink_links_the_symlink)
{
    CHECK_EQ(symlink("/boot/init", "/tmp/pt-lsl"), 0);
    CHECK_EQ(link("/tmp/pt-lsl", "/tmp/pt-lsl2"), 0);
    struct stat st;
    CHECK_EQ(lstat("/tmp/pt-lsl2", &st), 0);
    CHECK(S_ISLNK(st.st_mode)); /* Linux link(2) does not follow */
    CHECK_EQ(st.st_nlink, 2);
    unlink("/tmp/pt-lsl");
    unlink("/tmp/pt-lsl2");
}

PT_TEST(link_into_missing_directory_is_enoent)
{
    CHECK_ERR(link("/boot/init", "/tmp/pt-nodir/x"), ENOENT);
    CHECK_ERR(link("/boot/init", "/boot/init/x"), ENOTDIR);
}

PT_TEST(relative_symlink_resolves_from_its_directory)
{
    CHECK_EQ(mkdir("/tmp/pt-rel", 0755), 0);
    int fd = pt_make_file("/tmp/pt-rel/target", "T");
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(symlink("target", "/tmp/pt-rel/link"), 0);
    CHECK_EQ(chdir("/"), 0);
    fd = open("/tmp/pt-rel/link", O_RDONLY);
    CHECK(fd >= 0);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'T');
    close(fd);
    unlink("/tmp/pt-rel/link");
    unlink("/tmp/pt-rel/target");
    rmdir("/tmp/pt-rel");
}

PT_TEST(symlink_to_directory_in_the_middle_of_a_path)
{
    CHECK_EQ(symlink("/boot", "/tmp/pt-mid"), 0);
    struct stat a, b;
    CHECK_EQ(stat("/tmp/pt-mid/init", &a), 0);
    CHECK_EQ(stat("/boot/init", &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(stat("/tmp/pt-mid/", &a), 0); /* a trailing slash follows */
    CHECK(S_ISDIR(a.st_mode));
    unlink("/tmp/pt-mid");
}

PT_TEST(dangling_symlink_lstat_ok_stat_enoent)
{
    CHECK_EQ(symlink("/tmp/pt-gone", "/tmp/pt-dgl"), 0);
    struct stat st;
    CHECK_EQ(lstat("/tmp/pt-dgl", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 12); /* strlen("/tmp/pt-gone") */
    CHECK_ERR(stat("/tmp/pt-dgl", &st), ENOENT);
    CHECK_ERR(access("/tmp/pt-dgl", F_OK), ENOENT);
    unlink("/tmp/pt-dgl");
}

PT_TEST(readlink_exact_size_buffer)
{
    CHECK_EQ(symlink("abcdef", "/tmp/pt-rlx"), 0);
    char buf[6];
    CHECK_EQ(readlink("/tmp/pt-rlx", buf, 6), 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    CHECK_EQ(readlink("/tmp/pt-rlx", buf, 1), 1);
    CHECK_EQ(buf[0], 'a');
    unlink("/tmp/pt-rlx");
}

PT_TEST(readlinkat_relative_to_a_directory)
{
    CHECK_EQ(symlink("xyz", "/tmp/pt-rla"), 0);
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    char buf[8];
    CHECK_EQ(readlinkat(dfd, "pt-rla", buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "xyz", 3) == 0);
    CHECK_ERR(readlinkat(999, "pt-rla", buf, sizeof(buf)), EBADF);
    CHECK_ERR(readlinkat(dfd, "", buf, sizeof(buf)), ENOENT);
    close(dfd);
    unlink("/tmp/pt-rla");
}

PT_TEST(readlink_of_a_directory_is_einval)
{
    char buf[8];
    CHECK_ERR(readlink("/tmp", buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlink("/", buf, sizeof(buf)), EINVAL);
}

PT_TEST(o_nofollow_opens_a_regular_file)
{
    int fd = open("/boot/init", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    close(fd);
}

PT_TEST(truncate_path_errors)
{
    CHECK_ERR(truncate("/tmp/pt-no-such", 0), ENOENT);
    int fd = pt_make_file("/tmp/pt-trn", "abc");
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(truncate("/tmp/pt-trn", -1), EINVAL);
    CHECK_ERR(truncate("/tmp/pt-trn/x", 0), ENOTDIR);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-trn", &st), 0);
    CHECK_EQ(st.st_size, 3);
    unlink("/tmp/pt-trn");
}

PT_TEST(ftruncate_bad_descriptors)
{
    CHECK_ERR(ftruncate(999, 0), EBADF);
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_ERR(ftruncate(p[1], 0), EINVAL);
    close(p[0]);
    close(p[1]);
}

PT_TEST(ftruncate_keeps_the_offset)
{
    int fd = pt_make_file("/tmp/pt-ftk", "abcdef");
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 5, SEEK_SET), 5);
    CHECK_EQ(ftruncate(fd, 2), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    CHECK_EQ(write(fd, "Z", 1), 1);
    char buf[6];
    CHECK_EQ(pread(fd, buf, 6, 0), 6);
    CHECK(memcmp(buf, "ab\0\0\0Z", 6) == 0);
    close(fd);
    unlink("/tmp/pt-ftk");
}

PT_TEST(st_size_follows_writes_and_holes)
{
    int fd = pt_make_file("/tmp/pt-stsz", "");
    CHECK(fd >= 0);
    CHECK_EQ(fsize(fd), 0);
    CHECK_EQ(pwrite(fd, "x", 1, 9999), 1);
    CHECK_EQ(fsize(fd), 10000);
    CHECK_EQ(pwrite(fd, "y", 1, 0), 1);
    CHECK_EQ(fsize(fd), 10000);
    close(fd);
    unlink("/tmp/pt-stsz");
}

PT_TEST(fstat_bad_descriptor_is_ebadf)
{
    struct stat st;
    CHECK_ERR(fstat(999, &st), EBADF);
    CHECK_ERR(fstat(-1, &st), EBADF);
}

PT_TEST(chmod_keeps_the_file_type)
{
    int fd = pt_make_file("/tmp/pt-chty", "");
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(chmod("/tmp/pt-chty", 07777 | S_IFDIR), 0);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-chty", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 07777);
    CHECK_ERR(chmod("/tmp/pt-no-such", 0644), ENOENT);
    unlink("/tmp/pt-chty");
}

PT_TEST(getcwd_stays_at_root_above_root)
{
    CHECK_EQ(chdir("/.."), 0);
    char buf[16];
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, "/") == 0);
    CHECK_EQ(chdir("/boot/../../.."), 0);
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, "/") == 0);
}

PT_TEST(getcwd_syscall_returns_length_with_nul)
{
    CHECK_EQ(chdir("/boot"), 0);
    char buf[16];
    CHECK_EQ(syscall(SYS_getcwd, buf, sizeof(buf)), 6);
    CHECK(strcmp(buf, "/boot") == 0);
    CHECK_ERR(syscall(SYS_getcwd, buf, 5), ERANGE);
    CHECK_EQ(syscall(SYS_getcwd, buf, 6), 6);
}

PT_TEST(getcwd_inside_proc_and_tmp)
{
    char want[32], buf[64];
    snprintf(want, sizeof(want), "/proc/%d", (int)getpid());
    CHECK_EQ(chdir("/proc/self"), 0);
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, want) == 0);
    CHECK_EQ(mkdir("/tmp/pt-cwd", 0755), 0);
    CHECK_EQ(mkdir("/tmp/pt-cwd/in", 0755), 0);
    CHECK_EQ(chdir("/tmp/pt-cwd/in"), 0);
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, "/tmp/pt-cwd/in") == 0);
    CHECK_EQ(chdir("/"), 0);
    rmdir("/tmp/pt-cwd/in");
    rmdir("/tmp/pt-cwd");
}

PT_TEST(chdir_to_symlink_of_directory)
{
    CHECK_EQ(symlink("/boot", "/tmp/pt-cdl"), 0);
    CHECK_EQ(chdir("/tmp/pt-cdl"), 0);
    char buf[32];
    CHECK(getcwd(buf, sizeof(buf)));
    CHECK(strcmp(buf, "/boot") == 0);
    CHECK_EQ(access("init", F_OK), 0);
    unlink("/tmp/pt-cdl");
}

PT_TEST(getdents64_on_an_empty_directory_has_dot_entries)
{
    CHECK_EQ(mkdir("/tmp/pt-gde", 0755), 0);
    int fd = open("/tmp/pt-gde", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buf[1024];
    int dot = 0, dotdot = 0, other = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            const char *name = buf + off + 19;
            if (strcmp(name, ".") == 0)
                dot++;
            else if (strcmp(name, "..") == 0)
                dotdot++;
            else
                other++;
            off += reclen;
        }
    }
    CHECK_EQ(n, 0);
    CHECK_EQ(dot, 1);
    CHECK_EQ(dotdot, 1);
    CHECK_EQ(other, 0);
    close(fd);
    rmdir("/tmp/pt-gde");
}

PT_TEST(getdents64_records_are_aligned)
{
    int fd = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buf[4096] __attribute__((aligned(8)));
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    CHECK(n > 0);
    for (long off = 0; off < n;) {
        unsigned short reclen = *(unsigned short *)(buf + off + 16);
        CHECK_EQ(reclen % 8, 0);
        CHECK(reclen >= 20);
        CHECK(strlen(buf + off + 19) + 20 <= reclen);
        off += reclen;
    }
    close(fd);
}

PT_TEST(pipe_zero_length_write_and_read)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "x", 0), 0);
    int avail = -1;
    CHECK_EQ(ioctl(p[0], FIONREAD, &avail), 0);
    CHECK_EQ(avail, 0);
    char c;
    CHECK_EQ(read(p[0], &c, 0), 0);
    close(p[0]);
    close(p[1]);
}

PT_TEST(pipe_fionread_counts_each_write)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    int avail = -1;
    CHECK_EQ(write(p[1], "abc", 3), 3);
    CHECK_EQ(write(p[1], "defgh", 5), 5);
    CHECK_EQ(ioctl(p[0], FIONREAD, &avail), 0);
    CHECK_EQ(avail, 8);
    char buf[8];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK_EQ(ioctl(p[0], FIONREAD, &avail), 0);
    CHECK_EQ(avail, 6);
    close(p[0]);
    close(p[1]);
}

PT_TEST(pipe_short_read_returns_what_is_there)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "abc", 3), 3);
    CHECK_EQ(write(p[1], "de", 2), 2);
    char buf[100];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "abcde", 5) == 0);
    close(p[0]);
    close(p[1]);
}

PT_TEST(pipe_ends_have_their_access_modes)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    char c;
    CHECK_ERR(read(p[1], &c, 1), EBADF);
    close(p[0]);
    close(p[1]);
}

PT_TEST(pipe_dup_of_writer_keeps_it_open)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    int w2 = dup(p[1]);
    CHECK(w2 >= 0);
    CHECK_EQ(close(p[1]), 0);
    CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    char c;
    CHECK_ERR(read(p[0], &c, 1), EAGAIN); /* not EOF: a writer remains */
    CHECK_EQ(write(w2, "k", 1), 1);
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'k');
    CHECK_EQ(close(w2), 0);
    CHECK_EQ(read(p[0], &c, 1), 0);
    close(p[0]);
}

PT_TEST(pipe_data_stays_after_writer_closes)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "tail", 4), 4);
    CHECK_EQ(close(p[1]), 0);
    char buf[8];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK_EQ(read(p[0], buf, 8), 2);
    CHECK(memcmp(buf, "il", 2) == 0);
    CHECK_EQ(read(p[0], buf, 8), 0);
    close(p[0]);
}

PT_TEST(pipe_fstat_is_fifo_with_distinct_fds_same_inode)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct stat a, b;
    CHECK_EQ(fstat(p[0], &a), 0);
    CHECK_EQ(fstat(p[1], &b), 0);
    CHECK(S_ISFIFO(a.st_mode) && S_ISFIFO(b.st_mode));
    CHECK_EQ(a.st_ino, b.st_ino);
    int q[2];
    CHECK_EQ(pipe(q), 0);
    CHECK_EQ(fstat(q[0], &b), 0);
    CHECK(a.st_ino != b.st_ino);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

PT_TEST(poll_negative_fd_is_ignored)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    struct pollfd f[2] = {{-1, POLLIN, 0x55}, {p[0], POLLIN, 0}};
    CHECK_EQ(poll(f, 2, 0), 1);
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(f[1].revents, POLLIN);
    close(p[0]);
    close(p[1]);
}

PT_TEST(poll_closed_descriptor_is_pollnval_and_counts)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    int fd = p[0];
    close(p[0]);
    struct pollfd f = {fd, POLLIN, 0};
    CHECK_EQ(poll(&f, 1, 1000), 1); /* returns at once */
    CHECK_EQ(f.revents, POLLNVAL);
    close(p[1]);
}

PT_TEST(poll_zero_timeout_on_empty_pipe_is_zero)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct pollfd f = {p[0], POLLIN, 0x7f};
    CHECK_EQ(poll(&f, 1, 0), 0);
    CHECK_EQ(f.revents, 0);
    close(p[0]);
    close(p[1]);
}

PT_TEST(poll_writer_end_reports_pollout_only)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct pollfd f = {p[1], POLLIN | POLLOUT, 0};
    CHECK_EQ(poll(&f, 1, 0), 1);
    CHECK_EQ(f.revents, POLLOUT);
    close(p[0]);
    close(p[1]);
}

PT_TEST(poll_reader_sees_pollhup_after_writer_closes)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    close(p[1]);
    struct pollfd f = {p[0], POLLIN, 0};
    CHECK_EQ(poll(&f, 1, 0), 1);
    CHECK(f.revents & POLLHUP);
    close(p[0]);
}

PT_TEST(select_bad_nfds_is_einval)
{
    fd_set r;
    FD_ZERO(&r);
    struct timeval tv = {0, 0};
    CHECK_ERR(select(-1, &r, NULL, NULL, &tv), EINVAL);
    struct timeval bad = {0, -1};
    CHECK_ERR(select(1, NULL, NULL, NULL, &bad), EINVAL);
}

PT_TEST(select_zero_timeout_clears_unready_bits)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));
    close(p[0]);
    close(p[1]);
}

PT_TEST(select_closed_descriptor_is_ebadf)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    int fd = p[0];
    close(p[0]);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    struct timeval tv = {0, 0};
    CHECK_ERR(select(fd + 1, &r, NULL, NULL, &tv), EBADF);
    close(p[1]);
}
