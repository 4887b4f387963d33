/*
 * no-socket.c - for tests: a process out of file descriptors.
 *
 * Loaded with LD_PRELOAD, it makes socket(2) for IPv4 and IPv6 fail with
 * EMFILE, as when every descriptor the process may have is taken; other
 * sockets (Unix ones) are the C library's. Built by the tests that use it:
 *   cc -shared -fPIC -o no-socket.so tests/no-socket.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol)
{
	static int (*real_socket)(int, int, int);

	if (domain == AF_INET || domain == AF_INET6) {
		errno = EMFILE;
		return -1;
	}
	if (!real_socket)
		real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	return real_socket(domain, type, protocol);
}
