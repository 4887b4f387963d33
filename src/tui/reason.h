/*
 * reason.h - why a system has its status, in a few words for the list:
 * its worst finding with the measured figure against the target
 * ("rto-breach 40m > 15m", "no backup since 26h"), what evidence is missing
 * for an UNKNOWN, and how long it has been down when it is down now.
 */
#ifndef DRTOP_REASON_H
#define DRTOP_REASON_H

#include <stdint.h>

#include "board.h"

/* The reason for S's status into BUF (SIZE bytes), durations with FLAGS
 * (DURATION_ASCII); *SEVERITY gets the status word that colours it. Returns BUF. */
const char *reason_text(const struct board_system *s, unsigned flags, int full, char *buf,
			size_t size, const char **severity);

#endif
