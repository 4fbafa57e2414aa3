/* SPDX-License-Identifier: MIT */
/*
 * In-QEMU tests of `initramfs = yes`: the kernel maps the archive
 * read-only into the domain, librivet reads files from it, and a domain
 * without the key sees nothing (tests/qemu/test_initramfs.py, which
 * packs the files these roles expect).
 */
#include <stdint.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/initramfs.h>
#include <rivet/libos.h>

#include "tests.h"

/* What tests/qemu/test_initramfs.py packs. */
#define HELLO_PATH "/t/hello.txt"
#define HELLO_TEXT "rivet initramfs test file\n"
#define BIG_PATH   "/t/big.bin"
#define BIG_SIZE   (3UL << 20)

static volatile unsigned long faults, fault_cause, fault_addr;

/* Counts a page fault and skips the faulting instruction. */
static int skip_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	faults++;
	fault_cause = u->cause;
	fault_addr = u->tval;
	u->epc += insn_len(u->epc);
	return 0;
}

/* Does a load (store false) or store at va fault with cause? */
static int faults_at(unsigned long va, int store, unsigned long cause)
{
	unsigned long before = faults;

	if (store)
		*(volatile uint8_t *)va = 0x5a;
	else
		(void)*(volatile uint8_t *)va;
	return faults == before + 1 && fault_cause == cause && fault_addr == va;
}

/* Byte i of the big file: changes within every page and across pages. */
static uint8_t big_byte(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 12) * 13);
}

static void check_big_file(void)
{
	struct rivet_file f;
	size_t i, bad = 0;

	EXPECT_EQ("initramfs_big_file_found", rivet_file_find(BIG_PATH, &f), 0);
	if (f.size != BIG_SIZE) {
		report("initramfs_big_file_reads_back", 0, "size %ld",
		       (long)f.size, 0);
		return;
	}
	for (i = 0; i < f.size; i++)
		bad += f.data[i] != big_byte(i);
	report("initramfs_big_file_reads_back", bad == 0, "%ld bad bytes",
	       (long)bad, 0);
}

static void check_listing(void)
{
	struct rivet_file f;
	size_t off = 0;
	int rc, conf = 0, hello = 0, n = 0;

	while ((rc = rivet_file_next(&off, &f)) > 0) {
		n++;
		conf += !strcmp(f.name, "etc/rivet.conf");
		hello += !strcmp(f.name, "t/hello.txt");
	}
	report("initramfs_listing_names_every_file",
	       rc == 0 && conf == 1 && hello == 1 && n == 4,
	       "rc %ld, %ld files", rc, n);
}

static void role_initramfs(void)
{
	const struct rivet_info *in = rivet_info();
	const uint8_t *archive;
	struct rivet_file f;
	size_t size;

	rivet_exc_register(13, skip_fault, 0);
	rivet_exc_register(15, skip_fault, 0);
	report("initramfs_info_says_where",
	       in->initramfs >= RIVET_INITRAMFS_VA &&
		       in->initramfs < RIVET_INITRAMFS_VA + 4096 &&
		       in->initramfs_size > BIG_SIZE,
	       "at 0x%lx, size %ld", (long)in->initramfs,
	       (long)in->initramfs_size);
	EXPECT_EQ("initramfs_archive_given", rivet_initramfs(&archive, &size),
		  0);
	report("initramfs_starts_with_cpio_magic",
	       size > 6 && !memcmp(archive, "070701", 6), "size %ld",
	       (long)size, 0);

	EXPECT_EQ("initramfs_file_found", rivet_file_find(HELLO_PATH, &f), 0);
	report("initramfs_file_reads_back",
	       f.size == strlen(HELLO_TEXT) &&
		       !memcmp(f.data, HELLO_TEXT, f.size),
	       "size %ld", (long)f.size, 0);
	EXPECT_EQ("initramfs_relative_path_same_file",
		  rivet_file_find("t/hello.txt", &f), 0);
	EXPECT_EQ("initramfs_missing_file_is_noent",
		  rivet_file_find("/t/missing.txt", &f), E_NOENT);
	EXPECT_EQ("initramfs_prefix_is_not_a_file",
		  rivet_file_find("/t/hello", &f), E_NOENT);
	/* The kernel reads user buffers only in frames a domain owns
	 * (kernel/mm/uaccess.c): the archive's are not, so a system call
	 * given a pointer into it refuses, and nothing faults. */
	EXPECT_EQ("initramfs_not_a_syscall_buffer",
		  sys_debug_write((const char *)f.data, f.size), E_RANGE);
	check_big_file();
	check_listing();

	/* Read-only: a store faults and changes nothing, at the first
	 * page, in a file, and in the last page (a kernel copy unless the
	 * archive ends on a page boundary). */
	rivet_file_find(HELLO_PATH, &f);
	report("initramfs_store_faults_first_page",
	       faults_at(in->initramfs, 1, 15), "faults %ld, cause %ld",
	       (long)faults, (long)fault_cause);
	report("initramfs_store_faults_in_a_file",
	       faults_at((unsigned long)f.data, 1, 15), "faults %ld, cause %ld",
	       (long)faults, (long)fault_cause);
	report("initramfs_store_faults_last_page",
	       faults_at(in->initramfs + in->initramfs_size - 1, 1, 15),
	       "faults %ld, cause %ld", (long)faults, (long)fault_cause);
	report("initramfs_unchanged_after_stores",
	       !memcmp(archive, "070701", 6) &&
		       !memcmp(f.data, HELLO_TEXT, strlen(HELLO_TEXT)),
	       "", 0, 0);
	/* Past the archive's last page nothing is mapped. */
	report("initramfs_nothing_past_the_end",
	       faults_at(
		       ((in->initramfs + in->initramfs_size + 4095) & ~4095UL) +
			       4096,
		       0, 13),
	       "faults %ld, cause %ld", (long)faults, (long)fault_cause);
}

static void role_initramfs_none(void)
{
	const struct rivet_info *in = rivet_info();
	const uint8_t *archive;
	struct rivet_file f;
	size_t size, off = 0;

	rivet_exc_register(13, skip_fault, 0);
	report("no_initramfs_in_the_info_page",
	       in->initramfs == 0 && in->initramfs_size == 0, "at 0x%lx",
	       (long)in->initramfs, 0);
	EXPECT_EQ("no_initramfs_archive", rivet_initramfs(&archive, &size),
		  E_NOENT);
	EXPECT_EQ("no_initramfs_file", rivet_file_find(HELLO_PATH, &f),
		  E_NOENT);
	EXPECT_EQ("no_initramfs_listing", rivet_file_next(&off, &f), 0);
	report("no_initramfs_mapped", faults_at(RIVET_INITRAMFS_VA, 0, 13),
	       "faults %ld, cause %ld", (long)faults, (long)fault_cause);
}

const struct role initramfs_roles[] = {
	{ "t_initramfs", role_initramfs },
	{ "t_initramfs_none", role_initramfs_none },
	{ 0 },
};
