// System declarations that Swift's Glibc module map leaves out. Nothing is implemented here:
// HTTPWire/Platform wraps these calls like every other syscall. Empty on other systems.
#ifndef LLMCHECK_C_PLATFORM_SHIM_H
#define LLMCHECK_C_PLATFORM_SHIM_H

#if defined(__linux__)
#include <sys/epoll.h>
#endif

#endif
