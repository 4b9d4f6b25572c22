/*
 * Compat header: Debian bookworm's liburing 2.3 under the API mediasoup 3.19
 * uses (liburing 2.5, its wrap). mediasoup does `#include <liburing.h>`; this
 * file sits first on the include path, pulls in the system header with
 * #include_next and adds what 2.3 lacks:
 *   - io_uring_major_version() / io_uring_minor_version() (2.4+), answered
 *     from the pkg-config version the shim's meson.build passes in;
 *   - io_uring_prep_sendto() (2.4+), which is io_uring_prep_send() plus
 *     io_uring_prep_send_set_addr() exactly as liburing 2.5 defines it.
 * Newer liburing (which defines IO_URING_VERSION_MAJOR) gets nothing extra.
 * Part of Tongban Desk's offline mediasoup build (scripts/install/).
 */
#ifndef TONGBAN_LIBURING_COMPAT_H
#define TONGBAN_LIBURING_COMPAT_H

#include_next <liburing.h>

#ifndef IO_URING_VERSION_MAJOR

#ifndef TONGBAN_LIBURING_MAJOR
#error "TONGBAN_LIBURING_MAJOR/MINOR must be set by the liburing shim's meson.build"
#endif

static inline int io_uring_major_version(void)
{
	return TONGBAN_LIBURING_MAJOR;
}

static inline int io_uring_minor_version(void)
{
	return TONGBAN_LIBURING_MINOR;
}

static inline void io_uring_prep_sendto(
  struct io_uring_sqe* sqe,
  int sockfd,
  const void* buf,
  size_t len,
  int flags,
  const struct sockaddr* addr,
  socklen_t addrlen)
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, (__u16)addrlen);
}

#endif /* !IO_URING_VERSION_MAJOR */

#endif /* TONGBAN_LIBURING_COMPAT_H */
