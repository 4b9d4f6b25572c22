/*
 * Compat header: libsrtp3 (versatica's 3.0.0-beta, the API mediasoup 3.19 is
 * written against) on top of Debian's libsrtp2.
 *
 * mediasoup does `#include <srtp.h>`; this file sits first on the include path
 * and forwards to <srtp2/srtp.h>. Differences bridged here:
 *   - libsrtp3 protect/unprotect are out-of-place with size_t lengths and a
 *     capacity-in/length-out parameter; libsrtp2 works in place with int*.
 *     We copy input to output (when they differ), check capacity, and call the
 *     in-place function (the _mki variant when an MKI index is asked for).
 *   - two error codes libsrtp2 lacks (values as in libsrtp3).
 *   - srtp_stream_remove() is libsrtp2's srtp_remove_stream().
 *   - srtp_init() first initialises NSS itself (see tongban_srtp3_init).
 * Part of Tongban Desk's offline mediasoup build (scripts/install/).
 */
#ifndef TONGBAN_SRTP3_COMPAT_H
#define TONGBAN_SRTP3_COMPAT_H

#include <srtp2/srtp.h>

#include <nss.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* SRTCP adds a 4-byte E-flag + index word on top of the auth tag / MKI. */
#define TONGBAN_SRTCP_EXTRA_LEN 4

static inline srtp_err_status_t tongban_srtp3_prepare(
  const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap, size_t needed_cap)
{
	if (in_len > (size_t)INT_MAX - (SRTP_MAX_TRAILER_LEN + TONGBAN_SRTCP_EXTRA_LEN))
		return srtp_err_status_bad_param;
	if (out_cap < needed_cap)
		return srtp_err_status_buffer_small;
	if (out != in)
		memmove(out, in, in_len);
	return srtp_err_status_ok;
}

static inline srtp_err_status_t tongban_srtp3_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	srtp_err_status_t err =
	  tongban_srtp3_prepare(rtp, rtp_len, srtp, *srtp_len, rtp_len + SRTP_MAX_TRAILER_LEN);
	if (err != srtp_err_status_ok)
		return err;

	int len = (int)rtp_len;
	err = mki_index == 0 ? srtp_protect(ctx, srtp, &len)
	                     : srtp_protect_mki(ctx, srtp, &len, 1, (unsigned int)mki_index);
	if (err == srtp_err_status_ok)
		*srtp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t tongban_srtp3_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	/* Decryption never grows the packet: capacity must hold the input. */
	srtp_err_status_t err = tongban_srtp3_prepare(srtp, srtp_len, rtp, *rtp_len, srtp_len);
	if (err != srtp_err_status_ok)
		return err;

	int len = (int)srtp_len;
	err     = srtp_unprotect(ctx, rtp, &len);
	if (err == srtp_err_status_ok)
		*rtp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t tongban_srtp3_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	srtp_err_status_t err = tongban_srtp3_prepare(
	  rtcp, rtcp_len, srtcp, *srtcp_len, rtcp_len + SRTP_MAX_TRAILER_LEN + TONGBAN_SRTCP_EXTRA_LEN);
	if (err != srtp_err_status_ok)
		return err;

	int len = (int)rtcp_len;
	err = mki_index == 0 ? srtp_protect_rtcp(ctx, srtcp, &len)
	                     : srtp_protect_rtcp_mki(ctx, srtcp, &len, 1, (unsigned int)mki_index);
	if (err == srtp_err_status_ok)
		*srtcp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t tongban_srtp3_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	srtp_err_status_t err = tongban_srtp3_prepare(srtcp, srtcp_len, rtcp, *rtcp_len, srtcp_len);
	if (err != srtp_err_status_ok)
		return err;

	int len = (int)srtcp_len;
	err     = srtp_unprotect_rtcp(ctx, rtcp, &len);
	if (err == srtp_err_status_ok)
		*rtcp_len = (size_t)len;
	return err;
}

/*
 * Debian's libsrtp2 does its AES with NSS, and every cipher it allocates (two per
 * SRTP stream) calls NSS_InitContext(..., NSS_INIT_OPTIMIZESPACE). Whichever NSS
 * init comes first sizes softoken's session and session-object hash tables for
 * the whole process: 32 buckets with that flag, 1024 without. Each stream keeps
 * a key object and a session open, and each packet's PK11_Encrypt/Decrypt opens
 * a session and looks its key up, so with 32 buckets every packet walked chains
 * of (open streams ÷ 32): at 100 two-party sessions that was 13–18 % of the
 * worker's CPU. Initialising NSS here first, without the flag, keeps the large
 * tables; libsrtp's own contexts then only add references.
 */
static inline srtp_err_status_t tongban_srtp3_init(void)
{
	static NSSInitContext* nss = NULL;
	if (nss == NULL)
		nss = NSS_InitContext(
		  "", "", "", "", NULL, NSS_INIT_READONLY | NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB | NSS_INIT_FORCEOPEN);
	if (nss == NULL)
		return srtp_err_status_init_fail;
	return srtp_init();
}

/* Only now rename, so the wrappers above still call libsrtp2's functions. */
#define srtp_protect tongban_srtp3_protect
#define srtp_unprotect tongban_srtp3_unprotect
#define srtp_protect_rtcp tongban_srtp3_protect_rtcp
#define srtp_unprotect_rtcp tongban_srtp3_unprotect_rtcp
#define srtp_stream_remove srtp_remove_stream
#define srtp_init tongban_srtp3_init

#endif /* TONGBAN_SRTP3_COMPAT_H */
