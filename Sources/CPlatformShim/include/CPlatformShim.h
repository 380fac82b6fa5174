// System declarations that Swift's Glibc module map leaves out. Nothing is implemented here:
// HTTPWire/Platform wraps these calls like every other syscall. Empty on other systems.
#ifndef LLMCHECK_C_PLATFORM_SHIM_H
#define LLMCHECK_C_PLATFORM_SHIM_H

#if defined(__linux__)
#include <sys/epoll.h>
#include <spawn.h>
// glibc ≥ 2.29 (declared only under _GNU_SOURCE, which the module map does not set).
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
#endif

#endif
