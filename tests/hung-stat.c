/*
 * hung-stat.c - for tests: a file system that stops answering.
 *
 * Loaded with LD_PRELOAD, it makes stat(2) of any path under a directory
 * named "hung-mount" wait as a call on a network mount that stopped answering
 * waits: until the mount comes back, here until a file named
 * "hung-mount.back" appears beside the directory (then the call goes on).
 * Every other path is the C library's. Built by the tests that use it:
 *   cc -shared -fPIC -o hung-stat.so tests/hung-stat.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int (*real_stat)(const char *, struct stat *);

static void wait_for_mount(const char *path)
{
	const char *dir = strstr(path, "/hung-mount/");
	char back[PATH_MAX];
	struct stat sb;

	if (!dir || (size_t)(dir - path) + sizeof("/hung-mount.back") > sizeof(back))
		return;
	snprintf(back, sizeof(back), "%.*s/hung-mount.back", (int)(dir - path), path);
	while (real_stat(back, &sb) != 0) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}

int stat(const char *path, struct stat *sb)
{
	if (!real_stat)
		real_stat = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
	wait_for_mount(path);
	return real_stat(path, sb);
}
