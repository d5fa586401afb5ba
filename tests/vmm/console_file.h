/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file printed on a serial console so that the host can cut it out of the
 * log: base64 between marker lines that carry its size and CRC-32, because
 * the console turns \n into \r\n and the kernel may print in between.
 *
 *   KVMIRQ-FILE-BEGIN <name>
 *   <base64, 76 columns>
 *   KVMIRQ-FILE-END <name> <bytes> <crc32 in hex>
 *
 * tests/rig/e500/run.sh reads it back.
 */
#ifndef KVMIRQ_TEST_CONSOLE_FILE_H
#define KVMIRQ_TEST_CONSOLE_FILE_H

/* Print PATH on stdout as NAME; 0, or -1 with errno set. */
int console_print_file(const char *path, const char *name);

#endif
